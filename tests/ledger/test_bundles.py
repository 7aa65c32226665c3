"""Proof bundles: prove and attest, round-trip through JSON, verify against a trust profile, and the attacks.

Every attack of issue 11 that the library can be given directly is here: the
depth relabel (a real depth-4 proof whose public root is the trusted depth-5
root, at a padding node), an attacker's own rate table, a policy outside the
profile's bounds, an invented signer, a trusted signer's attestation moved to
another statement, a key the profile does not list; each fails with its
reason, and the honest bundle passes.
"""

from __future__ import annotations

import copy
import dataclasses

import pytest

from zkreceipt.circuit.gadgets.merkle_native import MerkleTree, hash_pair, merkle_root
from zkreceipt.circuits.rate_table import rate_leaf, rate_table_root
from zkreceipt.curve import G2Points
from zkreceipt.curve.plain import random_twist_point, unchecked_points
from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import (
    NOTHING_DISCLOSED,
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    RateBinding,
    ReceiptDisclosure,
    ReceiptPolicy,
)
from zkreceipt.errors import FormatError, ProofError, SignatureError
from zkreceipt.groth16 import prove, verify
from zkreceipt.ledger.attestation import attest
from zkreceipt.ledger.bundles import (
    BundleFormatError,
    ProofBundle,
    bundle_from_json,
    bundle_from_text,
    bundle_to_json,
    bundle_to_text,
    check_to_json,
    expected_signal_names,
    prove_receipt,
    prove_receipts,
    verify_bundle,
    verify_bundles,
)
from zkreceipt.ledger.bundle_format import statement_of
from zkreceipt.ledger.identity import receipt_identity, verification_key_id
from zkreceipt.ledger.keys import setup_receipt_keys
from zkreceipt.ledger.statements import PolicyViolation
from zkreceipt.ledger.trust import TrustProfile, default_trust_profile
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    PricingError,
    RateTable,
    ReceiptSignature,
    generate_signing_key,
    load_verify_key,
    new_salt,
    read_receipt_file,
    receipt_commitment,
    sign_receipt,
)
from zkreceipt.receipts.example_files import example_path

POLICY = ReceiptPolicy(not_before=1737676800, not_after=1737763199, max_duration=3600)
EXAMPLE_SIGNER = load_verify_key(example_path("compute_receipt_signer.json"))
PROVIDER = generate_signing_key()  # attests the bundles; trusted by the profile below


@pytest.fixture(scope="module")
def pk():
    return setup_receipt_keys(POLICY)


@pytest.fixture(scope="module")
def receipt():
    return read_receipt_file(example_path("compute_receipt.json"))


@pytest.fixture(scope="module")
def profile(pk):
    """The verifier: trusts the key, the built-in table at depth 4, the example signer and the provider."""
    return (
        default_trust_profile()
        .with_key(pk.vk, receipt_identity(PRICE_AND_MODEL))
        .with_receipt_signer(bytes(EXAMPLE_SIGNER))
        .with_receipt_signer(bytes(PROVIDER.verify_key))
    )


def prove_as_provider(receipt, pk, policy=POLICY, rates=DEFAULT_RATE_TABLE):  # type: ignore[no-untyped-def]
    return prove_receipt(receipt, pk, policy, rates, trusted_keys=EXAMPLE_SIGNER, signing_key=PROVIDER)


@pytest.fixture(scope="module")
def proven(pk, receipt):
    return prove_as_provider(receipt, pk)


def test_honest_bundle_passes_and_says_what_it_proved(profile, receipt, proven):
    bundle = proven.bundle
    check = verify_bundle(bundle, profile)
    assert check.ok and check.problems == () and check.proof
    assert check.identity == receipt_identity(PRICE_AND_MODEL)
    assert check.signer == bundle.attestation.key_id and check.signer_trusted and check.signer_checked
    assert check.policy == {"not_before": 1737676800, "not_after": 1737763199, "max_duration": 3600, "gpu_count": 1}
    assert check.disclosed == {"model": "llama3.2", "price_fp": 5_000_000}
    assert "units_fp" in check.private and "salt" in check.private and "model" not in check.private
    assert "depth 4" in check.rate
    assert check_to_json(check)["valid"] and check_to_json(check)["circuit"]["key"] == PRICE_AND_MODEL.key
    assert bundle.commitment == receipt_commitment(receipt, proven.salt)


