"""Verdicts: what the service concluded about a bundle or a submission (plain data, light to import).

They cross from the verifier (a thread or a process of its own, see :mod:`.verifier_host`) to the
routes, so they hold only JSON-ready values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ZkReceiptError
from ..receipts import Invoice, Receipt, recover_invoice_signer

#: The ``format`` of an invoice bundle document (as ``ledger.invoice_bundles``, without importing it here).
INVOICE_BUNDLE_FORMAT = "zkreceipt-invoice-proof"
RECEIPT_BUNDLE_KIND = "groth16-receipt"
INVOICE_BUNDLE_KIND = "groth16-invoice"


@dataclass(frozen=True)
class Verdict:
    """What the server concluded about one bundle, with every reason it is not valid.

    ``signer_trusted`` is None when the signer could not be checked from the
    bundle alone (today's bundles: the receipt signature covers private fields).
    """

    valid: bool
    problems: tuple[str, ...]
    family: str | None = None
    vk_id: str | None = None
    circuit: str | None = None
    signer: str | None = None
    signer_trusted: bool | None = None
    commitment: str | None = None
    policy: dict[str, int | None] = field(default_factory=dict)
    disclosed: dict[str, str | int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "problems": list(self.problems),
            "family": self.family,
            "vk_id": self.vk_id,
            "circuit": self.circuit,
            "signer": self.signer,
            "signer_trusted": self.signer_trusted,
            "commitment": self.commitment,
            "policy": dict(self.policy),
            "disclosed": dict(self.disclosed),
        }


def invalid(problem: str) -> Verdict:
    return Verdict(False, (problem,))


@dataclass(frozen=True)
class Submission:
    """A checked submission: the stored forms, and the verdict (stored only if valid)."""

    verdict: Verdict
    owner_id: str | None = None
    document: Receipt | Invoice | None = None
    bundle_json: str | None = None


def invoice_signer(invoice: Invoice) -> str | None:
    """The address the accounting signature recovers to, or None if unsigned or unrecoverable."""
    if invoice.accounting_signature is None:
        return None
    try:
        return recover_invoice_signer(invoice)
    except ZkReceiptError:
        return None
