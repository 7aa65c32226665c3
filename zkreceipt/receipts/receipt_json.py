"""Compute receipts from and to JSON documents.

The document has exactly the fields ``receipt_id, job_id, provider, client,
units, unit_type, price, model, started_at, completed_at`` and, once signed,
``signature {alg, key_id, sig}``; any other field is refused. ``units`` and
``price`` are decimals (JSON numbers or decimal strings, read exactly);
``started_at``/``completed_at`` integer Unix seconds. Written documents give
``units`` and ``price`` as decimal strings with exactly 3 and 6 places.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ReceiptError
from .fixed_point import TOKEN_DECIMALS, UNITS_DECIMALS, fixed_to_text
from .json_input import FieldReader, JsonSource, load_document, read_document_file
from .receipt import Receipt, ReceiptSignature

RECEIPT_TEXT_FIELDS = ("receipt_id", "job_id", "provider", "client", "unit_type", "model")
RECEIPT_REQUIRED_FIELDS = (*RECEIPT_TEXT_FIELDS, "units", "price", "started_at", "completed_at")
SIGNATURE_FIELDS = ("alg", "key_id", "sig")


def parse_receipt(source: JsonSource) -> Receipt:
    """A validated :class:`Receipt` from JSON text, UTF-8 bytes or a mapping; ReceiptError naming the field."""
    reader = FieldReader(load_document(source, "receipt"), "", "receipt")
    reader.check_fields(RECEIPT_REQUIRED_FIELDS, optional=("signature",))
    texts = {field: reader.string(field) for field in RECEIPT_TEXT_FIELDS}
    return Receipt(
        **texts,
        units_fp=reader.fixed("units", UNITS_DECIMALS),
        price_fp=reader.fixed("price", TOKEN_DECIMALS),
        started_at=reader.integer("started_at"),
        completed_at=reader.integer("completed_at"),
        signature=_parse_signature(reader.child("signature")) if reader.has("signature") else None,
    )


def _parse_signature(reader: FieldReader) -> ReceiptSignature:
    reader.check_fields(SIGNATURE_FIELDS)
    return ReceiptSignature(**{field: reader.string(field) for field in SIGNATURE_FIELDS})


def read_receipt_file(path: str | Path) -> Receipt:
    """Parse the receipt stored in the file ``path``; errors name the file."""
    data = read_document_file(path, "receipt file")
    try:
        return parse_receipt(data)
    except ReceiptError as error:
        raise type(error)(f"{path}: {error}") from None


def receipt_body(receipt: Receipt) -> dict[str, Any]:
    """The receipt's fields without the signature, normalized (decimals as fixed-place strings)."""
    return {
        "receipt_id": receipt.receipt_id,
        "job_id": receipt.job_id,
        "provider": receipt.provider,
        "client": receipt.client,
        "units": fixed_to_text(receipt.units_fp, UNITS_DECIMALS),
        "unit_type": receipt.unit_type,
        "price": fixed_to_text(receipt.price_fp, TOKEN_DECIMALS),
        "model": receipt.model,
        "started_at": receipt.started_at,
        "completed_at": receipt.completed_at,
    }


def receipt_to_dict(receipt: Receipt) -> dict[str, Any]:
    """The receipt as a JSON-ready dict that :func:`parse_receipt` reads back to an equal receipt."""
    document = receipt_body(receipt)
    if receipt.signature is not None:
        document["signature"] = {
            "alg": receipt.signature.alg,
            "key_id": receipt.signature.key_id,
            "sig": receipt.signature.sig,
        }
    return document


def receipt_to_json(receipt: Receipt) -> str:
    """The receipt as indented JSON text (for files and display; signing uses the canonical bytes)."""
    return json.dumps(receipt_to_dict(receipt), indent=2, ensure_ascii=False) + "\n"
