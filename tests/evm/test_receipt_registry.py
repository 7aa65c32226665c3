"""The receipt registry on a real EVM (solc-js 0.8.30 + @ethereumjs/evm): anchor, read back, reject attacks.

Receipts are proven in the test with development keys and attested by a provider key. One
verifier trust profile trusts three keys, the default rate table at depths 4 and 5, the demo's
policy as bounds and the provider; three registries are generated from it and compiled in one
solc run: ``registry`` for the default circuit (model and price public, depth-4 rate table),
and, for the relabel attacks, ``units`` (a circuit that discloses units instead of price: what
a relabelled bundle claims to be) and ``depth5`` (depth-5 rate table). One scripted session
per chain: every transaction's outcome is looked up by name, with its revert reason decoded
from the custom error.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict
from typing import Any

import pytest
from evm_tools import missing_tools
from registry_helpers import (
    BATCH_SIZES,
    OWNER,
    STRANGER,
    SUBMITTER,
    Call,
    CompiledRegistry,
    Deploy,
    Outcome,
    bounds_words,
    compile_registries,
    demo_bounds,
    demo_policy,
    example_receipt,
    function_call,
    key_id,
    measure_anchor_gas,
    profile_trusting,
    prove_example,
    prove_examples,
    run_session,
    shifted,
    verify_proof_call,
    with_proof_word,
    with_signal,
)

from zkreceipt.chain import (
    ERROR_SIGNATURES,
    AnchorItem,
    RegistryDeployment,
    RegistryInputs,
    anchor_calldata,
    anchor_many_calldata,
    anchor_many_signature,
    anchor_problems,
    anchor_signature,
    bundle_anchor,
    registry_abi,
    registry_inputs_from_profile,
    registry_key_ids,
    selector,
)
from zkreceipt.chain.abi import call_data
from zkreceipt.circuit.gadgets import MerkleTree, poseidon_hash
from zkreceipt.circuit.gadgets.merkle_native import hash_pair
from zkreceipt.circuits.rate_table import rate_leaf, rate_table_root
from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, RateBinding, ReceiptDisclosure
from zkreceipt.curve import G1Points
from zkreceipt.field import Fq, Fr
from zkreceipt.groth16 import ProvingKey, prove
from zkreceipt.keccak import keccak256
from zkreceipt.ledger.bundles import bundle_from_json, bundle_to_json, verify_bundle
from zkreceipt.ledger.identity import receipt_identity
from zkreceipt.ledger.keys import setup_receipt_keys
from zkreceipt.ledger.trust import TrustProfile
from zkreceipt.receipts import DEFAULT_RATE_TABLE, RateTable, receipt_field_elements, text_to_field

R, Q = Fr.modulus, Fq.modulus
N_SIGNALS = 8
PRICE, MODEL, ROOT, COMMITMENT = 7, 6, 5, 0
UNITS_AND_MODEL = ReceiptDisclosure(("model", "units_fp"), RateBinding.RATE_TABLE, 4)
DEPTH5 = ReceiptDisclosure(("model", "price_fp"), RateBinding.RATE_TABLE, 5)
DISCLOSURES = {"registry": PRICE_AND_MODEL, "units": UNITS_AND_MODEL, "depth5": DEPTH5}
ATTACKER_RATES = RateTable({"llama3.2": 2_000_000, "attacker-model": 1})
ANCHOR_BLOCK = (1_234_567, 1_737_731_000)
ADMIN_SIGNATURES = ("addRateRoot(uint256)", "retireRateRoot(uint256)", "setPolicy(uint40,uint40,uint40,uint16)")

pytestmark = pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))


# --- proofs ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys() -> dict[str, ProvingKey]:
    return {name: setup_receipt_keys(disclosure) for name, disclosure in DISCLOSURES.items()}


@pytest.fixture(scope="module")
def profile(keys: dict[str, ProvingKey]) -> TrustProfile:
    """The verifier's profile the three registries are generated from (tables at depths 4 and 5)."""
    trusted = [(keys[name].vk, disclosure) for name, disclosure in DISCLOSURES.items()]
    return profile_trusting(trusted, demo_bounds(example_receipt()), depths=(4, 5))


