"""The proof bundle: what a provider publishes about one receipt, and its JSON form (version 2).

A bundle is an untrusted document: everything in it is a *claim*, checked by
:func:`zkreceipt.ledger.bundles.verify_bundle` against the verifier's trust
profile. Its JSON document::

    {
      "format": "zkreceipt-receipt-proof", "version": 2,
      "protocol": "groth16", "curve": "bn128",
      "vk_id": "<64 hex: the key and its circuit identity>",
      "circuit": {"family": "receipt", "version": 1, "key": "receipt-v1;rate=table:4;public=model,price_fp",
                  "public_signals": ["commitment", "not_before", …], "disclosure": {…}},
      "policy": {"not_before": 1737676800, "not_after": 1737763199, "max_duration": 86400, "gpu_count": 1},
      "disclosed": {"model": "llama3.2", "price_fp": 5000000},
      "commitment": "<decimal>",
      "public_signals": ["<decimal>", ...],             # snarkjs public.json, in circuit.public_signals order
      "proof": {...},                                   # snarkjs proof.json
      "attestation": {"alg": "Ed25519", "key_id": "<16 hex>", "sig": "<128 hex>"} | null
    }

``disclosed`` maps the public receipt fields (names of ``RECEIPT_FIELD_ORDER``)
to their values: text for ids, names and model; integers for the fixed-point
amounts (``units_fp`` milli-units, ``price_fp`` micro-tokens) and timestamps.
The ``attestation`` is the provider's Ed25519 signature over
:func:`statement_of` (see :mod:`zkreceipt.ledger.attestation`). The salt and the
receipt's own signature (which covers private fields) are never part of a bundle.
Parsing checks the proof's points are on their curves; whether B lies in G2 is
checked by the verifier before it pairs (see :func:`zkreceipt.ledger.bundles.verify_bundles`).
Version 1 bundles (no circuit identity, no attestation) are refused: re-prove.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..circuits.receipt_policy import POLICY_INPUT_NAMES, ReceiptDisclosure, ReceiptPolicy
from ..errors import FormatError, ZkReceiptError
from ..formats.snarkjs_json import (
    MAX_DOCUMENT_BYTES,
    proof_from_json,
    proof_to_json,
    public_signals_from_json,
    public_signals_to_json,
)
from ..groth16 import Proof
from ..receipts import RECEIPT_FIELD_ORDER
from .attestation import Attestation, statement_bytes
from .identity import RECEIPT_FAMILY, CircuitIdentity, receipt_identity
from ..jsonio import parse_json

BUNDLE_FORMAT = "zkreceipt-receipt-proof"
BUNDLE_VERSION = 2
STATEMENT_KIND = "receipt_proof"
TEXT_FIELDS = frozenset({"receipt_id", "job_id", "provider", "client", "model", "unit_type"})
VK_ID_PATTERN = re.compile("[0-9a-f]{64}")
_SOURCE = "proof bundle"
_MEMBERS = (
    "format", "version", "protocol", "curve", "vk_id", "circuit", "policy", "disclosed",
    "commitment", "public_signals", "proof", "attestation",
)  # fmt: skip


class BundleFormatError(FormatError):
    """A proof-bundle document is malformed; the message names the field."""


@dataclass(frozen=True)
class ProofBundle:
    """A Groth16 proof about one receipt and what it claims; the policy's disclosure is the *claimed* circuit."""

    policy: ReceiptPolicy
    disclosed: dict[str, str | int]
    commitment: int
    public_signals: tuple[int, ...]
    proof: Proof
    vk_id: str
    attestation: Attestation | None = None

    @property
    def disclosure(self) -> ReceiptDisclosure:
        return self.policy.disclosure

    @property
    def identity(self) -> CircuitIdentity:
        """The circuit the bundle claims (a verifier compares it with its trusted key's)."""
        return receipt_identity(self.policy.disclosure)

    @property
    def circuit_key(self) -> str:
        return self.identity.key

    @property
    def public_signal_names(self) -> tuple[str, ...]:
        """The claimed names of the public signals (a verifier uses its trusted key's instead)."""
        return self.identity.public_signals

    @property
    def signer_key_id(self) -> str | None:
        return self.attestation.key_id if self.attestation is not None else None

    @property
    def public_values(self) -> dict[str, int]:
        """The public signals by their claimed names."""
        return dict(zip(self.public_signal_names, self.public_signals, strict=True))


def statement_of(bundle: ProofBundle) -> bytes:
    """The bytes the attestation signs: everything in the bundle except the attestation itself."""
    document = bundle_to_json(bundle)
    del document["attestation"]
    return statement_bytes(STATEMENT_KIND, document)


def bundle_to_json(bundle: ProofBundle) -> dict[str, Any]:
    """The bundle as a JSON-ready dict (see the module docstring)."""
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "protocol": "groth16",
        "curve": "bn128",
        "vk_id": bundle.vk_id,
        "circuit": bundle.identity.to_json(),
        "policy": bundle.policy.public_inputs(),
        "disclosed": dict(bundle.disclosed),
        "commitment": str(bundle.commitment),
        "public_signals": public_signals_to_json(bundle.public_signals),
        "proof": proof_to_json(bundle.proof),
        "attestation": bundle.attestation.to_json() if bundle.attestation is not None else None,
    }


def bundle_to_text(bundle: ProofBundle) -> str:
    """The bundle as indented JSON text."""
    return json.dumps(bundle_to_json(bundle), indent=1, ensure_ascii=False) + "\n"


