"""zkreceipt's Solidity verifier and call data on a real EVM (solc-js + @ethereumjs/evm).

Each contract is deployed once and called with every case in one node run
(``call_results``); the cases are a real proof, the same proof sent as snarkjs's call-data
text, and tampered variants. snarkjs's own verifier for the same key gets the same calls:
both must agree except where zkreceipt's is deliberately stricter (a non-canonical A.y).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from evm_helpers import Contract, Statement
from evm_tools import evm_tool, missing_tools, snarkjs

from zkreceipt.curve import G1Points
from zkreceipt.field import Fq, Fr
from zkreceipt.formats.snarkjs_json import proof_to_json, public_signals_to_json
from zkreceipt.formats.solidity import CallArguments, solidity_call_arguments, solidity_calldata

R, Q = Fr.modulus, Fq.modulus

pytestmark = pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))


@dataclass(frozen=True)
class Case:
    """A call and what each verifier must answer."""

    call: dict[str, Any]
    zkreceipt: bool
    snarkjs: bool


def _shifted(point: G1Points) -> tuple[int, int]:
    """point + G: on the curve, but not the proof's point."""
    x, y = (point + G1Points.generator()).to_ints()[0]
    return (x, y)


def _non_canonical_y(y: int) -> int:
    """y' ≥ q with (q − y') mod 2²⁵⁶ ≡ −y (mod q): snarkjs's negation of A maps it to −A."""
    shifted = (y + (1 << 256)) % Q + Q
    assert Q <= shifted < 1 << 256 and (Q - shifted) % (1 << 256) % Q == (Q - y) % Q
    return shifted


def _cases(statement: Statement, selector: str) -> dict[str, Case]:
    args = solidity_call_arguments(statement.proof, statement.public)
    (bx1, bx0), (by1, by0) = args.b
    first, *rest = args.inputs

    def data(changed: CallArguments) -> dict[str, Any]:
        return {"data": "0x" + changed.abi_encode().hex()}

    rejected = {
        "A changed": replace(args, a=_shifted(statement.proof.a)),
        "C changed": replace(args, c=_shifted(statement.proof.c)),
        "B in JSON order (c0 first)": replace(args, b=((bx0, bx1), (by0, by1))),
        "first public signal + 1": replace(args, inputs=((first + 1) % R, *rest)),
        "last public signal + 1": replace(args, inputs=(*args.inputs[:-1], (args.inputs[-1] + 1) % R)),
        "public signal + r (same scalar mod r)": replace(args, inputs=(first + R, *rest)),
        "public signal 2^256 - 1": replace(args, inputs=((1 << 256) - 1, *rest)),
        "A.x + q": replace(args, a=(args.a[0] + Q, args.a[1])),
    }
    cases = {
        "valid": Case(data(args), True, True),
        "valid, snarkjs calldata text": Case(
            {"selector": selector, "calldata": solidity_calldata(statement.proof, statement.public)}, True, True
        ),
        "A.y non-canonical (y + k·q)": Case(
            data(replace(args, a=(args.a[0], _non_canonical_y(args.a[1])))), zkreceipt=False, snarkjs=True
        ),
    }
    cases.update({name: Case(data(changed), False, False) for name, changed in rejected.items()})
    return cases


def _run(contract: Contract, cases: dict[str, Case]) -> dict[str, dict[str, Any]]:
    answer = evm_tool("call", {"bytecode": contract.bytecode, "calls": [c.call for c in cases.values()]})
    return dict(zip(cases, answer["results"]))


@pytest.fixture(scope="session")
def three_cases(statements: dict[str, Statement], contracts: dict[str, Contract]) -> dict[str, Case]:
    return _cases(statements["three"], contracts["zkreceipt-three"].selector)


@pytest.fixture(scope="session")
def call_results(contracts: dict[str, Contract], three_cases: dict[str, Case]) -> dict[str, dict[str, Any]]:
    """contract name → case name → the EVM's result."""
    return {name: _run(contracts[name], three_cases) for name in ("zkreceipt-three", "snarkjs-three")}


