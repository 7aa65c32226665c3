"""Prove invoice transcripts into proof bundles and verify them offline.

An invoice proof (circuit ``circuits/invoice.py``) shows that every line
item's amount is usage × the public gas price, that charges equal pays plus
penalties, that peak memory stays within the public limit (function tasks),
and that all of it is bound by a Poseidon commitment. Ids, accounts and usage
stay private. Example::

    policy = InvoicePolicy(InvoiceShape(TaskKind.FUNCTION), memory_limit=1 << 32)
    pk = setup_invoice_keys(policy.shape)
    proven = prove_invoice(invoice, pk, policy, signer="0x…")   # checks the accounting signature first
    verify_invoice_bundle(proven.bundle, pk.vk).ok

The bundle's JSON document::

    {
      "format": "zkreceipt-invoice-proof", "version": 1, "protocol": "groth16", "curve": "bn128",
      "circuit_key": "invoice-v1;kind=function;items=8",
      "shape": {"task_kind": "function", "max_items": 8},
      "memory_limit": 4294967296 | null,                 # public bound (function tasks only)
      "gas_prices": {"step_gas_price_fp": 150, "byte_gas_price_fp": 2},   # nano-tokens, public
      "commitment": "<decimal>",
      "public_signal_names": [...], "public_signals": [...],   # snarkjs public.json
      "proof": {...},                                     # snarkjs proof.json
      "vk_id": "<sha256 hex>",
      "accounting_signature": {"v": 27, "r": "0x…", "s": "0x…"} | null
    }

The salt is never part of a bundle. The accounting signature signs the whole
(private) invoice, so only a holder of the invoice can check it against the bundle.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bundle_format import VK_ID_PATTERN, BundleFormatError, decimal_field, document_field
from .keys import ReceiptKeyPaths, setup_circuit_keys, verification_key_id
from ..circuits.invoice import compile_invoice_circuit
from ..circuits.invoice_policy import InvoicePolicy, InvoiceShape
from ..errors import ProofError, SignatureError, ZkReceiptError
from ..formats.snarkjs_json import proof_from_json, proof_to_json, public_signals_from_json, public_signals_to_json
from ..groth16 import Proof, ProvingKey, VerifyingKey, prove, verify
from ..receipts import AccountingSignature, Invoice, TaskKind, new_salt, verify_invoice
from .statements import check_invoice_policy, invoice_statement

logger = logging.getLogger(__name__)

INVOICE_BUNDLE_FORMAT = "zkreceipt-invoice-proof"
INVOICE_BUNDLE_VERSION = 1
GAS_PRICE_SIGNALS = ("step_gas_price_fp", "byte_gas_price_fp")
_SOURCE = "invoice proof bundle"


@dataclass(frozen=True)
class InvoiceBundle:
    """A Groth16 proof about one invoice, with everything a verifier needs besides the key."""

    policy: InvoicePolicy
    gas_prices: dict[str, int]
    commitment: int
    public_signal_names: tuple[str, ...]
    public_signals: tuple[int, ...]
    proof: Proof
    vk_id: str
    accounting_signature: AccountingSignature | None = None

    @property
    def circuit_key(self) -> str:
        return self.policy.shape.key

    @property
    def public_values(self) -> dict[str, int]:
        return dict(zip(self.public_signal_names, self.public_signals, strict=True))


@dataclass(frozen=True)
class ProvenInvoice:
    """A bundle and the salt of its commitment (private: never publish or log it)."""

    bundle: InvoiceBundle
    salt: int = field(repr=False)


@dataclass(frozen=True)
class InvoiceBundleCheck:
    """Each check of :func:`verify_invoice_bundle`."""

    vk_id: bool
    signals: bool
    proof: bool
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.vk_id and self.signals and self.proof


def invoice_key_paths(shape: InvoiceShape, directory: str | Path | None = None) -> ReceiptKeyPaths:
    """``invoice-KIND-N.zkey`` and ``invoice-KIND-N.verification_key.json`` in a keys directory."""
    base = ReceiptKeyPaths.under(directory).proving_key.parent
    stem = f"invoice-{shape.task_kind.value}-{shape.max_items}"
    return ReceiptKeyPaths(base / f"{stem}.zkey", base / f"{stem}.verification_key.json")


def setup_invoice_keys(shape: InvoiceShape, ptau_path: str | Path | None = None) -> ProvingKey:
    """Keys of the invoice circuit of ``shape`` (development setup, or phase 2 from a .ptau)."""
    return setup_circuit_keys(compile_invoice_circuit(shape).r1cs, ptau_path)


def expected_invoice_signal_names(shape: InvoiceShape) -> tuple[str, ...]:
    """The invoice circuit's public signal names (snarkjs public.json order)."""
    return ("commitment", *GAS_PRICE_SIGNALS, *(("memory_limit",) if shape.meters_memory else ()))


