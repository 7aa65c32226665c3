"""Parsing compute receipts: exact decimals, and a clear error naming the field for every bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from zkreceipt.errors import ReceiptError, ZkReceiptError
from zkreceipt.receipts import Receipt, parse_receipt, read_receipt_file, receipt_to_dict, receipt_to_json


def test_source_receipt_parses_from_text_bytes_and_dict(receipt_document: dict[str, Any]) -> None:
    text = json.dumps(receipt_document)
    for source in (text, text.encode("utf-8"), receipt_document):
        receipt = parse_receipt(source)
        assert receipt.units_fp == 2500 and receipt.units == Decimal("2.500")
        assert receipt.price_fp == 5_000_000 and receipt.price == Decimal("5.000000")
        assert (receipt.started_at, receipt.completed_at, receipt.duration) == (1737730800, 1737730803, 3)
        assert receipt.signature is None


def test_json_numbers_are_read_exactly_never_through_float() -> None:
    # 0.1 + 0.2 style values and long decimals survive exactly
    text = (
        '{"receipt_id":"r","job_id":"j","provider":"p","client":"c","units":0.3,"unit_type":"gpu_seconds",'
        '"price":0.600000,"model":"llama3.2","started_at":1,"completed_at":2}'
    )
    receipt = parse_receipt(text)
    assert receipt.units_fp == 300 and receipt.price_fp == 600_000


def test_round_trip_through_dict_and_json(receipt_document: dict[str, Any]) -> None:
    receipt = parse_receipt(receipt_document)
    assert parse_receipt(receipt_to_dict(receipt)) == receipt
    assert parse_receipt(receipt_to_json(receipt)) == receipt
    assert receipt_to_dict(receipt)["units"] == "2.500"
    assert receipt_to_dict(receipt)["price"] == "5.000000"


def test_receipts_are_frozen(receipt_document: dict[str, Any]) -> None:
    receipt = parse_receipt(receipt_document)
    with pytest.raises(AttributeError):
        receipt.units_fp = 1  # type: ignore[misc]


def _parse_with(document: dict[str, Any], **changes: Any) -> Receipt:
    return parse_receipt({**document, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"units": "-1"}, r"^units: must not be negative, got -1\.000$"),
        ({"price": "-0.5"}, r"^price: must not be negative"),
        ({"units": "2.5001"}, r"^units: 2\.5001 has more than 3 decimal places"),
        ({"price": "5.0000001"}, r"^price: 5\.0000001 has more than 6 decimal places"),
        ({"units": "281474976710.656"}, r"^units: 281474976710\.656 is too large for the circuit \(bound 2\^48"),
        ({"started_at": 1 << 40, "completed_at": (1 << 40) + 1}, r"^started_at: 1099511627776 is too large"),
        ({"completed_at": 1737730799}, r"^completed_at: 1737730799 is before started_at 1737730800$"),
        ({"units": 2.5}, r"^units: a float is not exact"),
        ({"units": True}, r"^units: must be a decimal number, got boolean"),
        ({"units": "2,5"}, r"^units: must be a decimal number, got string"),
        ({"units": "1e3"}, r"^units: must be a decimal number, got string"),
        ({"units": None}, r"^units: must be a decimal number, got null"),
        ({"started_at": "1737730800"}, r"^started_at: must be an integer, got string"),
        ({"started_at": Decimal("1737730800.0")}, r"^started_at: must be an integer, got number"),
        ({"started_at": -1}, r"^started_at: must not be negative"),
        ({"model": 7}, r"^model: must be a string, got number"),
        ({"provider": ""}, r"^provider: must not be empty$"),
        ({"client": "a\nb"}, r"^client: contains the control character U\+000A$"),
        ({"client": "a\ud800"}, r"^client: contains a lone surrogate U\+D800$"),
        ({"job_id": "x" * 257}, r"^job_id: longer than 256 UTF-8 bytes$"),
        ({"receipt_id": ["r"]}, r"^receipt_id: must be a string, got array"),
        ({"colour": "blue"}, r"^colour: unknown field \(allowed: "),
        ({"signature": "abc"}, r"^signature: must be an object, got string"),
        ({"signature": {"alg": "RSA", "key_id": "0" * 16, "sig": "0" * 128}}, r"^signature\.alg: must be 'Ed25519'"),
        ({"signature": {"alg": "Ed25519", "key_id": "XYZ", "sig": "0" * 128}}, r"^signature\.key_id: must be 16"),
        ({"signature": {"alg": "Ed25519", "key_id": "0" * 16, "sig": "00"}}, r"^signature\.sig: must be 128"),
        ({"signature": {"alg": "Ed25519", "key_id": "0" * 16}}, r"^signature\.sig: missing required field$"),
        (
            {"signature": {"alg": "Ed25519", "key_id": "0" * 16, "sig": "0" * 128, "x": 1}},
            r"^signature\.x: unknown field",
        ),
    ],
)
def test_bad_fields_are_named(receipt_document: dict[str, Any], changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ReceiptError, match=message):
        _parse_with(receipt_document, **changes)


@pytest.mark.parametrize(
    "field",
    [
        "receipt_id",
        "job_id",
        "provider",
        "client",
        "units",
        "unit_type",
        "price",
        "model",
        "started_at",
        "completed_at",
    ],
)
def test_missing_fields_are_named(receipt_document: dict[str, Any], field: str) -> None:
    del receipt_document[field]
    with pytest.raises(ReceiptError, match=f"^{field}: missing required field$"):
        parse_receipt(receipt_document)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{not json", r"^receipt: not valid JSON"),
        ("[1, 2]", r"^receipt: the document must be a JSON object, got array"),
        (b"\xff\xfe", r"^receipt: not UTF-8 text"),
        ('{"units": NaN}', r"^receipt: not valid JSON \(NaN is not a number"),
        ('{"units": 1, "units": 2}', r"^receipt: not valid JSON \(duplicate key 'units'"),
        ("x" * ((1 << 20) + 1), r"^receipt: document larger than"),
        (12, r"^receipt: expected JSON text, bytes or a mapping, got int"),
    ],
)
def test_malformed_documents_are_refused(source: Any, message: str) -> None:
    with pytest.raises(ReceiptError, match=message):
        parse_receipt(source)


def test_model_construction_checks_types_too() -> None:
    with pytest.raises(ReceiptError, match="^units: must be an integer, got float$"):
        Receipt("r", "j", "p", "c", 2.5, "gpu_seconds", 5_000_000, "m", 1, 2)  # type: ignore[arg-type]


def test_read_receipt_file_names_the_file(tmp_path: Any, receipt_document: dict[str, Any]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(receipt_document))
    assert read_receipt_file(good).receipt_id == "rcpt-0001"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**receipt_document, "units": "-2"}))
    with pytest.raises(ReceiptError, match=f"^{bad}: units: must not be negative"):
        read_receipt_file(bad)
    with pytest.raises(ZkReceiptError, match="cannot read the receipt file"):
        read_receipt_file(tmp_path / "missing.json")
