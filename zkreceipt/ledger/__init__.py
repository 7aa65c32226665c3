"""The receipts application: statements, proof bundles and their keys, the store, logs and the home folder.

Everything a face (the CLI, the service, the cluster, the chain export) does
with receipts and invoices goes through here:

=================  =====================================================================
``home``           ``$ZKRECEIPT_HOME`` (keys, store, audit log live there)
``statements``     a receipt or invoice plus a policy → the circuit's inputs
``keys``           Groth16 keys of the receipt and invoice circuits, the verification-key id
``bundle_format``  the receipt proof bundle and its JSON form
``bundles``        prove receipts into bundles; verify bundles
``invoice_bundles``  the same for invoice transcripts
``store``          receipts, bundles and key metadata in one database
``logs``           structured JSON logs and the append-only audit log
=================  =====================================================================

The names below are loaded on first use, so that importing a light module
(``home``, ``store``) does not pull in the compiled proving core.
"""

from __future__ import annotations

import importlib
from typing import Any

_FACE = {
    "zkreceipt_home": "home",
    "ProofBundle": "bundle_format",
    "BundleFormatError": "bundle_format",
    "bundle_from_json": "bundle_format",
    "bundle_to_json": "bundle_format",
    "BundleCheck": "bundles",
    "ProvenReceipt": "bundles",
    "prove_receipt": "bundles",
    "prove_receipts": "bundles",
    "verify_bundle": "bundles",
    "verify_bundles": "bundles",
    "setup_receipt_keys": "keys",
    "verification_key_id": "keys",
    "ReceiptStore": "store",
    "AuditLog": "logs",
}

__all__ = sorted(_FACE)


def __getattr__(name: str) -> Any:
    if name not in _FACE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_FACE[name]}", __name__), name)