def check_invoice_for_proof(invoice: Invoice, policy: InvoicePolicy, *, signer: str | None = None) -> None:
    """What :func:`prove_invoice` checks before proving, for callers that want it before loading a key.

    SignatureError if ``signer`` is given and the accounting signature does not
    recover to it; PolicyViolation naming the line item (kind, count, balance, memory).
    """
    if signer is not None and not verify_invoice(invoice, signer):
        raise SignatureError(f"accounting_signature: invoice {invoice.invoice_id} is not signed by {signer}")
    check_invoice_policy(invoice, policy)


def prove_invoice(
    invoice: Invoice, proving_key: ProvingKey, policy: InvoicePolicy, *, signer: str | None = None
) -> ProvenInvoice:
    """Prove that ``invoice`` fits ``policy`` (fresh salt); checks first, before any proving.

    SignatureError if ``signer`` is given and the accounting signature does not
    recover to it; PolicyViolation naming the line item (kind, count, balance,
    memory); ProofError if the key is for another circuit.
    """
    check_invoice_for_proof(invoice, policy, signer=signer)
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
        public_signal_names=statement.public_signal_names,
        public_signals=statement.public_signals,
        proof=proof,
        vk_id=verification_key_id(proving_key.vk),
        accounting_signature=invoice.accounting_signature,
    )
    logger.info("proved invoice", extra={"invoice_id": invoice.invoice_id})
    return ProvenInvoice(bundle, salt)


def _signal_problems(bundle: InvoiceBundle) -> list[str]:
    if bundle.public_signal_names != expected_invoice_signal_names(bundle.policy.shape):
        return [f"public signal names {list(bundle.public_signal_names)} do not match the circuit {bundle.circuit_key}"]
    expected = {"commitment": bundle.commitment, **bundle.gas_prices}
    if bundle.policy.memory_limit is not None:
        expected["memory_limit"] = bundle.policy.memory_limit
    values = bundle.public_values
    return [
        f"public signal {name} does not match the bundle's {name}" for name, v in expected.items() if values[name] != v
    ]


def verify_invoice_bundle(bundle: InvoiceBundle, vk: VerifyingKey) -> InvoiceBundleCheck:
    """Check ``bundle`` against the trusted ``vk``: key id, public signals, then the pairing."""
    vk_ok = bundle.vk_id == verification_key_id(vk) and vk.n_public == len(bundle.public_signals)
    signal_problems = _signal_problems(bundle)
    problems = ([] if vk_ok else ["the bundle was made for another verification key"]) + signal_problems
    signals_ok = not signal_problems
    proof_ok = vk_ok and verify(vk, list(bundle.public_signals), bundle.proof)
    if not proof_ok:
        problems.append("the proof does not verify")
    return InvoiceBundleCheck(vk_ok, signals_ok, proof_ok, tuple(problems))


def invoice_bundle_to_json(bundle: InvoiceBundle) -> dict[str, Any]:
    """The bundle as a JSON-ready dict (see the module docstring)."""
    signature = bundle.accounting_signature
    shape = bundle.policy.shape
    return {
        "format": INVOICE_BUNDLE_FORMAT,
        "version": INVOICE_BUNDLE_VERSION,
        "protocol": "groth16",
        "curve": "bn128",
        "circuit_key": bundle.circuit_key,
        "shape": {"task_kind": shape.task_kind.value, "max_items": shape.max_items},
        "memory_limit": bundle.policy.memory_limit,
        "gas_prices": dict(bundle.gas_prices),
        "commitment": str(bundle.commitment),
        "public_signal_names": list(bundle.public_signal_names),
        "public_signals": public_signals_to_json(bundle.public_signals),
        "proof": proof_to_json(bundle.proof),
        "vk_id": bundle.vk_id,
        "accounting_signature": None
        if signature is None
        else {"v": signature.v, "r": f"0x{signature.r:064x}", "s": f"0x{signature.s:064x}"},
    }


