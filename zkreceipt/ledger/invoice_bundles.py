"""Prove invoice transcripts into attested proof bundles and verify them against the verifier's trust profile.

An invoice proof (circuit ``circuits/invoice.py``) shows that every line
item's amount is usage × the public gas price, that charges equal pays plus
penalties, that peak memory stays within the public limit (function tasks),
and that all of it is bound by a Poseidon commitment. Ids, accounts and usage
stay private. Example::

    policy = InvoicePolicy(InvoiceShape(TaskKind.FUNCTION), memory_limit=1 << 32)
    pk = setup_invoice_keys(policy.shape)
    proven = prove_invoice(invoice, pk, policy, trusted_signers={"0x…"}, accounting_key=key)
    verify_invoice_bundle(proven.bundle, load_trust_profile()).ok

The bundle's JSON document (version 2)::

    {
      "format": "zkreceipt-invoice-proof", "version": 2, "protocol": "groth16", "curve": "bn128",
      "vk_id": "<64 hex: the key and its circuit identity>",
      "circuit": {"family": "invoice", "version": 1, "key": "invoice-v1;kind=function;items=8",
                  "public_signals": [...], "invoice": {"task_kind": "function", "max_items": 8}},
      "memory_limit": 4294967296 | null,                 # public bound (function tasks only)
      "gas_prices": {"step_gas_price_fp": 150, "byte_gas_price_fp": 2},   # nano-tokens, public
      "commitment": "<decimal>",
      "public_signals": [...],                            # snarkjs public.json
      "proof": {...},                                     # snarkjs proof.json
      "attestation": {"alg": "secp256k1", "address": "0x…", "v": 27, "r": "0x…", "s": "0x…"} | null
    }

The attestation is an EIP-191 signature by the prover's accounting key over
the bundle without its attestation (see :mod:`zkreceipt.ledger.attestation`);
the verifier recovers the address and checks it is one of its trusted
``invoice_signers``. The invoice's own accounting signature covers private
fields, so it is checked by the prover (against its trusted signers) and never
published; neither is the salt.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..circuits.invoice import compile_invoice_circuit
from ..circuits.invoice_policy import InvoicePolicy, InvoiceShape
from ..errors import ProofError, SignatureError, ZkReceiptError
from ..formats.snarkjs_json import proof_from_json, proof_to_json, public_signals_from_json, public_signals_to_json
from ..groth16 import Proof, ProvingKey, prove, verify
from ..receipts import Invoice, new_salt, recover_invoice_signer
from ..receipts.secp256k1_keys import AccountingKey, normalize_address
from .attestation import AccountingAttestation, attest_accounting, check_accounting_attestation, statement_bytes
from .bundle_format import (
    BundleFormatError,
    check_header,
    check_signal_count,
    decimal_field,
    document_field,
    parse_circuit,
    parse_vk_id,
)
from .bundles import (
    BundleCheck,
    check_to_json,
    claim_problems,
    first_checks,
    pairing_key,
    signer_problems,
    with_proof,
)
from .identity import GAS_PRICE_SIGNALS, INVOICE_FAMILY, CircuitIdentity, invoice_identity, invoice_signal_names
from .keys import ReceiptKeyPaths, setup_circuit_keys, verification_key_id
from .statements import check_invoice_policy, invoice_statement
from .trust import TrustProfile

logger = logging.getLogger(__name__)

INVOICE_BUNDLE_FORMAT = "zkreceipt-invoice-proof"
INVOICE_BUNDLE_VERSION = 2
STATEMENT_KIND = "invoice_proof"
_SOURCE = "invoice proof bundle"
_MEMBERS = (
    "format", "version", "protocol", "curve", "vk_id", "circuit", "memory_limit", "gas_prices",
    "commitment", "public_signals", "proof", "attestation",
)  # fmt: skip

InvoiceBundleCheck = BundleCheck
expected_invoice_signal_names = invoice_signal_names

__all__ = [
    "INVOICE_BUNDLE_FORMAT",
    "BundleFormatError",
    "InvoiceBundle",
    "InvoiceBundleCheck",
    "ProvenInvoice",
    "check_invoice_for_proof",
    "check_to_json",
    "invoice_bundle_from_json",
    "invoice_bundle_to_json",
    "invoice_bundle_to_text",
    "invoice_key_paths",
    "prove_invoice",
    "setup_invoice_keys",
    "verify_invoice_bundle",
]


@dataclass(frozen=True)
class InvoiceBundle:
    """A Groth16 proof about one invoice and what it claims; the policy's shape is the *claimed* circuit."""

    policy: InvoicePolicy
    gas_prices: dict[str, int]
    commitment: int
    public_signals: tuple[int, ...]
    proof: Proof
    vk_id: str
    attestation: AccountingAttestation | None = None

    @property
    def identity(self) -> CircuitIdentity:
        return invoice_identity(self.policy.shape)

    @property
    def circuit_key(self) -> str:
        return self.policy.shape.key

    @property
    def public_signal_names(self) -> tuple[str, ...]:
        return self.identity.public_signals

    @property
    def public_values(self) -> dict[str, int]:
        return dict(zip(self.public_signal_names, self.public_signals, strict=True))