@pytest.fixture(scope="module")
def honest(keys: dict[str, ProvingKey]) -> list[AnchorItem]:
    """Proofs of the example receipt under the demo's policy, each with its own salt and commitment.

    The first goes through a bundle's JSON text first, as ``zkreceipt demo`` writes it.
    """
    receipt = example_receipt()
    proven = prove_examples(keys["registry"], [demo_policy(receipt)] * (1 + sum(BATCH_SIZES)))
    first = bundle_from_json(copy.deepcopy(bundle_to_json(proven[0].bundle)))
    return [bundle_anchor(first)[0], *(AnchorItem.of(p.bundle.proof, p.bundle.public_signals) for p in proven[1:])]


@pytest.fixture(scope="module")
def honest_bundle_json(keys: dict[str, ProvingKey]) -> tuple[dict[str, Any], int]:
    """A separate honest bundle (its JSON) and its salt, for the relabel and replay attacks."""
    receipt = example_receipt()
    proven = prove_example(keys["registry"], demo_policy(receipt))
    return bundle_to_json(proven.bundle), proven.salt


@pytest.fixture(scope="module")
def outside(keys: dict[str, ProvingKey]) -> dict[str, AnchorItem]:
    """Valid proofs the registry must refuse: outside its bounds, or under a table it does not list."""
    receipt = example_receipt()
    policy = demo_policy(receipt)
    variants = {
        "window starts earlier": demo_policy(receipt, not_before=policy.not_before - 1),
        "window ends later": demo_policy(receipt, not_after=policy.not_after + 1),
        "max_duration above": demo_policy(receipt, max_duration=7200),
        "gpu_count above": demo_policy(receipt, gpu_count=2),
    }
    proven = prove_examples(keys["registry"], list(variants.values()))
    items = {name: AnchorItem.of(p.bundle.proof, p.bundle.public_signals) for name, p in zip(variants, proven)}
    (attacker,) = prove_examples(keys["registry"], [policy], ATTACKER_RATES)
    items["attacker's rate table"] = AnchorItem.of(attacker.bundle.proof, attacker.bundle.public_signals)
    return items


def _depth_relabel_item(pk: ProvingKey) -> AnchorItem:
    """The depth relabel of the verifier-trust issue, proven: a depth-4 circuit's witness whose root is
    the trusted table's depth-5 root, reached from the inner node Poseidon(0, 0) of two padding
    leaves, read as the leaf of model 0 at rate 0 (so a price of 0, for a model in no table)."""
    models = DEFAULT_RATE_TABLE.models
    leaves = [rate_leaf(m, DEFAULT_RATE_TABLE.rate_fp(m)) for m in models] + [0] * (32 - len(models))
    inner = MerkleTree([hash_pair(leaves[2 * i], leaves[2 * i + 1]) for i in range(16)], 4)
    assert inner.root == rate_table_root(DEFAULT_RATE_TABLE, 5)
    padding_node = len(models) // 2 + 1
    assert inner.leaf(padding_node) == hash_pair(0, 0) == poseidon_hash([0, 0])  # the leaf of (model 0, rate 0)
    path = inner.path(padding_node)
    receipt = example_receipt()
    fields = {**asdict(receipt_field_elements(receipt)), "model": 0, "price_fp": 0}
    assignment = {
        **demo_policy(receipt).public_inputs(),
        **fields,
        "salt": 12345,
        "rate_fp": 0,
        "rate_table_root": inner.root,
        "rate_path_siblings": list(path.siblings),
        "rate_path_bits": list(path.index_bits),
    }
    witness = compile_receipt_circuit(PRICE_AND_MODEL).solve(assignment)
    return AnchorItem.of(prove(pk, witness.values), [int(s) for s in witness.public_signals])


@pytest.fixture(scope="module")
def depth_relabel(keys: dict[str, ProvingKey]) -> AnchorItem:
    return _depth_relabel_item(keys["registry"])