def test_bundle_hides_the_salt_and_the_private_fields(proven):
    text = bundle_to_text(proven.bundle)
    assert str(proven.salt) not in text and str(proven.salt) not in repr(proven)
    for private in ("rcpt-2025-01-24-0001", "job-7f3a9c", "client-acme-labs", "1737730800"):
        assert private not in text
    # the receipt's own signature covers private fields: it is not carried
    assert read_receipt_file(example_path("compute_receipt.json")).signature.sig not in text


def test_json_round_trip(proven):
    document = bundle_to_json(proven.bundle)
    assert document["format"] == "zkreceipt-receipt-proof" and document["version"] == 2
    assert document["circuit"]["key"] == PRICE_AND_MODEL.key
    assert document["attestation"]["alg"] == "Ed25519"
    assert bundle_from_text(bundle_to_text(proven.bundle)) == proven.bundle


def test_signal_names_match_the_compiled_circuits():
    for disclosure in (PRICE_AND_MODEL, PUBLIC_RATE_PRICE_AND_MODEL, NOTHING_DISCLOSED):
        assert expected_signal_names(disclosure) == tuple(compile_receipt_circuit(disclosure).public_signal_names)


# --- the attacks ---------------------------------------------------------------------------------


def test_depth_relabel_attack_fails(profile):
    """A depth-4 witness whose public root is the trusted depth-5 root, at the padding node Poseidon(0, 0).

    Model 0 and rate 0 make the leaf Poseidon(0, 0), which is also the level-1
    node over two padding leaves of the depth-5 tree; its depth-4 path reaches
    the depth-5 root. The proof is genuine under the depth-4 key, the model is in
    no table. The verifier trusts the depth-4 key and the table at depths 4 and 5.
    """
    disclosure = ReceiptDisclosure(("price_fp",), RateBinding.RATE_TABLE, 4)
    pk4 = setup_receipt_keys(disclosure)
    verifier = (
        profile.with_key(pk4.vk, receipt_identity(disclosure)).with_rate_table(DEFAULT_RATE_TABLE, 5)
    )
    leaves = [rate_leaf(model, DEFAULT_RATE_TABLE.rate_fp(model)) for model in DEFAULT_RATE_TABLE.models]
    tree5 = MerkleTree(leaves, 5)
    assert tree5.root == rate_table_root(DEFAULT_RATE_TABLE, 5)
    path = tree5.path(16)  # leaves 16 and 17 are padding; their parent (level-1 node 8) is Poseidon(0, 0)
    assert path.siblings[0] == 0
    assert merkle_root(hash_pair(0, 0), path.siblings[1:], path.index_bits[1:]) == tree5.root
    assignment = {
        **POLICY.public_inputs(),
        "receipt_id": 1, "job_id": 2, "provider": 3, "client": 4, "model": 0, "unit_type": 5,
        "units_fp": 2500, "price_fp": 0, "started_at": 1737730800, "completed_at": 1737730803,
        "salt": new_salt(), "rate_fp": 0,
        "rate_table_root": tree5.root,
        "rate_path_siblings": list(path.siblings[1:]),
        "rate_path_bits": list(path.index_bits[1:]),
    }  # fmt: skip
    witness = compile_receipt_circuit(disclosure).solve(assignment)  # every constraint holds
    proof = prove(pk4, witness.values)
    signals = tuple(witness.public_signals)
    assert verify(pk4.vk, list(signals), proof)  # the proof itself is sound: the trust rules must catch it
    claimed5 = ReceiptDisclosure(("price_fp",), RateBinding.RATE_TABLE, 5)

    def bundle(claimed: ReceiptDisclosure, vk_id: str) -> ProofBundle:
        unsigned = ProofBundle(
            ReceiptPolicy(**POLICY.public_inputs(), disclosure=claimed),
            {"price_fp": 0},
            signals[0],
            signals,
            proof,
            vk_id,
        )
        return dataclasses.replace(unsigned, attestation=attest(statement_of(unsigned), PROVIDER))

    id4 = verification_key_id(pk4.vk, receipt_identity(disclosure))
    relabelled = verify_bundle(bundle(claimed5, id4), verifier)
    assert not relabelled.ok and relabelled.proof
    assert "claims the circuit receipt-v1;rate=table:5;public=price_fp" in relabelled.problems[0]
    honest_label = verify_bundle(bundle(disclosure, id4), verifier)
    assert not honest_label.ok and honest_label.proof
    assert honest_label.problems == (
        "the rate-table root is not the root of a trusted rate table of depth 4 (that root is trusted at depth 5 only)",
    )
    with_depth5_id = verify_bundle(bundle(claimed5, verification_key_id(pk4.vk, receipt_identity(claimed5))), verifier)
    assert not with_depth5_id.ok and "is not in the trust profile" in with_depth5_id.problems[0]


