"""Canonical bytes: one encoding per receipt/invoice, whatever the input's spelling."""

from __future__ import annotations

import json
from typing import Any

from zkreceipt.receipts import (
    canonical_json_bytes,
    invoice_signing_bytes,
    parse_invoice,
    parse_receipt,
    receipt_signing_bytes,
    sign_receipt,
)
from zkreceipt.receipts.canonical import RECEIPT_TYPE_TAG


def test_source_receipt_canonical_bytes(receipt_document: dict[str, Any]) -> None:
    expected = (
        b'{"client":"client-3","completed_at":1737730803,"job_id":"job-42","model":"llama3.2",'
        b'"price":"5.000000","provider":"provider-node-7","receipt_id":"rcpt-0001","started_at":1737730800,'
        b'"type":"zkreceipt.compute_receipt.v1","unit_type":"gpu_seconds","units":"2.500"}'
    )
    assert receipt_signing_bytes(parse_receipt(receipt_document)) == expected


def test_spelling_does_not_change_the_bytes(receipt_document: dict[str, Any]) -> None:
    spellings = [
        json.dumps(receipt_document),
        json.dumps(dict(reversed(list(receipt_document.items()))), indent=4),
        json.dumps(receipt_document).replace('"2.5"', "2.50").replace('"5.0"', "5"),
        json.dumps({**receipt_document, "units": "2.500000", "price": "5.000000"}),
    ]
    encodings = {receipt_signing_bytes(parse_receipt(text)) for text in spellings}
    assert len(encodings) == 1


def test_signature_is_not_part_of_the_signed_bytes(receipt_document: dict[str, Any], signing_key: Any) -> None:
    receipt = parse_receipt(receipt_document)
    assert receipt_signing_bytes(sign_receipt(receipt, signing_key)) == receipt_signing_bytes(receipt)


def test_every_field_changes_the_bytes(receipt_document: dict[str, Any]) -> None:
    base = receipt_signing_bytes(parse_receipt(receipt_document))
    changes = {
        "receipt_id": "rcpt-0002",
        "job_id": "job-43",
        "provider": "p2",
        "client": "c2",
        "units": "2.501",
        "unit_type": "cpu_seconds",
        "price": "5.000001",
        "model": "codellama",
        "started_at": 1737730801,
        "completed_at": 1737730804,
    }
    for field, value in changes.items():
        assert receipt_signing_bytes(parse_receipt({**receipt_document, field: value})) != base, field


def test_non_ascii_is_utf8_not_escaped(receipt_document: dict[str, Any]) -> None:
    encoded = receipt_signing_bytes(parse_receipt({**receipt_document, "client": "Zoë 東京"}))
    assert "Zoë 東京".encode() in encoded
    assert json.loads(encoded)["type"] == RECEIPT_TYPE_TAG


def test_invoice_bytes_keep_line_item_order(function_invoice_document: dict[str, Any]) -> None:
    invoice = parse_invoice(function_invoice_document)
    encoded = invoice_signing_bytes(invoice)
    assert encoded == canonical_json_bytes(json.loads(encoded))
    assert b'"stepGasPrice":"0.000000150"' in encoded and b'"type":"zkreceipt.invoice.v1"' in encoded
    function_invoice_document["lineItem"].reverse()
    assert invoice_signing_bytes(parse_invoice(function_invoice_document)) != encoded
