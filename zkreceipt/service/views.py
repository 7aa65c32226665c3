"""What the service shows: the public view of a receipt or invoice, and the private view for its owners.

The public view comes from the stored bundle only (what was proven and
disclosed) and the server's verdict on it, never from the stored receipt's
private columns: a model or price the proof keeps private is not shown, even
though the store knows it. The receipt id is the explorer's index and is
shown; the proof does not disclose it. A bundle's claims (its circuit, its
disclosed values) mean something only under a valid verdict, which checked
them against the server's trusted key.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import ZkReceiptError
from ..ledger.store import ApiKeyRecord, InvoiceRecord, ReceiptRecord, StoredProofBundle
from ..receipts import Invoice, Receipt, invoice_to_dict, receipt_to_dict, recover_invoice_signer
from ..receipts.field_encoding import RECEIPT_FIELD_ORDER
from ..receipts.fixed_point import TOKEN_DECIMALS, fixed_to_text

#: Receipt JSON names of the fixed-point field elements.
_JSON_NAMES = {"units_fp": "units", "price_fp": "price"}
INVOICE_PRIVATE_FIELDS = ["executionId", "taskId", "taskCreated_timeStamp", "lineItem", "salt"]


def bundle_document(bundle: StoredProofBundle | None) -> dict[str, Any]:
    """The stored bundle's JSON as a dict ({} for none, or for text that is not an object)."""
    if bundle is None:
        return {}
    try:
        document = json.loads(bundle.bundle_json)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _member(document: dict[str, Any], name: str) -> dict[str, Any]:
    value = document.get(name)
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def claimed_signals(document: dict[str, Any]) -> dict[str, int]:
    """The bundle's public signals by the names of its claimed circuit (meaningful under a valid verdict)."""
    names = _member(document, "circuit").get("public_signals")
    values = document.get("public_signals")
    if not isinstance(names, list) or not isinstance(values, list) or len(names) != len(values):
        return {}
    signals = {}
    for name, value in zip(names, values, strict=True):
        if isinstance(name, str) and isinstance(value, str) and value.isascii() and value.isdecimal() and len(value) <= 80:
            signals[name] = int(value)
    return signals


def bundle_summary(bundle: StoredProofBundle) -> dict[str, Any]:
    """A stored bundle's id, key, claimed circuit, verdict and where to download it."""
    path = "bundles" if bundle.receipt_id is not None else "invoices/bundles"
    return {
        "bundle_id": bundle.bundle_id,
        "kind": bundle.kind,
        "vk_id": bundle.vk_id,
        "circuit": _text(_member(bundle_document(bundle), "circuit").get("key")),
        "created_at": bundle.created_at,
        "verified": bundle.verified,
        "verified_at": bundle.verified_at,
        "problems": list(bundle.problems),
        "url": f"/api/v1/{path}/{bundle.bundle_id}",
    }


def _latest(bundles: tuple[StoredProofBundle, ...]) -> StoredProofBundle | None:
    return bundles[-1] if bundles else None


def receipt_public_view(record: ReceiptRecord) -> dict[str, Any]:
    """Receipt id, model and price if disclosed, commitment, window, bounds, key, signer, verdict (latest bundle)."""
    latest = _latest(record.proof_bundles)
    document = bundle_document(latest)
    disclosed, policy = _member(document, "disclosed"), _member(document, "policy")
    price_fp = _int(disclosed.get("price_fp"))
    return {
        "receipt_id": record.receipt.receipt_id,
        "model": _text(disclosed.get("model")),
        "price": None if price_fp is None else fixed_to_text(price_fp, TOKEN_DECIMALS),
        "commitment": latest.commitment if latest is not None else None,
        "window": {"not_before": _int(policy.get("not_before")), "not_after": _int(policy.get("not_after"))},
        "bounds": {"max_duration": _int(policy.get("max_duration")), "gpu_count": _int(policy.get("gpu_count"))},
        "vk_id": latest.vk_id if latest is not None else None,
        "signer": _text(_member(document, "attestation").get("key_id")),
        "verified": latest.verified if latest is not None else None,
        "verified_at": latest.verified_at if latest is not None else None,
        "bundle_id": latest.bundle_id if latest is not None else None,
    }


def private_receipt_fields(record: ReceiptRecord) -> list[str]:
    """The receipt fields the latest proof keeps private (JSON names), and the salt."""
    disclosure = _member(_member(bundle_document(_latest(record.proof_bundles)), "circuit"), "disclosure")
    public = disclosure.get("public_fields")
    public_fields = set(public) if isinstance(public, list) else set()
    hidden = [name for name in RECEIPT_FIELD_ORDER if name not in public_fields and name != "receipt_id"]
    return [_JSON_NAMES.get(name, name) for name in hidden] + ["salt"]


def owns_receipt(key: ApiKeyRecord | None, receipt: Receipt) -> bool:
    """Whether ``key`` belongs to the receipt's client or provider."""
    if key is None:
        return False
    return key.subject == (receipt.provider if key.role == "provider" else receipt.client)


def receipt_detail_view(record: ReceiptRecord, key: ApiKeyRecord | None) -> dict[str, Any]:
    """The public view with every bundle and what stayed private; the full receipt only for its owners."""
    view = {
        **receipt_public_view(record),
        "disclosed": _member(bundle_document(_latest(record.proof_bundles)), "disclosed"),
        "private_fields": private_receipt_fields(record),
        "bundles": [bundle_summary(bundle) for bundle in record.proof_bundles],
    }
    if owns_receipt(key, record.receipt):
        view["receipt"] = receipt_to_dict(record.receipt)
    return view


def invoice_public_view(record: InvoiceRecord) -> dict[str, Any]:
    """Invoice id, task kind, the public gas prices and memory limit, commitment, key, signer, verdict."""
    latest = _latest(record.proof_bundles)
    document = bundle_document(latest)
    return {
        "invoice_id": record.invoice.invoice_id,
        "task_kind": record.invoice.task_kind.value,
        "gas_prices": {name: _int(value) for name, value in _member(document, "gas_prices").items()},
        "memory_limit": _int(document.get("memory_limit")),
        "commitment": latest.commitment if latest is not None else None,
        "vk_id": latest.vk_id if latest is not None else None,
        "signer": _text(_member(document, "attestation").get("address")),
        "verified": latest.verified if latest is not None else None,
        "verified_at": latest.verified_at if latest is not None else None,
        "bundle_id": latest.bundle_id if latest is not None else None,
    }


def invoice_signer(invoice: Invoice) -> str | None:
    """The address the accounting signature recovers to, or None if unsigned or unrecoverable."""
    try:
        return recover_invoice_signer(invoice)
    except ZkReceiptError:
        return None


def owns_invoice(key: ApiKeyRecord | None, invoice: Invoice) -> bool:
    """A provider key of the accounting signer's address, or a client key of a line item's account."""
    if key is None:
        return False
    if key.role == "provider":
        return key.subject.lower() == (invoice_signer(invoice) or "").lower()
    return any(key.subject.lower() == item.account.lower() for item in invoice.line_items)


def invoice_detail_view(record: InvoiceRecord, key: ApiKeyRecord | None) -> dict[str, Any]:
    view = {
        **invoice_public_view(record),
        "private_fields": INVOICE_PRIVATE_FIELDS,
        "bundles": [bundle_summary(bundle) for bundle in record.proof_bundles],
    }
    if owns_invoice(key, record.invoice):
        view["invoice"] = invoice_to_dict(record.invoice)
    return view