# --- contracts -------------------------------------------------------------------------------------


def _inputs(profile: TrustProfile, keys: dict[str, ProvingKey]) -> dict[str, RegistryInputs]:
    return {
        name: registry_inputs_from_profile(profile, key_id(keys[name].vk, disclosure))
        for name, disclosure in DISCLOSURES.items()
    }


@pytest.fixture(scope="module")
def registries(profile: TrustProfile, keys: dict[str, ProvingKey]) -> dict[str, CompiledRegistry]:
    return compile_registries(_inputs(profile, keys))


def _deploy(registries: dict[str, CompiledRegistry], *names: str) -> list[Deploy]:
    return [Deploy(name, registries[name], RegistryDeployment.of(registries[name].inputs, OWNER)) for name in names]


class Script:
    """Named transactions, run in order on one chain."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.calls: list[Call] = []

    def add(self, name: str, call: Call) -> int:
        assert name not in self.names, name
        self.names.append(name)
        self.calls.append(call)
        return len(self.calls) - 1

    def run(self, deploys: list[Deploy]) -> dict[str, Outcome]:
        session = run_session(deploys, self.calls)
        for name, deployed in session.deployed.items():
            assert deployed["success"], f"deploying {name} failed: {deployed}"
        return dict(zip(self.names, session.outcomes, strict=True))


def _anchor(item: AnchorItem, **options: Any) -> Call:
    return Call("registry", anchor_calldata(item), **options)


def _many(items: list[AnchorItem], **options: Any) -> Call:
    return Call("registry", anchor_many_calldata(items), **options)


def _view(signature: str, *arguments: Any) -> Call:
    return Call("registry", function_call(signature, *arguments))


def _admin(signature: str, *arguments: Any, sender: str = OWNER) -> Call:
    return Call("registry", function_call(signature, *arguments), sender=sender)


@pytest.fixture(scope="module")
def main_chain(
    registries: dict[str, CompiledRegistry],
    honest: list[AnchorItem],
    honest_bundle_json: tuple[dict[str, Any], int],
    keys: dict[str, ProvingKey],
    outside: dict[str, AnchorItem],
) -> dict[str, Outcome]:
    """The default registry's life: attacks, an anchor, reads, replays, administration, batches."""
    first, root = honest[0], honest[0].public_signals[ROOT]
    receipt = example_receipt()
    bundle_json, salt = honest_bundle_json
    reproved = prove_example(keys["registry"], demo_policy(receipt), salt=salt).bundle
    script = Script()
    add = script.add
    # single-receipt attacks, before anything is anchored
    add("A changed", _anchor(shifted(first, "A")))
    add("C changed", _anchor(shifted(first, "C")))
    add("B not on the curve", _anchor(with_proof_word(first, 2, first.proof_words[2] ^ 1)))
    add("A.x + q", _anchor(with_proof_word(first, 0, first.proof_words[0] + Q)))
    add("price signal changed", _anchor(with_signal(first, PRICE, 4_000_000)))
    add("model signal changed", _anchor(with_signal(first, MODEL, text_to_field("codellama"))))
    add("commitment changed", _anchor(with_signal(first, COMMITMENT, first.public_signals[COMMITMENT] + 1)))
    add("commitment + r", _anchor(with_signal(first, COMMITMENT, first.public_signals[COMMITMENT] + R)))
    for name, item in outside.items():
        add(name, _anchor(item))
    add("with ether", _anchor(first, value=1))
    add("ether, no data", Call("registry", b"", value=1))
    add("unknown function", Call("registry", selector("withdraw()")))
    # the honest anchor, read back
    add("anchor", _anchor(first, block=ANCHOR_BLOCK))
    add("isAnchored", _view("isAnchored(uint256)", first.public_signals[COMMITMENT]))
    add("anchorOf", _view("anchorOf(uint256)", first.public_signals[COMMITMENT]))
    add("isAnchored, not anchored", _view("isAnchored(uint256)", honest[1].public_signals[COMMITMENT]))
    add("anchorOf, not anchored", _view("anchorOf(uint256)", honest[1].public_signals[COMMITMENT]))
    add("replay", _anchor(first))
    add("replay inside anchorMany", _many([honest[1], first]))
    # the verifier the registry created
    add("verifier()", _view("verifier()"))
    verifier = len(script.calls) - 1
    add("verifyProof", Call({"returned": verifier}, verify_proof_call(first)))
    add("verifyProof, A changed", Call({"returned": verifier}, verify_proof_call(shifted(first, "A"))))
    # administration
    for signature in ADMIN_SIGNATURES:
        arguments = (1, 2, 3, 4) if signature.startswith("setPolicy") else (root,)
        add(f"{signature} by a stranger", _admin(signature, *arguments, sender=STRANGER))
    add("retire the root", _admin("retireRateRoot(uint256)", root))
    add("anchor under a retired root", _anchor(honest[1]))
    add("retire it again", _admin("retireRateRoot(uint256)", root))
    add("add it back", _admin("addRateRoot(uint256)", root))
    add("add it twice", _admin("addRateRoot(uint256)", root))
    add("add a root >= r", _admin("addRateRoot(uint256)", R))
    bounds = demo_bounds(receipt)
    add("narrow the policy", _admin("setPolicy(uint40,uint40,uint40,uint16)", *bounds_words(bounds)[:2], 1800, 1))
    add("anchor above the narrowed duration", _anchor(honest[1]))
    add("set an empty window", _admin("setPolicy(uint40,uint40,uint40,uint16)", 10, 9, 1, 1))
    add("set a bound beyond uint40", Call("registry", _policy_call(2**40, 2**40 + 1, 1, 1), sender=OWNER))
    add("restore the policy", _admin("setPolicy(uint40,uint40,uint40,uint16)", *bounds_words(bounds)))
    add("policy()", _view("policy()"))
    add("anchor after the restore", _anchor(honest[1]))
    # batches
    add("anchorMany, one proof tampered", _many([honest[2], shifted(honest[3], "C")]))
    add("isAnchored after a failed batch", _view("isAnchored(uint256)", honest[2].public_signals[COMMITMENT]))
    generator = G1Points.generator()
    add("anchorMany, C1 + G and C2 - G", _many([shifted(honest[2], "C", generator), shifted(honest[3], "C", -generator)]))
    add("anchorMany, a signal >= r", _many([honest[2], with_signal(honest[3], PRICE, R + 5)]))
    add("anchorMany, a root it does not list", _many([honest[2], outside["attacker's rate table"]]))
    add("anchorMany, B not on the curve", _many([honest[2], with_proof_word(honest[3], 4, 1)]))
    add("anchorMany, A.x + q", _many([honest[2], with_proof_word(honest[3], 0, honest[3].proof_words[0] + Q)]))
    add("anchorMany, C.y + q", _many([honest[2], with_proof_word(honest[3], 7, honest[3].proof_words[7] + Q)]))
    add("anchorMany, 2 proofs and 1 signal row", Call("registry", _lopsided_batch(honest[2:4])))
    add("anchorMany, empty", Call("registry", call_data(anchor_many_signature(N_SIGNALS), [[], []])))
    add("anchorMany of 8", _many(honest[2:10], block=(ANCHOR_BLOCK[0] + 1, ANCHOR_BLOCK[1] + 12)))
    add("anchorOf, from the batch", _view("anchorOf(uint256)", honest[9].public_signals[COMMITMENT]))
    # a relabelled bundle sent to the registry of its real circuit: the same words as the honest bundle
    relabelled = _relabelled(bundle_json)
    add("relabelled bundle", Call("registry", anchor_calldata(bundle_anchor(relabelled)[0])))
    add("anchorOf, relabelled", _view("anchorOf(uint256)", relabelled.commitment))
    add("replay with a fresh proof", Call("registry", anchor_calldata(bundle_anchor(reproved)[0])))
    return script.run(_deploy(registries, "registry"))


