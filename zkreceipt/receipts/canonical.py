"""Canonical bytes: what a receipt's Ed25519 signature and an invoice's secp256k1 signature cover.

The canonical encoding of a document is its normalized body (no signature)
plus a ``"type"`` tag naming the family and version, serialized as compact
JSON with keys sorted by code point, no whitespace, non-ASCII characters
written as UTF-8 (not ``\\u`` escapes), and encoded as UTF-8. Decimals appear as
strings with exactly their scale's places (units ``"2.500"``, price
``"5.000000"``, gas prices with 9 places), integers as JSON integers, so the
same receipt always gives the same bytes whatever the input's spelling was.

Example (the source receipt)::

    {"client":"…","completed_at":1737730803,"job_id":"…","model":"llama3.2","price":"5.000000",
     "provider":"…","receipt_id":"…","started_at":1737730800,"type":"zkreceipt.compute_receipt.v1",
     "unit_type":"gpu_seconds","units":"2.500"}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .invoice import Invoice
from .invoice_json import invoice_body
from .receipt import Receipt
from .receipt_json import receipt_body

RECEIPT_TYPE_TAG = "zkreceipt.compute_receipt.v1"
INVOICE_TYPE_TAG = "zkreceipt.invoice.v1"


def canonical_json_bytes(document: Mapping[str, Any]) -> bytes:
    """Sorted-key compact JSON of ``document`` in UTF-8 (floats and NaN are refused by the callers' models)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def receipt_signing_bytes(receipt: Receipt) -> bytes:
    """The canonical bytes of a :class:`Receipt` without its signature (what Ed25519 signs)."""
    return canonical_json_bytes({**receipt_body(receipt), "type": RECEIPT_TYPE_TAG})


def invoice_signing_bytes(invoice: Invoice) -> bytes:
    """The canonical bytes of an :class:`Invoice` without its accounting signature."""
    return canonical_json_bytes({**invoice_body(invoice), "type": INVOICE_TYPE_TAG})