@dataclass(frozen=True)
class ProvenInvoice:
    """A bundle and the salt of its commitment (private: never publish or log it)."""

    bundle: InvoiceBundle
    salt: int = field(repr=False)


def invoice_key_paths(shape: InvoiceShape, directory: str | Path | None = None) -> ReceiptKeyPaths:
    """The pair folder ``invoice-KIND-N/`` of a keys directory: ``invoice-KIND-N.zkey`` and ``verification_key.json``."""
    stem = f"invoice-{shape.task_kind.value}-{shape.max_items}"
    return ReceiptKeyPaths.pair(stem, f"{stem}.zkey", directory)


def setup_invoice_keys(shape: InvoiceShape, ptau_path: str | Path | None = None) -> ProvingKey:
    """Keys of the invoice circuit of ``shape`` (development setup, or phase 2 from a .ptau)."""
    return setup_circuit_keys(compile_invoice_circuit(shape).r1cs, ptau_path)


def check_invoice_for_proof(invoice: Invoice, policy: InvoicePolicy, *, trusted_signers: Collection[str]) -> None:
    """What :func:`prove_invoice` checks before proving, for callers that want it before loading a key.

    SignatureError unless the accounting signature recovers to one of
    ``trusted_signers`` (addresses; an empty collection trusts no one);
    PolicyViolation naming the line item (kind, count, balance, memory).
    """
    trusted = {normalize_address(address) for address in trusted_signers}
    signer = recover_invoice_signer(invoice)
    if signer not in trusted:
        raise SignatureError(f"accounting_signature: invoice {invoice.invoice_id} is signed by {signer}, not a trusted signer")
    check_invoice_policy(invoice, policy)


def statement_of(bundle: InvoiceBundle) -> bytes:
    """The bytes the attestation signs: the bundle without its attestation."""
    document = invoice_bundle_to_json(bundle)
    del document["attestation"]
    return statement_bytes(STATEMENT_KIND, document)


def prove_invoice(
    invoice: Invoice,
    proving_key: ProvingKey,
    policy: InvoicePolicy,
    *,
    trusted_signers: Collection[str],
    accounting_key: AccountingKey,
) -> ProvenInvoice:
    """Prove that ``invoice`` fits ``policy`` (fresh salt) and attest the bundle with ``accounting_key``.

    Checks first, before any proving: the accounting signature (SignatureError),
    the line items (PolicyViolation), the key's circuit (ProofError).
    """
    if not isinstance(accounting_key, AccountingKey):
        raise SignatureError(f"accounting key: must be an AccountingKey, got {type(accounting_key).__name__}")
    check_invoice_for_proof(invoice, policy, trusted_signers=trusted_signers)
    salt = new_salt()
    statement = invoice_statement(invoice, policy, salt)
    stats = statement.compiled.stats
    if proving_key.vk.n_public != stats.n_public or len(proving_key.a_query) != stats.n_wires:
        raise ProofError(f"proving key: made for another circuit, not the invoice circuit {statement.circuit_key}")
    proof = prove(proving_key, statement.solve().values)
    values = statement.public_values
    bundle = InvoiceBundle(
        policy=policy,
        gas_prices={name: values[name] for name in GAS_PRICE_SIGNALS},
        commitment=values["commitment"],
        public_signals=statement.public_signals,
        proof=proof,
        vk_id=verification_key_id(proving_key.vk, invoice_identity(policy.shape)),
    )
    bundle = replace(bundle, attestation=attest_accounting(statement_of(bundle), accounting_key))
    logger.info("proved invoice", extra={"invoice_id": invoice.invoice_id})
    return ProvenInvoice(bundle, salt)