def _policy_call(*bounds: int) -> bytes:
    """setPolicy call data with raw words, so a value too wide for uint40 reaches the decoder."""
    return selector("setPolicy(uint40,uint40,uint40,uint16)") + b"".join(b.to_bytes(32, "big") for b in bounds)


def _lopsided_batch(items: list[AnchorItem]) -> bytes:
    return call_data(
        anchor_many_signature(N_SIGNALS), [[i.proof_words for i in items], [items[0].public_signals]]
    )


def _relabelled(document: dict[str, Any]) -> Any:
    """Issue 11's relabel: the JSON now says the proof discloses units (5000000), not the price.

    Only the claimed circuit and the disclosed value change (key id, signals and proof stay), so
    the provider's attestation no longer signs the statement either."""
    forged = copy.deepcopy(document)
    forged["circuit"] = receipt_identity(UNITS_AND_MODEL).to_json()
    forged["disclosed"] = {"model": "llama3.2", "units_fp": 5_000_000}
    return bundle_from_json(forged)


# --- anchoring and reading back ------------------------------------------------------------------


def test_anchor_records_and_emits(main_chain: dict[str, Outcome], honest: list[AnchorItem]) -> None:
    anchored = main_chain["anchor"]
    assert anchored.success, anchored.reason
    commitment = honest[0].public_signals[COMMITMENT]
    (log,) = anchored.logs
    event = keccak256(b"ReceiptAnchored(uint256,address,uint256,uint256)")
    assert log["topics"] == ["0x" + event.hex(), f"0x{commitment:064x}", f"0x{int(SUBMITTER, 16):064x}"]
    assert bytes.fromhex(log["data"][2:]) == b"".join(
        v.to_bytes(32, "big") for v in (text_to_field("llama3.2"), 5_000_000)
    )
    assert main_chain["isAnchored"].words == [1]
    submitter, block_number, timestamp, model, price = main_chain["anchorOf"].words
    assert (submitter, block_number, timestamp) == (int(SUBMITTER, 16), *ANCHOR_BLOCK)
    assert (model, price) == (text_to_field("llama3.2"), 5_000_000)


