"""Receipts as field elements and the salted Poseidon commitment."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from zkreceipt.errors import ReceiptError
from zkreceipt.field import Fr
from zkreceipt.receipts import (
    RECEIPT_FIELD_ORDER,
    new_salt,
    parse_receipt,
    receipt_commitment,
    receipt_field_elements,
    text_to_field,
)


def test_text_hash_is_sha256_truncated_to_248_bits() -> None:
    digest = hashlib.sha256(b"llama3.2").digest()
    assert text_to_field("llama3.2") == int.from_bytes(digest[:31], "big")
    assert all(text_to_field(text).bit_length() <= 248 for text in ("", "a", "Zoë", "x" * 256))


def test_field_elements_of_the_source_receipt(receipt_document: dict[str, Any]) -> None:
    receipt = parse_receipt(receipt_document)
    fields = receipt_field_elements(receipt)
    assert RECEIPT_FIELD_ORDER == (
        "receipt_id",
        "job_id",
        "provider",
        "client",
        "model",
        "unit_type",
        "units_fp",
        "price_fp",
        "started_at",
        "completed_at",
    )
    assert fields.as_list() == [
        text_to_field("rcpt-0001"),
        text_to_field("job-42"),
        text_to_field("provider-node-7"),
        text_to_field("client-3"),
        text_to_field("llama3.2"),
        text_to_field("gpu_seconds"),
        2500,
        5_000_000,
        1737730800,
        1737730803,
    ]
    assert all(0 <= element < Fr.modulus for element in fields.as_list())


def test_commitment_is_poseidon_of_elements_and_salt(receipt_document: dict[str, Any]) -> None:
    from zkreceipt.circuit.gadgets.poseidon_native import poseidon_hash

    receipt = parse_receipt(receipt_document)
    salt = 123456789
    expected = poseidon_hash([*receipt_field_elements(receipt).as_list(), salt])
    assert receipt_commitment(receipt, salt) == expected
    assert receipt_commitment(receipt, salt) == receipt_commitment(parse_receipt(receipt_document), salt)


def test_commitment_binds_every_field_and_the_salt(receipt_document: dict[str, Any]) -> None:
    receipt = parse_receipt(receipt_document)
    salt = new_salt()
    base = receipt_commitment(receipt, salt)
    assert receipt_commitment(receipt, (salt + 1) % Fr.modulus) != base
    for field, value in (("units", "2.501"), ("price", "5.000001"), ("client", "other"), ("completed_at", 1737730804)):
        assert receipt_commitment(parse_receipt({**receipt_document, field: value}), salt) != base


def test_salts_are_random_field_elements() -> None:
    salts = {new_salt() for _ in range(20)}
    assert len(salts) == 20 and all(0 <= salt < Fr.modulus for salt in salts)


@pytest.mark.parametrize("salt", [-123456789, Fr.modulus, 12345.678, True, "98765"])
def test_bad_salt_is_refused_without_echoing_it(receipt_document: dict[str, Any], salt: Any) -> None:
    with pytest.raises(ReceiptError, match=r"^salt: must be an int in \[0, r\)") as caught:
        receipt_commitment(parse_receipt(receipt_document), salt)
    assert str(salt) not in str(caught.value)
