"""zkreceipt.chain without Node: registry inputs, generated source, ABI encoding, deploy.json, adapters.

Random curve points stand in for keys and proofs (no proving); the EVM tests run the same code
on real proofs.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from evm_helpers import random_key

from zkreceipt.chain import (
    ERROR_SIGNATURES,
    AnchorItem,
    DeploymentFormatError,
    RegistryDeployment,
    RegistryError,
    RegistryInputs,
    SignalLayout,
    anchor_calldata,
    anchor_many_calldata,
    anchor_problems,
    deployment_from_json,
    deployment_to_json,
    export_contracts,
    read_deployment,
    receipt_registry,
    registry_abi,
    registry_inputs_from_profile,
    registry_key_ids,
    revert_reason,
    selector,
)
from zkreceipt.chain.abi import encode_arguments
from zkreceipt.circuits.invoice_policy import InvoiceShape
from zkreceipt.circuits.rate_table import rate_table_root
from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import (
    NOTHING_DISCLOSED,
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    RateBinding,
    ReceiptDisclosure,
)
from zkreceipt.curve import G1Points, G2Points
from zkreceipt.field import Fr
from zkreceipt.formats.solidity import solidity_key_constants, solidity_verifier
from zkreceipt.groth16 import Proof
from zkreceipt.ledger.identity import invoice_identity, receipt_identity, verification_key_id
from zkreceipt.ledger.trust import PolicyBounds, TrustedKey, TrustProfile, load_trust_profile, save_trust_profile
from zkreceipt.receipts import DEFAULT_RATE_TABLE, RateTable

R = Fr.modulus
BOUNDS = PolicyBounds(100, 200, 3600, 2)
OWNER = "0x00000000000000000000000000000000000000aa"
DEPTH6 = ReceiptDisclosure(("model", "price_fp"), RateBinding.RATE_TABLE, 6)


def _trusted(disclosure: ReceiptDisclosure) -> TrustedKey:
    """A key of random points for the circuit of ``disclosure``."""
    identity = receipt_identity(disclosure)
    return TrustedKey(random_key(len(identity.public_signals)), identity)


@pytest.fixture(scope="module")
def inputs() -> RegistryInputs:
    key = _trusted(PRICE_AND_MODEL)
    profile = TrustProfile(policy=BOUNDS).with_rate_table(DEFAULT_RATE_TABLE, 4).with_key(key.vk, key.identity)
    return registry_inputs_from_profile(profile, key.vk_id)


def _item(signals: list[int]) -> AnchorItem:
    return AnchorItem.of(Proof(a=G1Points.random(1), b=G2Points.random(1), c=G1Points.random(1)), signals)


# --- inputs and layout -------------------------------------------------------------------------------


@pytest.mark.parametrize("disclosure", [PRICE_AND_MODEL, NOTHING_DISCLOSED, ReceiptDisclosure(("units_fp",), "rate_table", 7)])
def test_layout_is_the_compiled_circuits(disclosure: ReceiptDisclosure) -> None:
    layout = SignalLayout(receipt_identity(disclosure))
    assert layout.names == tuple(compile_receipt_circuit(disclosure).public_signal_names)
    assert layout.index("commitment") == 0 and layout.index("rate_table_root") == 5
    assert layout.rate_table_depth == disclosure.rate_table_depth
    assert layout.recorded == tuple(n for n in ("model", "price_fp") if n in disclosure.public_fields)


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        (receipt_identity(PUBLIC_RATE_PRICE_AND_MODEL), "public-rate binding is not supported"),
        (invoice_identity(InvoiceShape("function", 8)), "anchors receipts, not invoices"),
    ],
)
def test_circuits_a_registry_cannot_serve(identity: object, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        SignalLayout(identity)  # type: ignore[arg-type]


def test_inputs_refuse_what_does_not_fit(inputs: RegistryInputs) -> None:
    with pytest.raises(RegistryError, match="rate-table root"):
        replace(inputs, rate_roots=(R,))
    with pytest.raises(RegistryError, match="expected a TrustedKey"):
        replace(inputs, key=inputs.vk)
    with pytest.raises(RegistryError, match="public-rate binding"):
        replace(inputs, key=_trusted(PUBLIC_RATE_PRICE_AND_MODEL))


def test_inputs_come_from_the_trust_profile(inputs: RegistryInputs, tmp_path: Path) -> None:
    """The key (its id commits to the identity), the roots of tables at the key's depth only, the policy."""
    assert inputs.vk_id == verification_key_id(inputs.vk, receipt_identity(PRICE_AND_MODEL))
    assert (inputs.circuit, inputs.bounds) == (PRICE_AND_MODEL.key, BOUNDS)
    deep, public, invoice = _trusted(DEPTH6), _trusted(PUBLIC_RATE_PRICE_AND_MODEL), invoice_identity(InvoiceShape("api", 8))
    other = RateTable({"llama3.2": 3_000_000})
    profile = (
        TrustProfile(policy=BOUNDS)
        .with_rate_table(DEFAULT_RATE_TABLE, 4)
        .with_rate_table(DEFAULT_RATE_TABLE, 6)
        .with_rate_table(other, 6)
        .with_key(inputs.vk, inputs.key.identity)
        .with_key(deep.vk, deep.identity)
        .with_key(public.vk, public.identity)
        .with_key(random_key(len(invoice.public_signals)), invoice)
    )
    save_trust_profile(profile, tmp_path / "trust.json")
    profile = load_trust_profile(tmp_path / "trust.json")
    assert registry_inputs_from_profile(profile, inputs.vk_id) == inputs
    made = registry_inputs_from_profile(profile, deep.vk_id)
    assert made.rate_roots == tuple(sorted((rate_table_root(DEFAULT_RATE_TABLE, 6), rate_table_root(other, 6))))
    assert made.layout.rate_table_depth == 6 and made.key == deep
    assert registry_key_ids(profile) == sorted((inputs.vk_id, deep.vk_id))
    with pytest.raises(RegistryError, match=f"trust.json: no trusted key {'cd' * 32}"):
        registry_inputs_from_profile(profile, "cd" * 32, "trust.json")
    with pytest.raises(RegistryError, match="public-rate binding"):
        registry_inputs_from_profile(profile, public.vk_id)
    invoice_id = next(i for i, k in profile.keys.items() if k.identity == invoice)
    with pytest.raises(RegistryError, match="not invoices"):
        registry_inputs_from_profile(profile, invoice_id)
    bare = TrustProfile().with_rate_table(DEFAULT_RATE_TABLE, 4).with_key(deep.vk, deep.identity)
    with pytest.raises(RegistryError, match="no rate table trusted at depth 6"):
        registry_inputs_from_profile(bare, deep.vk_id)