def test_unanchored_commitments_read_as_such(main_chain: dict[str, Outcome], honest: list[AnchorItem]) -> None:
    assert main_chain["isAnchored, not anchored"].words == [0]
    assert main_chain["anchorOf, not anchored"].reason == f"NotAnchored({honest[1].public_signals[COMMITMENT]})"


def test_anchor_many_records_every_receipt(main_chain: dict[str, Outcome], honest: list[AnchorItem]) -> None:
    batch = main_chain["anchorOf, from the batch"]
    assert main_chain["anchorMany of 8"].success
    assert [int(log["topics"][1], 16) for log in main_chain["anchorMany of 8"].logs] == [
        item.public_signals[COMMITMENT] for item in honest[2:10]
    ]
    assert batch.words == [int(SUBMITTER, 16), ANCHOR_BLOCK[0] + 1, ANCHOR_BLOCK[1] + 12, text_to_field("llama3.2"), 5_000_000]


def test_the_registry_created_its_verifier(main_chain: dict[str, Outcome]) -> None:
    """Both contracts are live: verifyProof of the registry's own verifier answers directly."""
    assert main_chain["verifier()"].words[0] != 0
    assert main_chain["verifyProof"].words == [1]
    assert main_chain["verifyProof, A changed"].words == [0]


# --- attacks -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("A changed", "InvalidProof()"),
        ("C changed", "InvalidProof()"),
        ("B not on the curve", "InvalidProof()"),
        ("A.x + q", "InvalidProof()"),
        ("price signal changed", "InvalidProof()"),
        ("model signal changed", "InvalidProof()"),
        ("commitment changed", "InvalidProof()"),
        ("commitment + r", "SignalNotInField(0, {commitment_plus_r})"),
        ("window starts earlier", "WindowOutsidePolicy({day_before}, {day_end})"),
        ("window ends later", "WindowOutsidePolicy({day}, {day_after})"),
        ("max_duration above", "DurationAbovePolicy(7200)"),
        ("gpu_count above", "GpuCountAbovePolicy(2)"),
        ("attacker's rate table", "RateRootNotTrusted({attacker_root})"),
        ("replay", "AlreadyAnchored({commitment})"),
        ("replay with a fresh proof", "AlreadyAnchored({bundle_commitment})"),
        ("replay inside anchorMany", "AlreadyAnchored({commitment})"),
        ("with ether", "(no data)"),
        ("ether, no data", "(no data)"),
        ("unknown function", "(no data)"),
    ],
)
def test_attacks_are_rejected(
    name: str,
    reason: str,
    main_chain: dict[str, Outcome],
    honest: list[AnchorItem],
    honest_bundle_json: tuple[dict[str, Any], int],
) -> None:
    bounds = demo_bounds(example_receipt())
    commitment = honest[0].public_signals[COMMITMENT]
    values = {
        "commitment": commitment,
        "commitment_plus_r": commitment + R,
        "bundle_commitment": int(honest_bundle_json[0]["commitment"]),
        "day": bounds.not_before,
        "day_before": bounds.not_before - 1,
        "day_end": bounds.not_after,
        "day_after": bounds.not_after + 1,
        "attacker_root": rate_table_root(ATTACKER_RATES, 4),
    }
    outcome = main_chain[name]
    assert not outcome.success
    assert outcome.reason == reason.format(**values)
    assert outcome.logs == []


