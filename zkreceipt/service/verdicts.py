"""Verdicts and what the server trusts, as plain data (light to import).

They cross from the verifier (a thread or a process of its own, see :mod:`.verifier_host`) to the
routes, so they hold only JSON-ready values. A :class:`Verdict` has the shape of ``zkreceipt verify
--json`` (``check_to_json``) plus the bundle's family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..receipts import Invoice, Receipt

#: The ``format`` of an invoice bundle document (as ``ledger.invoice_bundles``, without importing it here).
INVOICE_BUNDLE_FORMAT = "zkreceipt-invoice-proof"
RECEIPT_BUNDLE_KIND = "groth16-receipt"
INVOICE_BUNDLE_KIND = "groth16-invoice"


@dataclass(frozen=True)
class Verdict:
    """What the server concluded about one bundle, with every reason it is not valid.

    As ``zkreceipt verify --json``: ``circuit`` is the identity the server
    trusts the bundle's key for (None: the key is not trusted); ``signer`` the
    attestation's key id (receipts) or address (invoices), ``signer_trusted``
    whether it is a trusted signer whose signature verifies (the service never
    waives the signer); ``policy``, ``disclosed``, ``commitment``: what the
    proof's public signals say, read through the trusted key; ``private``:
    what stayed private; ``proof``: whether the pairing check passed.
    """

    valid: bool
    problems: tuple[str, ...]
    family: str | None = None
    vk_id: str | None = None
    circuit: dict[str, Any] | None = None
    signer: str | None = None
    signer_trusted: bool = False
    policy: dict[str, int] = field(default_factory=dict)
    rate: str | None = None
    disclosed: dict[str, str | int] = field(default_factory=dict)
    private: tuple[str, ...] = ()
    commitment: str | None = None
    proof: bool = False

    @classmethod
    def of_check(cls, family: str, document: Mapping[str, Any]) -> Verdict:
        """The verdict of a check in its ``check_to_json`` form."""
        signer = document["signer"]
        return cls(
            valid=document["valid"],
            problems=tuple(document["problems"]),
            family=family,
            vk_id=document["vk_id"],
            circuit=document["circuit"],
            signer=signer["id"],
            signer_trusted=signer["trusted"],
            policy=dict(document["policy"]),
            rate=document["rate"],
            disclosed=dict(document["disclosed"]),
            private=tuple(document["private"]),
            commitment=document["commitment"],
            proof=document["proof"],
        )

    def refused(self, *problems: str) -> Verdict:
        """This verdict, invalid, with ``problems`` added to its reasons."""
        return Verdict(**{**self.__dict__, "valid": False, "problems": (*self.problems, *problems)})

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "problems": list(self.problems),
            "family": self.family,
            "vk_id": self.vk_id,
            "circuit": self.circuit,
            "signer": {"id": self.signer, "trusted": self.signer_trusted, "checked": True},
            "policy": dict(self.policy),
            "rate": self.rate,
            "disclosed": dict(self.disclosed),
            "private": list(self.private),
            "commitment": self.commitment,
            "proof": self.proof,
        }


def invalid(problem: str, family: str | None = None) -> Verdict:
    return Verdict(False, (problem,), family)


@dataclass(frozen=True)
class Submission:
    """A checked submission: the verdict, and what to store (only if valid): the document and the bundle text."""

    verdict: Verdict
    owner_id: str | None = None
    document: Receipt | Invoice | None = None
    bundle_json: str | None = None


@dataclass(frozen=True)
class TrustSummary:
    """What the server's trust profile trusts, as plain data for the routes and the explorer.

    ``keys``: trusted key id → circuit key; ``rate_tables``: trusted root → (depth,
    {model: rate in tokens}); the receipt signers' key ids and the invoice signers' addresses.
    """

    source: str
    keys: dict[str, str] = field(default_factory=dict)
    rate_tables: dict[int, tuple[int, dict[str, str]]] = field(default_factory=dict)
    receipt_signers: tuple[str, ...] = ()
    invoice_signers: tuple[str, ...] = ()

    def rate_of(self, root: object, model: object) -> str | None:
        """The trusted rate of ``model`` in the table whose root is ``root``, or None."""
        table = self.rate_tables.get(root) if isinstance(root, int) else None
        return table[1].get(model) if table is not None and isinstance(model, str) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "keys": [{"vk_id": vk_id, "circuit": circuit} for vk_id, circuit in sorted(self.keys.items())],
            "rate_table_roots": [str(root) for root in sorted(self.rate_tables)],
            "receipt_signers": list(self.receipt_signers),
            "invoice_signers": list(self.invoice_signers),
        }