# --- the generated source -------------------------------------------------------------------------------


def test_source_pins_the_layout_the_key_and_the_depth(inputs: RegistryInputs) -> None:
    source = receipt_registry(inputs)
    constants = dict(re.findall(r"uint256 internal constant (\w+) = (\d+);", source))
    assert {name: int(constants[name.upper()]) for name in inputs.layout.names} == {
        name: i for i, name in enumerate(inputs.layout.names)
    }
    assert f'string public constant CIRCUIT = "{PRICE_AND_MODEL.key}";' in source
    assert f"bytes32 public constant VERIFICATION_KEY_ID = 0x{inputs.vk_id};" in source
    assert "uint256 public constant RATE_TABLE_DEPTH = 4;" in source
    vk_lines, ic_lines = solidity_key_constants(inputs.vk)
    assert all(line in source for line in [*vk_lines, *ic_lines])
    assert 'import {Groth16Verifier} from "./Groth16Verifier.sol";' in source and "new Groth16Verifier()" in source
    # every signal enters the scalar sums and the vk_x sum at its own offset
    for j in range(8):
        assert f"mulmod(w, calldataload(add(signals, {32 * j})), R)" in source
        assert f"mulAcc(pair, s, IC{j + 1}x, IC{j + 1}y, mload(add(t, {32 * j})))" in source
    assert "IC9x" not in source
    assert "payable" not in source and "receive()" not in source and "fallback()" not in source
    errors = set(re.findall(r"error (\w+\([^)]*\));", source))
    declared = {re.sub(r" \w+(,|\))", r"\1", e).replace(" ", "") for e in errors}
    assert declared == set(ERROR_SIGNATURES)


