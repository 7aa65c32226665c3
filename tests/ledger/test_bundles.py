"""Proof bundles: prove, round-trip through JSON, verify one and many, refuse tampering and bad documents."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import (
    NOTHING_DISCLOSED,
    PRICE_AND_MODEL,
    PUBLIC_RATE_PRICE_AND_MODEL,
    ReceiptPolicy,
)

from zkreceipt.ledger.keys import (
    load_receipt_proving_key,
    load_receipt_verification_key,
    save_receipt_keys,
    setup_receipt_keys,
    verification_key_id,
)
from zkreceipt.ledger.bundles import (
    BundleFormatError,
    bundle_from_json,
    bundle_from_text,
    bundle_to_json,
    bundle_to_text,
    expected_signal_names,
    prove_receipt,
    prove_receipts,
    verify_bundle,
    verify_bundles,
)
from zkreceipt.errors import ProofError, SignatureError
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    PricingError,
    RateTable,
    generate_signing_key,
    read_receipt_file,
    receipt_commitment,
    sign_receipt,
)
from zkreceipt.receipts.example_files import example_path
from zkreceipt.ledger.statements import PolicyViolation

POLICY = ReceiptPolicy(not_before=1737676800, not_after=1737763199, max_duration=3600)


@pytest.fixture(scope="module")
def pk():
    return setup_receipt_keys(POLICY)


@pytest.fixture(scope="module")
def receipt():
    return read_receipt_file(example_path("compute_receipt.json"))


@pytest.fixture(scope="module")
def proven(pk, receipt):
    return prove_receipt(receipt, pk, POLICY, DEFAULT_RATE_TABLE)


def test_bundle_verifies_and_hides_the_salt(pk, receipt, proven):
    bundle = proven.bundle
    assert verify_bundle(bundle, pk.vk, rates=DEFAULT_RATE_TABLE).ok
    assert bundle.commitment == receipt_commitment(receipt, proven.salt)
    assert bundle.disclosed == {"model": "llama3.2", "price_fp": 5_000_000}
    assert bundle.signer_key_id == receipt.signature.key_id
    assert str(proven.salt) not in bundle_to_text(bundle)
    assert str(proven.salt) not in repr(proven)
    for private in (
        "rcpt-2025-01-24-0001",
        "job-7f3a9c",
        "client-acme-labs",
        "1737730800",
    ):
        assert private not in bundle_to_text(bundle)


def test_json_round_trip(proven):
    document = bundle_to_json(proven.bundle)
    assert document["format"] == "zkreceipt-receipt-proof"
    assert document["vk_id"] == proven.bundle.vk_id
    assert document["circuit_key"] == PRICE_AND_MODEL.key
    assert bundle_from_text(bundle_to_text(proven.bundle)) == proven.bundle


def test_signal_names_match_the_compiled_circuits():
    for disclosure in (PRICE_AND_MODEL, PUBLIC_RATE_PRICE_AND_MODEL, NOTHING_DISCLOSED):
        assert expected_signal_names(disclosure) == tuple(
            compile_receipt_circuit(disclosure).public_signal_names
        )


def test_vk_id_is_stable_and_distinguishes_keys(pk, tmp_path):
    paths = save_receipt_keys(pk, tmp_path / "keys")
    assert oct(paths.proving_key.stat().st_mode & 0o777) == "0o600"
    assert verification_key_id(
        load_receipt_verification_key(tmp_path / "keys")
    ) == verification_key_id(pk.vk)
    assert load_receipt_proving_key(tmp_path / "keys").vk.n_public == pk.vk.n_public
    other = setup_receipt_keys(PRICE_AND_MODEL)
    assert verification_key_id(other.vk) != verification_key_id(pk.vk)


def test_wrong_vk_fails_the_key_check(proven):
    other = setup_receipt_keys(POLICY)
    check = verify_bundle(proven.bundle, other.vk)
    assert not check.ok and not check.vk_id and not check.proof


@pytest.mark.parametrize(
    "change",
    [
        {"disclosed": {"model": "llama3.2", "price_fp": 4_000_000}},
        {"disclosed": {"model": "codellama", "price_fp": 5_000_000}},
        {"commitment": 12345},
        {
            "policy": ReceiptPolicy(
                not_before=1737676800, not_after=1737763199, max_duration=7200
            )
        },
    ],
)
def test_bundle_fields_that_disagree_with_the_signals_fail(pk, proven, change):
    check = verify_bundle(dataclasses.replace(proven.bundle, **change), pk.vk)
    assert not check.ok and not check.signals and check.proof


def test_tampered_signals_fail_the_proof(pk, proven):
    bundle = proven.bundle
    signals = list(bundle.public_signals)
    signals[-1] = 4_000_000
    tampered = dataclasses.replace(
        bundle,
        public_signals=tuple(signals),
        disclosed={"model": "llama3.2", "price_fp": 4_000_000},
    )
    check = verify_bundle(tampered, pk.vk)
    assert check.signals and check.vk_id and not check.proof and not check.ok


def test_untrusted_rate_table_fails(pk, proven):
    other = RateTable({"llama3.2": 2_000_000, "mistral": 1_000_000})
    check = verify_bundle(proven.bundle, pk.vk, rates=other)
    assert check.rates is False and not check.ok and check.proof
    assert verify_bundle(proven.bundle, pk.vk).rates is None


def test_batch_verification_names_the_bad_bundle(pk, receipt, proven):
    second = prove_receipts([receipt], pk, POLICY, DEFAULT_RATE_TABLE)[0].bundle
    bad = dataclasses.replace(second, commitment=second.commitment + 1)
    signals = list(second.public_signals)
    signals[0] += 1
    forged = dataclasses.replace(bad, public_signals=tuple(signals))
    checks = verify_bundles(
        [proven.bundle, forged, second], pk.vk, rates=DEFAULT_RATE_TABLE
    )
    assert [c.ok for c in checks] == [True, False, True]
    assert checks[1].signals and not checks[1].proof


def test_prove_refuses_bad_receipts_before_proving(pk, receipt):
    with pytest.raises(PricingError, match="price"):
        prove_receipt(
            dataclasses.replace(receipt, price_fp=6_000_000),
            pk,
            POLICY,
            DEFAULT_RATE_TABLE,
        )
    late = ReceiptPolicy(not_before=1737730801, not_after=1737763199, max_duration=3600)
    with pytest.raises(PolicyViolation, match="started_at"):
        prove_receipt(receipt, pk, late, DEFAULT_RATE_TABLE)
    with pytest.raises(SignatureError, match="trusted"):
        prove_receipt(
            receipt,
            pk,
            POLICY,
            DEFAULT_RATE_TABLE,
            trusted_keys=generate_signing_key().verify_key,
        )


def test_prove_checks_the_signer_and_the_key_shape(pk, receipt):
    key = generate_signing_key()
    signed = sign_receipt(receipt, key)
    assert prove_receipt(
        signed, pk, POLICY, DEFAULT_RATE_TABLE, trusted_keys=key.verify_key
    ).bundle.signer_key_id
    public_rate = ReceiptPolicy(
        1737676800, 1737763199, 3600, disclosure=PUBLIC_RATE_PRICE_AND_MODEL
    )
    with pytest.raises(ProofError, match="another circuit"):
        prove_receipt(receipt, pk, public_rate, DEFAULT_RATE_TABLE)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("format",), "other", "format"),
        (("version",), 2, "version"),
        (("vk_id",), "xyz", "vk_id"),
        (("commitment",), "-1", "commitment"),
        (("circuit_key",), "receipt-v1;rate=public", "circuit_key"),
        (("disclosure", "rate_binding"), "nope", "rate_binding"),
        (("policy", "not_before"), "soon", "not_before"),
        (("disclosed", "units_fp"), "2.5", "units_fp"),
        (("public_signals",), ["1"], "public signals"),
        (("proof", "pi_a"), [], "pi_a"),
        (("signature", "sig"), "00", "signature.sig"),
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


def test_prove_receipts_hands_over_each_chunk_as_it_finishes(pk, receipt):
    receipts = [dataclasses.replace(receipt, receipt_id=f"rcpt-{i}", signature=None) for i in range(3)]
    events: list[object] = []
    proven = prove_receipts(
        receipts,
        pk,
        [POLICY, POLICY, dataclasses.replace(POLICY, not_after=POLICY.not_after + 1)],
        DEFAULT_RATE_TABLE,
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
    assert all(check.ok for check in verify_bundles([p.bundle for p in proven], pk.vk, rates=DEFAULT_RATE_TABLE))


def test_prove_receipts_keeps_what_a_later_chunk_failure_cannot_take_back(pk, receipt, monkeypatch):
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
    receipts = [dataclasses.replace(receipt, receipt_id=f"rcpt-{i}") for i in range(3)]
    with pytest.raises(RuntimeError, match="interrupted"):
        prove_receipts(receipts, pk, POLICY, DEFAULT_RATE_TABLE, chunk_size=2, on_proven=handed_over.append)
    assert calls == [2, 1] and len(handed_over) == 2
    assert all(verify_bundle(item.bundle, pk.vk).ok for item in handed_over)


def test_prove_receipts_needs_one_policy_per_receipt(pk, receipt):
    with pytest.raises(ProofError, match="2 policies for 1 receipts"):
        prove_receipts([receipt], pk, [POLICY, POLICY], DEFAULT_RATE_TABLE)


def test_verify_bundles_in_chunks_matches_one_by_one(pk, receipt, proven):
    signals = proven.bundle.public_signals
    bad = dataclasses.replace(proven.bundle, public_signals=(signals[0] + 1, *signals[1:]))
    bundles = [proven.bundle, bad, proven.bundle]
    done: list[int] = []
    checks = verify_bundles(bundles, pk.vk, chunk_size=2, progress=done.append)
    assert [c.ok for c in checks] == [verify_bundle(b, pk.vk).ok for b in bundles] == [True, False, True]
    assert done == [2, 1]
    with pytest.raises(ProofError, match="chunk_size"):
        verify_bundles(bundles, pk.vk, chunk_size=0)
