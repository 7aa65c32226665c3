"""zkreceipt.formats.solidity without Node: argument layout, call-data text, contract text, errors.

Random curve points stand in for keys and proofs (no proving needed); the EVM tests in
test_solidity_evm.py run the same functions on real proofs.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from evm_helpers import random_key

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.errors import FileAccessError, ProofError
from zkreceipt.field import Fr
from zkreceipt.formats.solidity import (
    CallArguments,
    solidity_call_arguments,
    solidity_calldata,
    solidity_verifier,
    write_solidity_verifier,
)
from zkreceipt.groth16 import Proof, VerifyingKey

R = Fr.modulus
PUBLIC = [0, 1, R - 1]


@pytest.fixture(scope="module")
def proof() -> Proof:
    return Proof(a=G1Points.random(1), b=G2Points.random(1), c=G1Points.random(1))


def test_arguments_are_affine_ints_with_g2_c1_first(proof: Proof) -> None:
    args = solidity_call_arguments(proof, PUBLIC)
    (ax, ay), ((bx0, bx1), (by0, by1)), (cx, cy) = (p.to_ints()[0] for p in (proof.a, proof.b, proof.c))
    assert args == CallArguments(a=(ax, ay), b=((bx1, bx0), (by1, by0)), c=(cx, cy), inputs=tuple(PUBLIC))
    assert args.words() == [ax, ay, bx1, bx0, by1, by0, cx, cy, *PUBLIC]


def test_calldata_text_layout(proof: Proof) -> None:
    text = solidity_calldata(proof, PUBLIC)
    word = r'"0x[0-9a-f]{64}"'
    layout = (
        rf"\[{word}, {word}\],\[\[{word}, {word}\],\[{word}, {word}\]\],\[{word}, {word}\],\[{word},{word},{word}\]"
    )
    assert re.fullmatch(layout, text), text
    a, b, c, inputs = json.loads(f"[{text}]")
    args = solidity_call_arguments(proof, PUBLIC)
    as_ints = lambda values: tuple(int(v, 16) for v in values)
    assert (as_ints(a), tuple(as_ints(pair) for pair in b), as_ints(c), as_ints(inputs)) == (
        args.a,
        args.b,
        args.c,
        args.inputs,
    )


def test_abi_encoding(proof: Proof) -> None:
    args = solidity_call_arguments(proof, PUBLIC)
    data = args.abi_encode()
    assert args.function_signature == "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[3])"
    assert len(data) == 4 + 32 * 11
    assert [int.from_bytes(data[i : i + 32], "big") for i in range(4, len(data), 32)] == args.words()
    # The selector solc 0.8.30 gives verifyProof with two public signals (snarkjs's contracts too).
    assert replace(args, inputs=(1, 2)).abi_encode()[:4].hex() == "f5c9d69e"


@pytest.mark.parametrize(
    ("signals", "message"),
    [
        ([R], "public signal 0 = .* is not in \\[0, r\\)"),
        ([1, -1], "public signal 1 = -1 is not in"),
        ([True], "public signal 0 is bool"),
        (["5"], "public signal 0 is str"),
        ("5", "must be a sequence"),
    ],
)
def test_bad_public_signals(proof: Proof, signals: object, message: str) -> None:
    with pytest.raises(ProofError, match=message):
        solidity_calldata(proof, signals)  # type: ignore[arg-type]


def test_bad_proof(proof: Proof) -> None:
    with pytest.raises(ProofError, match="proof element A holds 2 points"):
        solidity_call_arguments(replace(proof, a=G1Points.random(2)), PUBLIC)
    with pytest.raises(ProofError, match="expected a Proof"):
        solidity_call_arguments((proof.a, proof.b, proof.c), PUBLIC)  # type: ignore[arg-type]


def _constants(source: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r"uint256 constant (\w+) = (\d+);", source)}


def test_verifier_constants_are_the_key_in_evm_order() -> None:
    vk = random_key(3)
    source = solidity_verifier(vk)
    constants = _constants(source)
    (ax, ay), ic = vk.alpha_g1.to_ints()[0], vk.gamma_abc_g1.to_ints()
    expected = {"r": R, "alphax": ax, "alphay": ay}
    for name, point in (("beta", vk.beta_g2), ("gamma", vk.gamma_g2), ("delta", vk.delta_g2)):
        (x0, x1), (y0, y1) = point.to_ints()[0]
        expected.update({f"{name}x1": x1, f"{name}x2": x0, f"{name}y1": y1, f"{name}y2": y0})
    for i, (x, y) in enumerate(ic):
        expected.update({f"IC{i}x": x, f"IC{i}y": y})
    assert {k: v for k, v in constants.items() if k != "q"} == expected
    assert "contract Groth16Verifier {" in source
    assert (
        "function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, "
        "uint[3] calldata _pubSignals) public view returns (bool)"
    ) in source
    # Every public signal is range-checked and accumulated, at its own offset.
    for i in range(3):
        assert f"checkBelow(calldataload(add(_pubSignals, {32 * i})), r)" in source
        assert f"IC{i + 1}x, IC{i + 1}y, calldataload(add(_pubSignals, {32 * i}))" in source
    assert "_pubSignals, 96" not in source


def test_verifier_renders_infinity_as_zero() -> None:
    vk = random_key(2)
    vk = replace(vk, gamma_abc_g1=G1Points.concatenate([vk.gamma_abc_g1[:2], G1Points.infinity(1)]))
    constants = _constants(solidity_verifier(vk))
    assert constants["IC2x"] == constants["IC2y"] == 0


def test_verifier_needs_a_public_signal() -> None:
    with pytest.raises(ProofError, match="at least one public signal"):
        solidity_verifier(random_key(0))
    with pytest.raises(ProofError, match="expected a VerifyingKey"):
        solidity_verifier("vk")  # type: ignore[arg-type]


def test_write_solidity_verifier(tmp_path: Path) -> None:
    vk = random_key(1)
    target = tmp_path / "contracts" / "Verifier.sol"
    assert write_solidity_verifier(target, vk) == target
    assert target.read_text() == solidity_verifier(vk)
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["Verifier.sol"]  # no temporary file left
    with pytest.raises(FileAccessError, match="already exists"):
        write_solidity_verifier(target, random_key(1), overwrite=False)
    assert target.read_text() == solidity_verifier(vk)
