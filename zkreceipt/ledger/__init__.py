"""The receipts application: statements, proof bundles and their keys, the store, logs and the home folder.

Everything a face (the CLI, the service, the cluster, the chain export) does
with receipts and invoices goes through here:

=================  =====================================================================
``home``           ``$ZKRECEIPT_HOME`` (keys, store, trust profile, audit log live there)
``statements``     a receipt or invoice plus a policy → the circuit's inputs
``identity``       circuit identities and the verification-key id that commits to one
``keys``           Groth16 key pairs of the receipt and invoice circuits (atomic pair folders)
``trust``          the verifier's trust profile: keys, rate tables, policy bounds, signers
``attestation``    the prover's signature over a bundle's public statement
``bundle_format``  the receipt proof bundle and its JSON form
``bundles``        prove receipts into bundles; verify bundles against a trust profile
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
    "check_to_json": "bundles",
    "prove_receipt": "bundles",
    "prove_receipts": "bundles",
    "verify_bundle": "bundles",
    "verify_bundles": "bundles",
    "InvoiceBundle": "invoice_bundles",
    "prove_invoice": "invoice_bundles",
    "verify_invoice_bundle": "invoice_bundles",
    "CircuitIdentity": "identity",
    "invoice_identity": "identity",
    "receipt_identity": "identity",
    "verification_key_id": "identity",
    "setup_receipt_keys": "keys",
    "TrustProfile": "trust",
    "TrustedKey": "trust",
    "TrustedRateTable": "trust",
    "PolicyBounds": "trust",
    "default_trust_path": "trust",
    "default_trust_profile": "trust",
    "load_trust_profile": "trust",
    "save_trust_profile": "trust",
    "update_trust_profile": "trust",
    "ReceiptStore": "store",
    "AuditLog": "logs",
}

__all__ = sorted(_FACE)


def __getattr__(name: str) -> Any:
    if name not in _FACE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_FACE[name]}", __name__), name)