def test_administration_is_the_owners(main_chain: dict[str, Outcome], honest: list[AnchorItem]) -> None:
    root = honest[0].public_signals[ROOT]
    for signature in ADMIN_SIGNATURES:
        assert main_chain[f"{signature} by a stranger"].reason == f"NotOwner({STRANGER})"
    retired = main_chain["retire the root"]
    assert retired.success and [log["topics"] for log in retired.logs] == [
        ["0x" + keccak256(b"RateRootRetired(uint256)").hex(), f"0x{root:064x}"]
    ]
    assert main_chain["anchor under a retired root"].reason == f"RateRootNotTrusted({root})"
    assert main_chain["retire it again"].reason == f"RateRootNotTrusted({root})"
    assert main_chain["add it back"].success and len(main_chain["add it back"].logs) == 1
    assert main_chain["add it twice"].reason == f"RateRootAlreadyTrusted({root})"
    assert main_chain["add a root >= r"].reason == f"SignalNotInField(5, {R})"
    assert main_chain["narrow the policy"].success
    assert main_chain["anchor above the narrowed duration"].reason == "DurationAbovePolicy(3600)"
    assert main_chain["set an empty window"].reason == "InvalidPolicy()"
    assert not main_chain["set a bound beyond uint40"].success
    restored = main_chain["restore the policy"]
    event = keccak256(b"PolicyChanged(uint40,uint40,uint40,uint16)")
    assert restored.logs[0]["topics"] == ["0x" + event.hex()]
    assert main_chain["policy()"].words == list(bounds_words(demo_bounds(example_receipt())))
    assert main_chain["anchor after the restore"].success


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("anchorMany, one proof tampered", "InvalidProof()"),
        ("anchorMany, C1 + G and C2 - G", "InvalidProof()"),
        ("anchorMany, a signal >= r", "SignalNotInField(7, {big})"),
        ("anchorMany, a root it does not list", "RateRootNotTrusted({attacker_root})"),
        ("anchorMany, B not on the curve", "InvalidProof()"),
        ("anchorMany, A.x + q", "InvalidProof()"),
        ("anchorMany, C.y + q", "InvalidProof()"),
        ("anchorMany, 2 proofs and 1 signal row", "BatchShape(2, 1)"),
        ("anchorMany, empty", "BatchShape(0, 0)"),
    ],
)
def test_batch_attacks_are_rejected(name: str, reason: str, main_chain: dict[str, Outcome]) -> None:
    outcome = main_chain[name]
    assert outcome.reason == reason.format(big=R + 5, attacker_root=rate_table_root(ATTACKER_RATES, 4))
    assert outcome.logs == []