def verify_invoice_bundle(
    bundle: InvoiceBundle, profile: TrustProfile, *, allow_untrusted_signer: bool = False
) -> BundleCheck:
    """Check ``bundle`` against the verifier's ``profile``; fails closed.

    The key must be trusted for this invoice circuit; the bundle's gas prices,
    memory limit and commitment must be its public signals; the gas prices must
    be a trusted pair and the memory limit at most the trusted one; the
    attestation must recover to a trusted accounting address (an unknown or
    missing signer is waived by ``allow_untrusted_signer``); then the pairing.
    """
    if not isinstance(profile, TrustProfile):
        raise ProofError(f"profile: must be a TrustProfile, got {type(profile).__name__}")
    signer = check_accounting_attestation(statement_of(bundle), bundle.attestation, profile.invoice_signers)
    key = profile.keys.get(bundle.vk_id)
    check, problems = first_checks(bundle, key, signer, INVOICE_FAMILY, allow_untrusted_signer)
    if not problems and key is not None:
        values = dict(zip(key.identity.public_signals, bundle.public_signals, strict=True))
        policy = {name: values[name] for name in key.identity.public_signals if name != "commitment"}
        claims = {"commitment": bundle.commitment, **bundle.gas_prices}
        if bundle.policy.memory_limit is not None:
            claims["memory_limit"] = bundle.policy.memory_limit
        problems += claim_problems(claims, values) + profile.invoice_policy.problems(policy)
        check = replace(check, policy=policy, commitment=values["commitment"])
    check = replace(check, problems=(*problems, *signer_problems(signer, allow_untrusted_signer)))
    usable = pairing_key(key, bundle, INVOICE_FAMILY)
    return with_proof(check, None if usable is None else verify(usable.vk, list(bundle.public_signals), bundle.proof))


def invoice_bundle_to_json(bundle: InvoiceBundle) -> dict[str, Any]:
    """The bundle as a JSON-ready dict (see the module docstring)."""
    return {
        "format": INVOICE_BUNDLE_FORMAT,
        "version": INVOICE_BUNDLE_VERSION,
        "protocol": "groth16",
        "curve": "bn128",
        "vk_id": bundle.vk_id,
        "circuit": bundle.identity.to_json(),
        "memory_limit": bundle.policy.memory_limit,
        "gas_prices": dict(bundle.gas_prices),
        "commitment": str(bundle.commitment),
        "public_signals": public_signals_to_json(bundle.public_signals),
        "proof": proof_to_json(bundle.proof),
        "attestation": bundle.attestation.to_json() if bundle.attestation is not None else None,
    }


def invoice_bundle_to_text(bundle: InvoiceBundle) -> str:
    return json.dumps(invoice_bundle_to_json(bundle), indent=1) + "\n"


def invoice_bundle_from_json(document: Any) -> InvoiceBundle:
    """Parse an invoice bundle document; BundleFormatError naming the field if it is malformed."""
    document = check_header(document, _MEMBERS, INVOICE_BUNDLE_FORMAT, INVOICE_BUNDLE_VERSION, _SOURCE)
    vk_id = parse_vk_id(document, _SOURCE)
    try:
        identity = parse_circuit(document, INVOICE_FAMILY, _SOURCE)
        policy = InvoicePolicy(identity.shape, document_field(document, "memory_limit", (int, type(None)), _SOURCE))  # type: ignore[arg-type]
        prices_doc = document_field(document, "gas_prices", dict, _SOURCE)
        gas_prices = {name: document_field(prices_doc, name, int, _SOURCE) for name in GAS_PRICE_SIGNALS}
        attestation_doc = document_field(document, "attestation", (dict, type(None)), _SOURCE)
        attestation = None if attestation_doc is None else AccountingAttestation.from_json(attestation_doc)
        proof = proof_from_json(document_field(document, "proof", dict, _SOURCE), source=f"{_SOURCE} field 'proof'")
        signals = public_signals_from_json(
            document_field(document, "public_signals", list, _SOURCE), source=f"{_SOURCE} field 'public_signals'"
        )
    except BundleFormatError:
        raise
    except (ZkReceiptError, ValueError, TypeError) as error:
        raise BundleFormatError(f"{_SOURCE}: {error}") from None
    check_signal_count(signals, identity, _SOURCE)
    return InvoiceBundle(
        policy=policy,
        gas_prices=gas_prices,
        commitment=decimal_field("commitment", document_field(document, "commitment", str, _SOURCE), _SOURCE),
        public_signals=tuple(signals),
        proof=proof,
        vk_id=vk_id,
        attestation=attestation,
    )