def test_record_follows_the_disclosure(inputs: RegistryInputs) -> None:
    source = receipt_registry(replace(inputs, key=_trusted(NOTHING_DISCLOSED)))
    assert "event ReceiptAnchored(uint256 indexed commitment, address indexed submitter);" in source
    assert "uint256 model;" not in source and "uint256 price;" not in source
    shown = receipt_registry(inputs)
    assert "address indexed submitter, uint256 model, uint256 price);" in shown
    assert "model: s[MODEL], price: s[PRICE_FP]" in shown


def test_export_writes_the_four_files(inputs: RegistryInputs, tmp_path: Path) -> None:
    paths = export_contracts(tmp_path / "out", inputs, OWNER)
    assert [p.name for p in paths] == ["Groth16Verifier.sol", "ReceiptRegistry.sol", "ReceiptRegistry.abi.json", "deploy.json"]
    assert paths[0].read_text() == solidity_verifier(inputs.vk)
    assert paths[1].read_text() == receipt_registry(inputs)
    assert json.loads(paths[2].read_text()) == registry_abi(inputs.layout)
    assert read_deployment(paths[3]) == RegistryDeployment.of(inputs, OWNER)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in paths)


# --- ABI ---------------------------------------------------------------------------------------------------


def test_anchor_calldata_is_verify_proofs_words(inputs: RegistryInputs) -> None:
    item = _item(list(range(8)))
    data = anchor_calldata(item)
    assert data[:4] == selector("anchor(uint256[8],uint256[8])")
    assert [int.from_bytes(data[i : i + 32], "big") for i in range(4, len(data), 32)] == [
        *item.proof_words,
        *item.public_signals,
    ]


def test_anchor_many_calldata_layout() -> None:
    """Head: two offsets; each tail: the length, then the rows' words (ABI spec, written out by hand)."""
    items = [_item([1, 2, 3]), _item([4, 5, 6])]
    data = anchor_many_calldata(items)
    words = [int.from_bytes(data[i : i + 32], "big") for i in range(4, len(data), 32)]
    proofs = [w for item in items for w in item.proof_words]
    assert data[:4] == selector("anchorMany(uint256[8][],uint256[3][])")
    assert words == [0x40, 0x40 + 32 + 32 * 16, 2, *proofs, 2, 1, 2, 3, 4, 5, 6]
    assert encode_arguments([7, (1, (2, 3)), [4, 5]]) == b"".join(
        v.to_bytes(32, "big") for v in (7, 1, 2, 3, 5 * 32, 2, 4, 5)
    )


def test_calldata_refuses_bad_items() -> None:
    with pytest.raises(RegistryError, match="no receipt"):
        anchor_many_calldata([])
    with pytest.raises(RegistryError, match=r"\[2, 3\] public signals"):
        anchor_many_calldata([_item([1, 2]), _item([1, 2, 3])])
    with pytest.raises(Exception, match="not in \\[0, r\\)"):
        _item([R])


def test_selectors_match_known_values() -> None:
    # Published selectors: ERC-20 transfer, and the verifier's with two public signals (test_solidity_format).
    assert selector("transfer(address,uint256)").hex() == "a9059cbb"
    assert selector("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[2])").hex() == "f5c9d69e"