def test_a_failed_batch_anchors_nothing(main_chain: dict[str, Outcome]) -> None:
    assert main_chain["isAnchored after a failed batch"].words == [0]
    assert main_chain["anchorMany of 8"].success  # the same receipts, later, in a valid batch


def test_weights_are_not_fixed(honest: list[AnchorItem]) -> None:
    """C₁ + G and C₂ − G: each proof is invalid, their plain sum is the valid one (so only random
    weights reject the pair on chain, as the test above shows)."""
    c1, c2 = (G1Points.from_ints([item.proof_words[6:8]]) for item in honest[2:4])
    forged = [shifted(honest[2], "C"), shifted(honest[3], "C", -G1Points.generator())]
    f1, f2 = (G1Points.from_ints([item.proof_words[6:8]]) for item in forged)
    assert (f1 + f2).to_ints() == (c1 + c2).to_ints() and f1.to_ints() != c1.to_ints()


# --- the relabelled-bundle attacks (verifier-trust issue) ----------------------------------------------


@pytest.fixture(scope="module")
def relabel_chain(
    registries: dict[str, CompiledRegistry],
    honest_bundle_json: tuple[dict[str, Any], int],
    depth_relabel: AnchorItem,
) -> dict[str, Outcome]:
    relabelled = bundle_anchor(_relabelled(honest_bundle_json[0]))[0]
    script = Script()
    script.add("relabelled, to the registry of the circuit it claims", Call("units", anchor_calldata(relabelled)))
    script.add("depth relabel, to the depth-4 registry", Call("registry", anchor_calldata(depth_relabel)))
    script.add("depth relabel, to the depth-5 registry", Call("depth5", anchor_calldata(depth_relabel)))
    return script.run(_deploy(registries, "registry", "units", "depth5"))


def test_relabelled_bundle_is_refused_before_and_on_chain(
    registries: dict[str, CompiledRegistry],
    profile: TrustProfile,
    honest_bundle_json: tuple[dict[str, Any], int],
    relabel_chain: dict[str, Outcome],
) -> None:
    """Its JSON says units. The offline verifier refuses it (the key is trusted for the price
    circuit; the attestation no longer signs it); the call-data check names the circuit it claims
    against the one the registry serves; the registry of a units circuit fails the pairing (another key)."""
    forged = _relabelled(honest_bundle_json[0])
    check = verify_bundle(forged, profile)
    assert not check.ok and check.proof  # the proof is the honest one: only the claims are forged
    assert f"the bundle claims the circuit {UNITS_AND_MODEL.key}, but its key is trusted for {PRICE_AND_MODEL.key}" in check.problems
    assert any("does not sign this bundle's statement" in problem for problem in check.problems)
    item, vk_id, circuit = bundle_anchor(forged)
    deployment = RegistryDeployment.of(registries["registry"].inputs)
    (problem,) = anchor_problems(deployment, vk_id, circuit, item.public_signals)
    assert problem == f"claims the circuit {UNITS_AND_MODEL.key}, but the registry serves {PRICE_AND_MODEL.key}"
    units = RegistryDeployment.of(registries["units"].inputs)
    assert anchor_problems(units, vk_id, circuit, item.public_signals)[0].startswith("made for verification key")
    assert relabel_chain["relabelled, to the registry of the circuit it claims"].reason == "InvalidProof()"


def test_relabelled_bundle_cannot_change_what_the_registry_records(
    main_chain: dict[str, Outcome], honest_bundle_json: tuple[dict[str, Any], int]
) -> None:
    """Forced past the check, its call data is the honest bundle's, word for word: the registry
    records the price the proof is about (5.0), never the units the JSON claims."""
    document = honest_bundle_json[0]
    assert anchor_calldata(bundle_anchor(_relabelled(document))[0]) == anchor_calldata(
        bundle_anchor(bundle_from_json(document))[0]
    )
    assert main_chain["relabelled bundle"].success
    (log,) = main_chain["relabelled bundle"].logs
    assert int(log["data"][-64:], 16) == 5_000_000
    assert main_chain["anchorOf, relabelled"].words[3:] == [text_to_field("llama3.2"), 5_000_000]


