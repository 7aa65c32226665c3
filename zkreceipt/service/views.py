"""What the service shows: the public view of a receipt or invoice, and the private view for its owners.

The public view comes from the stored bundle only (what was proven and
disclosed), never from the stored receipt's private columns: a model or price
the proof keeps private is not shown, even though the store knows it. The
receipt id is the explorer's index and is shown; the proof does not disclose it.
"""

from __future__ import annotations

from typing import Any

from ..receipts import Invoice, Receipt, invoice_to_dict, receipt_to_dict
from ..receipts.field_encoding import RECEIPT_FIELD_ORDER
from ..receipts.fixed_point import TOKEN_DECIMALS, fixed_to_text
from .api_keys import ROLES
from .repository import ApiKeyRecord, InvoiceEntry, ReceiptEntry, StoredBundle
from .verdicts import invoice_signer

#: Receipt JSON names of the fixed-point field elements.
_JSON_NAMES = {"units_fp": "units", "price_fp": "price"}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _signer(document: dict[str, Any]) -> str | None:
    attestation = document.get("attestation")
    if isinstance(attestation, dict) and isinstance(attestation.get("key_id"), str):
        return attestation["key_id"]
    signer = document.get("signer_key_id")
    return signer if isinstance(signer, str) else None


def bundle_summary(bundle: StoredBundle, family: str = "receipt") -> dict[str, Any]:
    """A stored bundle's id, key, verdict and where to download it."""
    path = "bundles" if family == "receipt" else "invoices/bundles"
    return {
        "bundle_id": bundle.bundle_id,
        "kind": bundle.kind,
        "vk_id": bundle.vk_id,
        "circuit": bundle.document.get("circuit_key"),
        "created_at": bundle.created_at,
        "verified": bundle.verified,
        "verified_at": bundle.verified_at,
        "problems": list(bundle.problems),
        "url": f"/api/v1/{path}/{bundle.bundle_id}",
    }


def receipt_public_view(entry: ReceiptEntry) -> dict[str, Any]:
    """Receipt id, model and price if disclosed, commitment, window, bounds, key, signer, verdict (latest bundle)."""
    latest = entry.bundles[-1] if entry.bundles else None
    document = latest.document if latest is not None else {}
    disclosed = document.get("disclosed") if isinstance(document.get("disclosed"), dict) else {}
    policy = document.get("policy") if isinstance(document.get("policy"), dict) else {}
    price_fp = _int(disclosed.get("price_fp"))
    model = disclosed.get("model")
    return {
        "receipt_id": entry.receipt_id,
        "model": model if isinstance(model, str) else None,
        "price": None if price_fp is None else fixed_to_text(price_fp, TOKEN_DECIMALS),
        "commitment": latest.commitment if latest is not None else None,
        "window": {"not_before": _int(policy.get("not_before")), "not_after": _int(policy.get("not_after"))},
        "bounds": {"max_duration": _int(policy.get("max_duration")), "gpu_count": _int(policy.get("gpu_count"))},
        "vk_id": latest.vk_id if latest is not None else None,
        "signer": _signer(document),
        "verified": latest.verified if latest is not None else None,
        "verified_at": latest.verified_at if latest is not None else None,
        "bundle_id": latest.bundle_id if latest is not None else None,
    }


def private_receipt_fields(entry: ReceiptEntry) -> list[str]:
    """The receipt fields the latest proof keeps private (JSON names), and the salt."""
    latest = entry.bundles[-1] if entry.bundles else None
    disclosure = latest.document.get("disclosure") if latest is not None else None
    public = disclosure.get("public_fields") if isinstance(disclosure, dict) else None
    public_fields = set(public) if isinstance(public, list) else set()
    hidden = [name for name in RECEIPT_FIELD_ORDER if name not in public_fields and name != "receipt_id"]
    return [_JSON_NAMES.get(name, name) for name in hidden] + ["salt"]


def owns_receipt(key: ApiKeyRecord | None, receipt: Receipt) -> bool:
    """Whether ``key`` belongs to the receipt's client or provider."""
    if key is None or key.role not in ROLES:
        return False
    return key.subject == (receipt.provider if key.role == "provider" else receipt.client)


def receipt_detail_view(entry: ReceiptEntry, key: ApiKeyRecord | None) -> dict[str, Any]:
    """The public view with every bundle and what stayed private; the full receipt only for its owners."""
    latest = entry.bundles[-1] if entry.bundles else None
    document = latest.document if latest is not None else {}
    view = {
        **receipt_public_view(entry),
        "disclosed": document.get("disclosed") if isinstance(document.get("disclosed"), dict) else {},
        "private_fields": private_receipt_fields(entry),
        "bundles": [bundle_summary(bundle) for bundle in entry.bundles],
    }
    if owns_receipt(key, entry.receipt):
        view["receipt"] = receipt_to_dict(entry.receipt)
    return view


def invoice_public_view(entry: InvoiceEntry) -> dict[str, Any]:
    """Invoice id, task kind, the public gas prices and memory limit, commitment, key, verdict."""
    latest = entry.bundles[-1] if entry.bundles else None
    document = latest.document if latest is not None else {}
    prices = document.get("gas_prices") if isinstance(document.get("gas_prices"), dict) else {}
    return {
        "invoice_id": entry.invoice.invoice_id,
        "task_kind": entry.invoice.task_kind.value,
        "gas_prices": {name: _int(value) for name, value in prices.items()},
        "memory_limit": _int(document.get("memory_limit")),
        "commitment": latest.commitment if latest is not None else None,
        "vk_id": latest.vk_id if latest is not None else None,
        "verified": latest.verified if latest is not None else None,
        "verified_at": latest.verified_at if latest is not None else None,
        "bundle_id": latest.bundle_id if latest is not None else None,
    }


def owns_invoice(key: ApiKeyRecord | None, invoice: Invoice) -> bool:
    """A provider key of the accounting signer's address, or a client key of a line item's account."""
    if key is None:
        return False
    if key.role == "provider":
        return key.subject.lower() == (invoice_signer(invoice) or "").lower()
    return key.role == "client" and any(key.subject.lower() == item.account.lower() for item in invoice.line_items)


def invoice_detail_view(entry: InvoiceEntry, key: ApiKeyRecord | None) -> dict[str, Any]:
    view = {
        **invoice_public_view(entry),
        "private_fields": ["executionId", "taskId", "taskCreated_timeStamp", "lineItem", "salt"],
        "bundles": [bundle_summary(bundle, "invoice") for bundle in entry.bundles],
    }
    if owns_invoice(key, entry.invoice):
        view["invoice"] = invoice_to_dict(entry.invoice)
    return view