def document_field(
    document: dict[str, Any], key: str, kind: type | tuple[type, ...], source: str = _SOURCE
) -> Any:
    """``document[key]`` if present and of ``kind`` (a bool is not an int); BundleFormatError naming it otherwise."""
    if key not in document:
        raise BundleFormatError(f"{source}: missing field {key!r}")
    value = document[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise BundleFormatError(f"{source}: field {key!r} has the wrong type ({type(value).__name__})")
    return value


def decimal_field(key: str, text: str, source: str = _SOURCE) -> int:
    """The integer of a decimal string field (at most 80 digits); BundleFormatError naming it otherwise."""
    if not text.isascii() or not text.isdecimal() or len(text) > 80:
        raise BundleFormatError(f"{source}: field {key!r} must be a decimal string")
    return int(text)


def check_header(document: Any, members: tuple[str, ...], bundle_format: str, version: int, source: str) -> dict[str, Any]:
    """``document`` if it is an object of ``bundle_format`` at ``version`` with exactly ``members``."""
    if not isinstance(document, dict):
        raise BundleFormatError(f"{source}: expected a JSON object, got {type(document).__name__}")
    if document_field(document, "format", str, source) != bundle_format:
        raise BundleFormatError(f"{source}: field 'format' must be {bundle_format!r}")
    found = document_field(document, "version", int, source)
    if found != version:
        old = " (made before circuit identities and attestations: prove it again)" if found < version else ""
        raise BundleFormatError(f"{source}: version {found} is not supported (expected {version}){old}")
    for name in members:
        if name not in document:
            raise BundleFormatError(f"{source}: missing field {name!r}")
    extra = sorted(set(document) - set(members))
    if extra:
        raise BundleFormatError(f"{source}: unknown field {extra[0]!r:.40}")
    if (document["protocol"], document["curve"]) != ("groth16", "bn128"):
        raise BundleFormatError(f"{source}: fields 'protocol' and 'curve' must be 'groth16' and 'bn128'")
    return document


def parse_vk_id(document: dict[str, Any], source: str) -> str:
    vk_id = document_field(document, "vk_id", str, source)
    if not VK_ID_PATTERN.fullmatch(vk_id):
        raise BundleFormatError(f"{source}: field 'vk_id' must be 64 lowercase hex characters")
    return vk_id


def parse_circuit(document: dict[str, Any], family: str, source: str) -> CircuitIdentity:
    identity = CircuitIdentity.from_json(document_field(document, "circuit", dict, source), f"{source}: circuit")
    if identity.family != family:
        raise BundleFormatError(f"{source}: circuit: a {identity.family} circuit, not a {family} circuit")
    return identity


def check_signal_count(signals: list[int], identity: CircuitIdentity, source: str) -> None:
    if len(signals) != len(identity.public_signals):
        raise BundleFormatError(
            f"{source}: {len(signals)} public signals, but its claimed circuit {identity.key} has "
            f"{len(identity.public_signals)}"
        )


def _disclosed(value: dict[str, Any]) -> dict[str, str | int]:
    for name, item in value.items():
        if name not in RECEIPT_FIELD_ORDER:
            raise BundleFormatError(f"{_SOURCE}: disclosed.{name:.40}: not a receipt field")
        kind = str if name in TEXT_FIELDS else int
        if not isinstance(item, kind) or isinstance(item, bool):
            raise BundleFormatError(
                f"{_SOURCE}: disclosed.{name}: must be a {'string' if kind is str else 'integer'}"
            )
    return dict(value)


def bundle_from_json(document: Any) -> ProofBundle:
    """Parse a bundle document; BundleFormatError naming the field if it is malformed."""
    document = check_header(document, _MEMBERS, BUNDLE_FORMAT, BUNDLE_VERSION, _SOURCE)
    vk_id = parse_vk_id(document, _SOURCE)
    try:
        identity = parse_circuit(document, RECEIPT_FAMILY, _SOURCE)
        policy_doc = document_field(document, "policy", dict)
        bounds = {name: document_field(policy_doc, name, int) for name in POLICY_INPUT_NAMES}
        policy = ReceiptPolicy(**bounds, disclosure=identity.disclosure)  # type: ignore[arg-type]
        attestation_doc = document_field(document, "attestation", (dict, type(None)))
        attestation = None if attestation_doc is None else Attestation.from_json(attestation_doc)
        # On their curves here; B's subgroup is checked by the verifier, for a batch in one vectorized call
        # (one point at a time it cost ~10x the batched pairing check per bundle).
        proof = proof_from_json(document_field(document, "proof", dict), source=f"{_SOURCE} field 'proof'", subgroup=False)
        signals = public_signals_from_json(
            document_field(document, "public_signals", list),
            source=f"{_SOURCE} field 'public_signals'",
        )
    except BundleFormatError:
        raise
    except (ZkReceiptError, TypeError) as error:
        raise BundleFormatError(f"{_SOURCE}: {error}") from None
    check_signal_count(signals, identity, _SOURCE)
    return ProofBundle(
        policy=policy,
        disclosed=_disclosed(document_field(document, "disclosed", dict)),
        commitment=decimal_field("commitment", document_field(document, "commitment", str)),
        public_signals=tuple(signals),
        proof=proof,
        vk_id=vk_id,
        attestation=attestation,
    )


def bundle_from_text(text: str) -> ProofBundle:
    """Parse bundle JSON text; BundleFormatError if it is not JSON or malformed."""
    document = parse_json(text, _SOURCE, max_bytes=MAX_DOCUMENT_BYTES, error=BundleFormatError)
    return bundle_from_json(document)