def test_attackers_own_rate_table_fails(pk, receipt, profile):
    attacker = RateTable({"llama3.2": 20_000_000, "mistral": 1_000_000})
    expensive = sign_receipt(dataclasses.replace(receipt, price_fp=50_000_000, signature=None), PROVIDER, attacker)
    bundle = prove_receipt(
        expensive, pk, POLICY, attacker, trusted_keys=PROVIDER.verify_key, signing_key=PROVIDER
    ).bundle
    check = verify_bundle(bundle, profile)
    assert not check.ok and check.proof and check.signer_trusted
    assert check.problems == ("the rate-table root is not the root of a trusted rate table of depth 4",)


@pytest.mark.parametrize(
    ("bounds", "reason"),
    [
        ({"not_before": 0, "not_after": (1 << 40) - 1}, "the proven window [0, 1099511627775] is not inside"),
        ({"gpu_count": 65535}, "the proven gpu_count 65535 exceeds the trusted 8"),
        ({"max_duration": 86401}, "the proven max_duration 86401 s exceeds the trusted 86400 s"),
    ],
)
def test_policy_outside_the_profiles_bounds_fails(pk, receipt, profile, bounds, reason):
    policy = dataclasses.replace(POLICY, **bounds)
    check = verify_bundle(prove_as_provider(receipt, pk, policy).bundle, profile)
    assert not check.ok and check.proof and check.signer_trusted
    assert len(check.problems) == 1 and check.problems[0].startswith(reason)


def test_invented_signer_fails_unless_the_verifier_waives_the_signer(proven, profile):
    stranger = generate_signing_key()
    bundle = dataclasses.replace(proven.bundle, attestation=attest(statement_of(proven.bundle), stranger))
    check = verify_bundle(bundle, profile)
    assert not check.ok and check.proof and not check.signer_trusted
    assert check.problems == (f"the signer {bundle.attestation.key_id} is not a trusted signer",)
    waived = verify_bundle(bundle, profile, allow_untrusted_signer=True)
    assert waived.ok and not waived.signer_trusted and not waived.signer_checked
    unsigned = dataclasses.replace(proven.bundle, attestation=None)
    assert "carries no attestation" in verify_bundle(unsigned, profile).problems[0]
    assert verify_bundle(unsigned, profile, allow_untrusted_signer=True).ok


def test_trusted_signature_of_another_statement_fails_even_when_waived(pk, receipt, proven, profile):
    other = prove_as_provider(receipt, pk).bundle  # same receipt and signer, new salt: another statement
    moved = dataclasses.replace(proven.bundle, attestation=other.attestation)
    for allow in (False, True):
        check = verify_bundle(moved, profile, allow_untrusted_signer=allow)
        assert not check.ok and check.proof
        assert check.problems == (f"the attestation by {moved.attestation.key_id} does not sign this bundle's statement",)


def test_bundle_from_a_key_the_profile_does_not_list_fails(receipt, proven, profile):
    stranger = setup_receipt_keys(POLICY)
    bundle = prove_as_provider(receipt, stranger).bundle
    check = verify_bundle(bundle, profile)
    assert not check.ok and not check.proof and check.identity is None
    assert check.problems == (f"the verification key {bundle.vk_id} is not in the trust profile",)
    # the stranger's proof under the trusted key's id: the pairing refuses it
    forged = dataclasses.replace(bundle, vk_id=proven.bundle.vk_id)
    forged = dataclasses.replace(forged, attestation=attest(statement_of(forged), PROVIDER))
    check = verify_bundle(forged, profile)
    assert not check.ok and check.problems == ("the proof does not verify under the trusted key",)


def test_verification_fails_closed(proven, pk, profile):
    """Issue 11, attack 2: nothing to check against is never "accept"."""
    with pytest.raises(ProofError, match="TrustProfile"):
        verify_bundle(proven.bundle, pk.vk)  # type: ignore[arg-type]
    with pytest.raises(ProofError, match="TrustProfile"):
        verify_bundles([proven.bundle], None)  # type: ignore[arg-type]
    no_tables = TrustProfile(keys=profile.keys, receipt_signers=profile.receipt_signers)
    check = verify_bundle(proven.bundle, no_tables)
    assert not check.ok and check.proof
    assert check.problems == ("the rate-table root is not the root of a trusted rate table of depth 4",)
    nothing = verify_bundle(proven.bundle, TrustProfile())
    assert not nothing.ok and len(nothing.problems) == 2  # no key, no signer