def test_depth_relabel_is_rejected(relabel_chain: dict[str, Outcome], depth_relabel: AnchorItem) -> None:
    """The depth-4 registry lists only depth-4 roots; the depth-5 registry's key is another key."""
    depth5_root = rate_table_root(DEFAULT_RATE_TABLE, 5)
    assert depth_relabel.public_signals[ROOT] == depth5_root
    assert depth_relabel.public_signals[MODEL] == 0 and depth_relabel.public_signals[PRICE] == 0
    assert relabel_chain["depth relabel, to the depth-4 registry"].reason == f"RateRootNotTrusted({depth5_root})"
    assert relabel_chain["depth relabel, to the depth-5 registry"].reason == "InvalidProof()"


def test_each_registry_pins_only_roots_of_its_depth(
    registries: dict[str, CompiledRegistry], profile: TrustProfile, keys: dict[str, ProvingKey]
) -> None:
    """The profile trusts the default table at depths 4 and 5; each registry lists only its own depth's root
    (the depth relabel above shows what a depth-5 root in the depth-4 registry would admit)."""
    assert {table.depth for table in profile.rate_tables.values()} == {4, 5}
    for name, depth in (("registry", 4), ("units", 4), ("depth5", 5)):
        inputs = registries[name].inputs
        assert inputs.rate_roots == (rate_table_root(DEFAULT_RATE_TABLE, depth),)
        assert inputs.key.identity == receipt_identity(DISCLOSURES[name])
        assert inputs.vk_id == key_id(keys[name].vk, DISCLOSURES[name])
    assert registry_key_ids(profile) == sorted(key_id(keys[n].vk, d) for n, d in DISCLOSURES.items())


# --- the contracts themselves ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["registry", "units", "depth5"])
def test_abi_is_solcs(name: str, registries: dict[str, CompiledRegistry]) -> None:
    """The ABI export-contract writes (for web3 libraries) is the one solc derives from the source."""
    compiled = registries[name]
    as_text = lambda abi: sorted(json.dumps(entry, sort_keys=True) for entry in abi)  # noqa: E731
    assert as_text(registry_abi(compiled.inputs.layout)) == as_text(compiled.abi)


def test_interface_matches_the_python_side(registries: dict[str, CompiledRegistry]) -> None:
    compiled = registries["registry"]
    identifiers = compiled.method_identifiers
    for signature in (anchor_signature(N_SIGNALS), anchor_many_signature(N_SIGNALS), *ADMIN_SIGNATURES):
        assert identifiers[signature] == selector(signature).hex()
    errors = {
        f"{e['name']}({','.join(i['type'] for i in e['inputs'])})" for e in compiled.abi if e["type"] == "error"
    }
    assert errors == set(ERROR_SIGNATURES)
    assert not [e for e in compiled.abi if e.get("stateMutability") == "payable" or e["type"] in ("receive", "fallback")]
    assert compiled.warnings == []


def test_contracts_fit_eip_170(registries: dict[str, CompiledRegistry]) -> None:
    for compiled in registries.values():
        assert compiled.deployed_size <= 24_576 and compiled.verifier_size <= 24_576


# --- gas ---------------------------------------------------------------------------------------------------


def test_gas_targets(registries: dict[str, CompiledRegistry], honest: list[AnchorItem]) -> None:
    """anchor ≤ 350,000 gas; anchorMany of 32 at most 60 % of anchor per receipt (issue 15).

    Gas is deterministic (it depends only on the call data's zero bytes and the code), so this
    is a bound on behaviour; benchmarks/anchor_gas.py prints the table."""
    registry = registries["registry"]
    figures = measure_anchor_gas(registry, RegistryDeployment.of(registry.inputs, OWNER), honest)
    anchor = figures.anchor.transaction_gas
    assert anchor <= 350_000
    assert figures.per_receipt(32) <= 0.6 * anchor
    assert figures.per_receipt(32) < figures.per_receipt(8) < figures.per_receipt(1)