def test_revert_reasons() -> None:
    data = selector("AlreadyAnchored(uint256)") + (42).to_bytes(32, "big")
    assert revert_reason(data, ERROR_SIGNATURES) == "AlreadyAnchored(42)"
    caller = selector("NotOwner(address)") + (0xBB).to_bytes(32, "big")
    assert revert_reason(caller, ERROR_SIGNATURES) == "NotOwner(0x00000000000000000000000000000000000000bb)"
    assert revert_reason(selector("InvalidProof()"), ERROR_SIGNATURES) == "InvalidProof()"
    assert revert_reason(b"", ERROR_SIGNATURES) == "(no data)"
    assert revert_reason(b"\x01\x02\x03\x04", ERROR_SIGNATURES) == "0x01020304"


# --- deploy.json and the checks before paying gas -------------------------------------------------------


def test_deployment_round_trip_and_encoding(inputs: RegistryInputs) -> None:
    deployment = RegistryDeployment.of(inputs, OWNER)
    document = deployment_to_json(deployment)
    assert deployment_from_json(json.loads(json.dumps(document))) == deployment
    words = [int.from_bytes(b, "big") for b in _chunks(bytes.fromhex(document["constructor"]["encoded_arguments"][2:]))]
    assert words == [0xAA, 6 * 32, 100, 200, 3600, 2, 1, inputs.rate_roots[0]]
    with pytest.raises(RegistryError, match="owner is not set"):
        RegistryDeployment.of(inputs).encoded_arguments()
    with pytest.raises(RegistryError, match="address"):
        RegistryDeployment.of(inputs, "0xAA")


def _chunks(data: bytes) -> list[bytes]:
    return [data[i : i + 32] for i in range(0, len(data), 32)]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("format",), "other", "format"),
        (("version",), 2, "version"),
        (("constructor", "rate_table_roots"), [5], "decimal strings"),
        (("constructor", "policy", "not_after"), "soon", "constructor.policy.'not_after'"),
        (("constructor", "policy", "not_after"), 50, "not_after: 50 is before not_before 100"),
        (("constructor", "owner"), "me", "address"),
        (("public_signals",), ["commitment"], "'public_signals' is not the layout"),
        (("rate_table_depth",), 5, "'rate_table_depth' is not the depth"),
        (("circuit",), PUBLIC_RATE_PRICE_AND_MODEL.key, "public-rate binding"),
        (("circuit",), "receipt-v2", "circuit key"),
        (("vk_id",), "xyz", "vk_id"),
    ],
)
def test_malformed_deployments_name_the_field(
    inputs: RegistryInputs, path: tuple[str, ...], value: object, message: str
) -> None:
    document = deployment_to_json(RegistryDeployment.of(inputs, OWNER))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(DeploymentFormatError, match=message):
        deployment_from_json(document, "deploy.json")


def test_anchor_problems(inputs: RegistryInputs) -> None:
    deployment = RegistryDeployment.of(inputs)
    circuit, vk_id = inputs.key.identity, inputs.vk_id
    good = [9, 100, 200, 3600, 2, inputs.rate_roots[0], 1, 5]
    assert anchor_problems(deployment, vk_id, circuit, good) == []
    outside = [9, 99, 201, 3601, 3, 7, 1, 5]
    assert anchor_problems(deployment, "cd" * 32, circuit, outside) == [
        f"made for verification key {'cd' * 32}, the registry's is {vk_id}",
        "rate-table root 7 is not one the registry trusts",
        "registry: the proven window [99, 201] is not inside the trusted window [100, 200]",
        "registry: the proven max_duration 3601 s exceeds the trusted 3600 s",
        "registry: the proven gpu_count 3 exceeds the trusted 2",
    ]
    relabelled = receipt_identity(ReceiptDisclosure(("model", "units_fp"), RateBinding.RATE_TABLE, 4))
    (problem,) = anchor_problems(deployment, vk_id, relabelled, good)
    assert problem == f"claims the circuit {relabelled.key}, but the registry serves {PRICE_AND_MODEL.key}"