@pytest.mark.parametrize(
    "change",
    [
        {"disclosed": {"model": "llama3.2", "price_fp": 4_000_000}},
        {"disclosed": {"model": "codellama", "price_fp": 5_000_000}},
        {"commitment": 12345},
        {"policy": dataclasses.replace(POLICY, max_duration=7200)},
    ],
)
def test_bundle_fields_that_disagree_with_the_signals_fail(proven, profile, change):
    check = verify_bundle(dataclasses.replace(proven.bundle, **change), profile)
    assert not check.ok and check.proof
    assert any("does not match the bundle's" in problem for problem in check.problems)
    assert any("does not sign this bundle's statement" in problem for problem in check.problems)


def test_tampered_signals_fail_the_proof(proven, profile):
    signals = list(proven.bundle.public_signals)
    signals[-1] = 4_000_000
    tampered = dataclasses.replace(
        proven.bundle, public_signals=tuple(signals), disclosed={"model": "llama3.2", "price_fp": 4_000_000}
    )
    tampered = dataclasses.replace(tampered, attestation=attest(statement_of(tampered), PROVIDER))
    check = verify_bundle(tampered, profile)
    assert not check.proof and check.problems == ("the proof does not verify under the trusted key",)


def test_public_rate_is_checked_against_the_trusted_tables(receipt, profile):
    policy = dataclasses.replace(POLICY, disclosure=PUBLIC_RATE_PRICE_AND_MODEL)
    pk_public = setup_receipt_keys(policy)
    verifier = profile.with_key(pk_public.vk, receipt_identity(PUBLIC_RATE_PRICE_AND_MODEL))
    honest = prove_as_provider(receipt, pk_public, policy)
    check = verify_bundle(honest.bundle, verifier)
    assert check.ok and check.rate == "public rate 2000000 micro-tokens per unit"
    attacker = RateTable({"llama3.2": 20_000_000})
    expensive = sign_receipt(dataclasses.replace(receipt, price_fp=50_000_000, signature=None), PROVIDER, attacker)
    bundle = prove_receipt(
        expensive, pk_public, policy, attacker, trusted_keys=PROVIDER.verify_key, signing_key=PROVIDER
    ).bundle
    assert verify_bundle(bundle, verifier).problems == (
        "the public rate 20000000 is not a trusted rate of the model 'llama3.2'",
    )


def test_batch_verification_names_each_bad_bundle_across_keys(pk, receipt, proven, profile):
    second = prove_as_provider(receipt, pk).bundle
    signals = list(second.public_signals)
    signals[0] += 1
    forged = dataclasses.replace(second, public_signals=tuple(signals), commitment=signals[0])
    forged = dataclasses.replace(forged, attestation=attest(statement_of(forged), PROVIDER))
    other_pk = setup_receipt_keys(NOTHING_DISCLOSED)
    other_policy = dataclasses.replace(POLICY, disclosure=NOTHING_DISCLOSED)
    other = prove_as_provider(receipt, other_pk, other_policy).bundle
    verifier = profile.with_key(other_pk.vk, receipt_identity(NOTHING_DISCLOSED))
    bundles = [proven.bundle, forged, other, second]
    checks = verify_bundles(bundles, verifier)
    assert [c.ok for c in checks] == [True, False, True, True]
    assert checks[1].problems == ("the proof does not verify under the trusted key",)
    assert [c.ok for c in verify_bundles(bundles, profile)] == [True, False, False, True]  # other's key untrusted


# --- proving -------------------------------------------------------------------------------------


def test_prove_refuses_unsigned_and_untrusted_receipts(pk, receipt):
    for bad in (
        dataclasses.replace(receipt, signature=None),
        dataclasses.replace(receipt, signature=ReceiptSignature("Ed25519", receipt.signature.key_id, "00" * 64)),
    ):
        with pytest.raises(SignatureError, match="signature"):
            prove_as_provider(bad, pk)
    with pytest.raises(SignatureError, match="trusted"):
        prove_receipt(
            receipt, pk, POLICY, DEFAULT_RATE_TABLE, trusted_keys=generate_signing_key().verify_key, signing_key=PROVIDER
        )