def _returned(result: dict[str, Any]) -> bool:
    assert result["success"], f"the call reverted: {result['error']}"
    word = result["returnData"]
    assert word in ("0x" + "0" * 64, "0x" + "0" * 63 + "1"), f"not an ABI bool: {word}"
    return word.endswith("1")


CASE_NAMES = [
    "valid",
    "valid, snarkjs calldata text",
    "A changed",
    "C changed",
    "B in JSON order (c0 first)",
    "first public signal + 1",
    "last public signal + 1",
    "public signal + r (same scalar mod r)",
    "public signal 2^256 - 1",
    "A.x + q",
    "A.y non-canonical (y + k·q)",
]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_zkreceipt_verifier_on_the_evm(case: str, three_cases: dict[str, Case], call_results: dict) -> None:
    assert set(three_cases) == set(CASE_NAMES)
    assert _returned(call_results["zkreceipt-three"][case]) is three_cases[case].zkreceipt


@pytest.mark.parametrize("case", CASE_NAMES)
def test_snarkjs_verifier_agrees(case: str, three_cases: dict[str, Case], call_results: dict) -> None:
    assert _returned(call_results["snarkjs-three"][case]) is three_cases[case].snarkjs


def test_calldata_text_parses_into_the_same_arguments(three_cases: dict[str, Case], call_results: dict) -> None:
    """node's JSON.parse of the text, ABI-encoded, is byte for byte CallArguments.abi_encode()."""
    results = call_results["zkreceipt-three"]
    assert results["valid, snarkjs calldata text"]["data"] == results["valid"]["data"]


def test_one_public_signal(statements: dict[str, Statement], contracts: dict[str, Contract]) -> None:
    statement = statements["one"]
    contract = contracts["zkreceipt-one"]
    args = solidity_call_arguments(statement.proof, statement.public)
    (signal,) = args.inputs
    cases = {
        "valid": Case({"selector": contract.selector, "calldata": args.to_calldata()}, True, True),
        "signal + 1": Case({"data": "0x" + replace(args, inputs=((signal + 1) % R,)).abi_encode().hex()}, False, False),
        "A changed": Case(
            {"data": "0x" + replace(args, a=_shifted(statement.proof.a)).abi_encode().hex()}, False, False
        ),
    }
    results = _run(contract, cases)
    assert {name: _returned(r) for name, r in results.items()} == {n: c.zkreceipt for n, c in cases.items()}


def test_same_interface_as_snarkjs(contracts: dict[str, Contract]) -> None:
    ours, theirs = contracts["zkreceipt-three"], contracts["snarkjs-three"]
    assert ours.abi == theirs.abi
    assert (
        ours.method_identifiers
        == theirs.method_identifiers
        == {"verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[3])": ours.selector[2:]}
    )


def test_selector_and_encoding_match_solc(statements: dict[str, Statement], contracts: dict[str, Contract]) -> None:
    for name in ("three", "one"):
        statement, contract = statements[name], contracts[f"zkreceipt-{name}"]
        args = solidity_call_arguments(statement.proof, statement.public)
        assert contract.method_identifiers == {args.function_signature: args.abi_encode()[:4].hex()}


def test_contract_compiles_without_warnings(contracts: dict[str, Contract]) -> None:
    assert contracts["zkreceipt-three"].warnings == []
    assert contracts["zkreceipt-one"].warnings == []


def test_calldata_is_what_the_snarkjs_cli_prints(statements: dict[str, Statement], tmp_path: Path) -> None:
    statement = statements["three"]
    proof_file, public_file = tmp_path / "proof.json", tmp_path / "public.json"
    proof_file.write_text(json.dumps(proof_to_json(statement.proof), indent=1))
    public_file.write_text(json.dumps(public_signals_to_json(statement.public), indent=1))
    printed = snarkjs("zkey", "export", "soliditycalldata", public_file, proof_file)
    assert printed.rstrip("\n") == solidity_calldata(statement.proof, statement.public)