def invoice_bundle_to_text(bundle: InvoiceBundle) -> str:
    return json.dumps(invoice_bundle_to_json(bundle), indent=1) + "\n"


def _word(document: dict[str, Any], key: str) -> int:
    text = document_field(document, key, str, _SOURCE)
    if len(text) != 66 or not text.startswith("0x"):
        raise BundleFormatError(f"{_SOURCE}: accounting_signature.{key} must be 0x and 64 hex digits")
    try:
        return int(text, 16)
    except ValueError:
        raise BundleFormatError(f"{_SOURCE}: accounting_signature.{key} must be 0x and 64 hex digits") from None


def invoice_bundle_from_json(document: Any) -> InvoiceBundle:
    """Parse an invoice bundle document; BundleFormatError naming the field if it is malformed."""
    if not isinstance(document, dict):
        raise BundleFormatError(f"{_SOURCE}: expected a JSON object, got {type(document).__name__}")
    if document_field(document, "format", str, _SOURCE) != INVOICE_BUNDLE_FORMAT:
        raise BundleFormatError(f"{_SOURCE}: field 'format' must be {INVOICE_BUNDLE_FORMAT!r}")
    if document_field(document, "version", int, _SOURCE) != INVOICE_BUNDLE_VERSION:
        raise BundleFormatError(f"{_SOURCE}: version {document['version']} is not supported")
    names = document_field(document, "public_signal_names", list, _SOURCE)
    try:
        shape_doc = document_field(document, "shape", dict, _SOURCE)
        shape = InvoiceShape(
            TaskKind(document_field(shape_doc, "task_kind", str, _SOURCE)),
            document_field(shape_doc, "max_items", int, _SOURCE),
        )
        policy = InvoicePolicy(shape, document_field(document, "memory_limit", (int, type(None)), _SOURCE))
        prices_doc = document_field(document, "gas_prices", dict, _SOURCE)
        gas_prices = {name: document_field(prices_doc, name, int, _SOURCE) for name in GAS_PRICE_SIGNALS}
        signature_doc = document_field(document, "accounting_signature", (dict, type(None)), _SOURCE)
        signature = (
            None
            if signature_doc is None
            else AccountingSignature(
                document_field(signature_doc, "v", int, _SOURCE), _word(signature_doc, "r"), _word(signature_doc, "s")
            )
        )
        proof = proof_from_json(document_field(document, "proof", dict, _SOURCE), source=f"{_SOURCE} field 'proof'")
        signals = public_signals_from_json(
            document_field(document, "public_signals", list, _SOURCE), source=f"{_SOURCE} field 'public_signals'"
        )
    except BundleFormatError:
        raise
    except (ZkReceiptError, ValueError, TypeError) as error:
        raise BundleFormatError(f"{_SOURCE}: {error}") from None
    if document_field(document, "circuit_key", str, _SOURCE) != shape.key:
        raise BundleFormatError(f"{_SOURCE}: field 'circuit_key' does not match the shape ({shape.key})")
    if not all(isinstance(name, str) for name in names) or len(names) != len(signals):
        raise BundleFormatError(f"{_SOURCE}: {len(signals)} public signals but {len(names)} public signal names")
    vk_id = document_field(document, "vk_id", str, _SOURCE)
    if not VK_ID_PATTERN.fullmatch(vk_id):
        raise BundleFormatError(f"{_SOURCE}: field 'vk_id' must be 64 lowercase hex characters")
    return InvoiceBundle(
        policy=policy,
        gas_prices=gas_prices,
        commitment=decimal_field("commitment", document_field(document, "commitment", str, _SOURCE), _SOURCE),
        public_signal_names=tuple(names),
        public_signals=tuple(signals),
        proof=proof,
        vk_id=vk_id,
        accounting_signature=signature,
    )