def test_prove_refuses_bad_receipts_before_proving(pk, receipt):
    overpriced = sign_receipt_unchecked(dataclasses.replace(receipt, price_fp=6_000_000))
    with pytest.raises(PricingError, match="price"):
        prove_receipt(
            overpriced, pk, POLICY, DEFAULT_RATE_TABLE, trusted_keys=PROVIDER.verify_key, signing_key=PROVIDER
        )
    late = dataclasses.replace(POLICY, not_before=1737730801)
    with pytest.raises(PolicyViolation, match="started_at"):
        prove_as_provider(receipt, pk, late)
    public_rate = dataclasses.replace(POLICY, disclosure=PUBLIC_RATE_PRICE_AND_MODEL)
    with pytest.raises(ProofError, match="another circuit"):
        prove_as_provider(receipt, pk, public_rate)


def sign_receipt_unchecked(receipt):  # type: ignore[no-untyped-def]
    """A valid Ed25519 signature by the provider over a receipt whose price is wrong (sign_receipt refuses that)."""
    from zkreceipt.receipts import ed25519_key_id, receipt_signing_bytes

    sig = PROVIDER.sign(receipt_signing_bytes(receipt)).signature.hex()
    return dataclasses.replace(receipt, signature=ReceiptSignature("Ed25519", ed25519_key_id(PROVIDER.verify_key), sig))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("format",), "other", "format"),
        (("version",), 1, "version 1 is not supported"),
        (("vk_id",), "xyz", "vk_id"),
        (("commitment",), "-1", "commitment"),
        (("circuit", "key"), "receipt-v1;rate=public;public=model,price_fp", "key"),
        (("circuit", "disclosure", "rate_binding"), "nope", "rate_binding"),
        (("circuit", "public_signals"), ["commitment"], "public_signals"),
        (("circuit", "family"), "invoice", "members"),
        (("policy", "not_before"), "soon", "not_before"),
        (("disclosed", "units_fp"), "2.5", "units_fp"),
        (("public_signals",), ["1"], "public signals"),
        (("proof", "pi_a"), [], "pi_a"),
        (("attestation", "sig"), "00", "attestation.sig"),
        (("attestation", "alg"), "RSA", "attestation.alg"),
        (("extra",), 1, "unknown field 'extra'"),
    ],
)
def test_malformed_documents_name_the_field(proven, path, value, message):
    document = copy.deepcopy(bundle_to_json(proven.bundle))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(BundleFormatError, match=message):
        bundle_from_json(document)


def test_not_json_and_missing_fields():
    with pytest.raises(BundleFormatError, match="not valid JSON"):
        bundle_from_text("{")
    with pytest.raises(BundleFormatError, match="missing field 'format'"):
        bundle_from_json({})
    with pytest.raises(BundleFormatError, match="JSON object"):
        bundle_from_json([])


def test_prove_receipts_hands_over_each_chunk_as_it_finishes(pk, receipt, profile):
    receipts = [sign_receipt(dataclasses.replace(receipt, receipt_id=f"rcpt-{i}"), PROVIDER) for i in range(3)]
    events: list[object] = []
    proven = prove_receipts(
        receipts,
        pk,
        [POLICY, POLICY, dataclasses.replace(POLICY, not_after=POLICY.not_after + 1)],
        DEFAULT_RATE_TABLE,
        trusted_keys=PROVIDER.verify_key,
        signing_key=PROVIDER,
        chunk_size=2,
        on_proven=lambda item: events.append(item.bundle.commitment),
        progress=lambda n: events.append(n),
    )
    commitments = [item.bundle.commitment for item in proven]
    assert events == [commitments[0], commitments[1], 2, commitments[2], 1]
    for item, original in zip(proven, receipts, strict=True):
        assert item.bundle.commitment == receipt_commitment(original, item.salt)
    assert proven[2].bundle.policy.not_after == POLICY.not_after + 1
    assert len({item.salt for item in proven}) == 3
    assert all(check.ok for check in verify_bundles([p.bundle for p in proven], profile))


def test_prove_receipts_checks_every_signature_before_proving(pk, receipt, monkeypatch):
    import zkreceipt.ledger.bundles as bundles_module

    monkeypatch.setattr(bundles_module, "prove_batch", lambda *a, **k: pytest.fail("proved before checking"))
    receipts = [receipt, dataclasses.replace(receipt, receipt_id="rcpt-forged")]  # the second's signature breaks
    with pytest.raises(SignatureError, match="rcpt-forged"):
        prove_receipts(receipts, pk, POLICY, DEFAULT_RATE_TABLE, trusted_keys=EXAMPLE_SIGNER, signing_key=PROVIDER)


