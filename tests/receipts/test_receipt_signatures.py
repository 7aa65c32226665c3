"""Ed25519 receipt signatures: signing, verification, key ids, keyrings and the detailed check."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import pytest
from nacl.signing import SigningKey

from zkreceipt.errors import SignatureError
from zkreceipt.receipts import (
    Keyring,
    PricingError,
    RateTable,
    ReceiptSignature,
    TimePolicy,
    UnknownModelError,
    check_receipt,
    ed25519_key_id,
    generate_signing_key,
    parse_receipt,
    receipt_signing_bytes,
    receipt_to_json,
    sign_receipt,
    verify_receipt,
)


def test_key_id_is_sha256_prefix_of_the_public_key(signing_key: SigningKey) -> None:
    raw = bytes(signing_key.verify_key)
    assert ed25519_key_id(signing_key.verify_key) == hashlib.sha256(raw).hexdigest()[:16]
    assert ed25519_key_id(raw) == ed25519_key_id(raw.hex()) == ed25519_key_id(signing_key.verify_key)


def test_sign_and_verify(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    signed = sign_receipt(parse_receipt(receipt_document), signing_key)
    assert signed.signature is not None
    assert signed.signature.alg == "Ed25519"
    assert signed.signature.key_id == ed25519_key_id(signing_key.verify_key)
    signing_key.verify_key.verify(receipt_signing_bytes(signed), signed.signature.sig_bytes)  # raw nacl agrees
    assert verify_receipt(signed, signing_key.verify_key)
    assert verify_receipt(signed, bytes(signing_key.verify_key))
    assert verify_receipt(signed, Keyring.of([generate_signing_key().verify_key, signing_key.verify_key]))
    assert verify_receipt(parse_receipt(receipt_to_json(signed)), signing_key.verify_key)  # survives JSON


def test_tampering_breaks_the_signature(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    signed = sign_receipt(parse_receipt(receipt_document), signing_key)
    for field, value in (
        ("units_fp", 2501),
        ("price_fp", 5_000_001),
        ("client", "mallory"),
        ("completed_at", 1737730804),
    ):
        assert not verify_receipt(dataclasses.replace(signed, **{field: value}), signing_key.verify_key), field
    assert signed.signature is not None
    flipped = bytearray(signed.signature.sig_bytes)
    flipped[10] ^= 1
    forged = dataclasses.replace(signed, signature=dataclasses.replace(signed.signature, sig=flipped.hex()))
    assert not verify_receipt(forged, signing_key.verify_key)


def test_wrong_key_and_unknown_key_id(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    signed = sign_receipt(parse_receipt(receipt_document), signing_key)
    other = generate_signing_key().verify_key
    assert not verify_receipt(signed, other)
    assert not verify_receipt(signed, Keyring.of([other]))
    check = check_receipt(signed, Keyring.of([other]))
    assert not check.key_id.passed and "no trusted key has id" in check.key_id.detail
    assert not check.signature.passed and check.pricing.passed and check.time_order.passed


def test_relabelled_key_id_is_caught(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    signed = sign_receipt(parse_receipt(receipt_document), signing_key)
    assert signed.signature is not None
    relabelled = dataclasses.replace(signed, signature=dataclasses.replace(signed.signature, key_id="0" * 16))
    check = check_receipt(relabelled, signing_key.verify_key)
    assert not check.key_id.passed and check.signature.passed
    assert f"but the key given has id {ed25519_key_id(signing_key.verify_key)}" in check.key_id.detail
    assert not verify_receipt(relabelled, signing_key.verify_key)


def test_unsigned_receipt_does_not_verify(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    receipt = parse_receipt(receipt_document)
    assert not verify_receipt(receipt, signing_key.verify_key)
    check = check_receipt(receipt, signing_key.verify_key)
    assert [outcome.name for outcome in check.failures] == ["key_id", "signature"]
    assert check.signature.detail == "the receipt is unsigned"


def test_signing_refuses_a_wrong_price(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    with pytest.raises(PricingError, match="expected price 5.000000"):
        sign_receipt(parse_receipt({**receipt_document, "price": "5.1"}), signing_key)
    with pytest.raises(UnknownModelError):
        sign_receipt(parse_receipt({**receipt_document, "model": "mystery"}), signing_key)
    custom = RateTable({"mystery": 2_000_000})
    assert sign_receipt(parse_receipt({**receipt_document, "model": "mystery"}), signing_key, custom).signature


def test_malformed_public_key_raises(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    signed = sign_receipt(parse_receipt(receipt_document), signing_key)
    for bad in (b"short", "zz" * 32, 42):
        with pytest.raises(SignatureError, match="^public key: must be"):
            verify_receipt(signed, bad)  # type: ignore[arg-type]
    with pytest.raises(SignatureError, match="signing key: must be a nacl.signing.SigningKey"):
        sign_receipt(signed, bytes(signing_key))  # type: ignore[arg-type]


def test_keyring_refuses_mislabelled_keys(signing_key: SigningKey) -> None:
    with pytest.raises(SignatureError, match="does not match its public key"):
        Keyring({"0" * 16: signing_key.verify_key})
    keyring = Keyring.of([signing_key.verify_key])
    assert ed25519_key_id(signing_key.verify_key) in keyring and len(keyring) == 1


def test_detailed_check_reports_each_failure(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    signed = sign_receipt(parse_receipt(receipt_document), signing_key)
    check = check_receipt(signed, signing_key.verify_key)
    assert check.ok and check.failures == ()
    assert check.pricing.detail == "5.000000 = 2.500 × 2.000000"

    mispriced = dataclasses.replace(signed, price_fp=5_000_001)  # signature no longer matches either
    check = check_receipt(mispriced, signing_key.verify_key)
    assert [outcome.name for outcome in check.failures] == ["signature", "pricing"]
    assert "expected price 5.000000" in check.pricing.detail

    other_rates = check_receipt(signed, signing_key.verify_key, rates=RateTable({"llama3.2": 1_000_000}))
    assert [outcome.name for outcome in other_rates.failures] == ["pricing"]


def test_time_policy(receipt_document: dict[str, Any], signing_key: SigningKey) -> None:
    signed = sign_receipt(parse_receipt(receipt_document), signing_key)
    inside = TimePolicy(not_before=1737730800, not_after=1737730803, max_duration=3)
    assert check_receipt(signed, signing_key.verify_key, time_policy=inside).ok
    for policy, fragment in (
        (TimePolicy(not_before=1737730801), "before the window start 1737730801"),
        (TimePolicy(not_after=1737730802), "after the window end 1737730802"),
        (TimePolicy(max_duration=2), "duration 3 s exceeds the bound 2 s"),
    ):
        check = check_receipt(signed, signing_key.verify_key, time_policy=policy)
        assert [outcome.name for outcome in check.failures] == ["time_order"]
        assert fragment in check.time_order.detail


def test_time_policy_is_validated() -> None:
    from zkreceipt.errors import ReceiptError

    with pytest.raises(ReceiptError, match="not_after: is before not_before"):
        TimePolicy(not_before=10, not_after=5)
    with pytest.raises(ReceiptError, match="max_duration: must not be negative"):
        TimePolicy(max_duration=-1)


def test_signature_object_validates_itself() -> None:
    from zkreceipt.errors import ReceiptError

    with pytest.raises(ReceiptError, match="signature.sig: must be 128 lowercase hex"):
        ReceiptSignature("Ed25519", "0" * 16, "AB" * 64)