def test_prove_receipts_keeps_what_a_later_chunk_failure_cannot_take_back(pk, receipt, profile, monkeypatch):
    import zkreceipt.ledger.bundles as bundles_module

    real_prove_batch = bundles_module.prove_batch
    calls = []

    def failing_second_chunk(key, witnesses, **options):
        calls.append(len(witnesses))
        if len(calls) == 2:
            raise RuntimeError("interrupted")
        return real_prove_batch(key, witnesses, **options)

    monkeypatch.setattr(bundles_module, "prove_batch", failing_second_chunk)
    handed_over = []
    receipts = [sign_receipt(dataclasses.replace(receipt, receipt_id=f"rcpt-{i}"), PROVIDER) for i in range(3)]
    with pytest.raises(RuntimeError, match="interrupted"):
        prove_receipts(
            receipts, pk, POLICY, DEFAULT_RATE_TABLE, trusted_keys=PROVIDER.verify_key, signing_key=PROVIDER,
            chunk_size=2, on_proven=handed_over.append,
        )  # fmt: skip
    assert calls == [2, 1] and len(handed_over) == 2
    assert all(verify_bundle(item.bundle, profile).ok for item in handed_over)


def test_prove_receipts_needs_one_policy_per_receipt(pk, receipt):
    with pytest.raises(ProofError, match="2 policies for 1 receipts"):
        prove_receipts(
            [receipt], pk, [POLICY, POLICY], DEFAULT_RATE_TABLE, trusted_keys=EXAMPLE_SIGNER, signing_key=PROVIDER
        )


def test_verify_bundles_in_chunks_matches_one_by_one(proven, profile):
    signals = proven.bundle.public_signals
    bad = dataclasses.replace(proven.bundle, public_signals=(signals[0] + 1, *signals[1:]))
    bundles = [proven.bundle, bad, proven.bundle]
    done: list[int] = []
    checks = verify_bundles(bundles, profile, chunk_size=2, progress=done.append)
    assert [c.ok for c in checks] == [verify_bundle(b, profile).ok for b in bundles] == [True, False, True]
    assert [c.problems for c in checks] == [verify_bundle(b, profile).problems for b in bundles]
    assert done == [2, 1]
    with pytest.raises(ProofError, match="chunk_size"):
        verify_bundles(bundles, profile, chunk_size=0)


def _with_proof_b(proven, b: G2Points):  # type: ignore[no-untyped-def]
    """The bundle's JSON with B replaced by ``b`` (as snarkjs JSON), parsed again and attested by the provider."""
    document = bundle_to_json(proven.bundle)
    document["proof"]["pi_b"] = b.to_json()[0]
    bundle = bundle_from_json(document)
    return dataclasses.replace(bundle, attestation=attest(statement_of(bundle), PROVIDER))


def test_a_proof_point_outside_g2_fails_its_own_bundle_only(proven, profile):
    """Parsing checks the curve; B's subgroup is the verifier's check (batched), and it fails closed."""
    twist = unchecked_points(G2Points, [random_twist_point()])
    assert twist.is_on_curve().all() and not twist.is_in_subgroup().any()
    outside = _with_proof_b(proven, twist)  # parses: on the twist curve
    reason = "the proof cannot be checked: proof B: G2 point 0 is not in the subgroup of order r"
    check = verify_bundle(outside, profile)
    assert not check.ok and not check.proof and check.problems == (reason,)
    good = proven.bundle
    checks = verify_bundles([good, outside, good, good, outside, good, good], profile)
    assert [c.ok for c in checks] == [True, False, True, True, False, True, True]
    assert checks[1].problems == checks[4].problems == (reason,)
    with pytest.raises(FormatError, match="pi_b: G2 point 0 is not on the curve"):
        _with_proof_b(proven, unchecked_points(G2Points, [((1, 0), (1, 0))]))  # off the curve: still bad input


def test_verifying_never_recomputes_a_key_id(proven, profile, monkeypatch):
    """The profile's keys carry their ids (computed at load); the id's canonical key is never rebuilt per bundle."""

    def refuse(*args: object) -> None:
        raise AssertionError("a key id was computed while verifying")

    for module in ("zkreceipt.ledger.identity", "zkreceipt.ledger.bundles", "zkreceipt.ledger.trust"):
        monkeypatch.setattr(f"{module}.verification_key_id", refuse)
    monkeypatch.setattr("zkreceipt.ledger.identity.canonical_verification_key", refuse)
    assert verify_bundle(proven.bundle, profile).ok
    assert all(check.ok for check in verify_bundles([proven.bundle] * 3, profile))
