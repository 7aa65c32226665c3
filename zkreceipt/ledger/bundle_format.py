"""The proof bundle: what a miner publishes about one receipt, and its JSON form.

A bundle is checked offline with nothing but a trusted verification key (see
:func:`zkreceipt.ledger.bundles.verify_bundle`). Its JSON document::

    {
      "format": "zkreceipt-receipt-proof", "version": 1,
      "protocol": "groth16", "curve": "bn128",
      "circuit_key": "receipt-v1;rate=table:4;public=model,price_fp",
      "disclosure": {"public_fields": ["model", "price_fp"], "rate_binding": "rate_table", "rate_table_depth": 4},
      "policy": {"not_before": 1737676800, "not_after": 1737763199, "max_duration": 86400, "gpu_count": 1},
      "disclosed": {"model": "llama3.2", "price_fp": 5000000},
      "commitment": "<decimal>",
      "public_signal_names": ["commitment", "not_before", ...],
      "public_signals": ["<decimal>", ...],             # snarkjs public.json
      "proof": {...},                                   # snarkjs proof.json
      "vk_id": "<sha256 hex of the canonical verification key>",
      "signature": {"alg": "Ed25519", "key_id": "...", "sig": "..."} | null,
      "signer_key_id": "<16 hex>" | null
    }

``disclosed`` maps the public receipt fields (names of ``RECEIPT_FIELD_ORDER``)
to their values: text for ids, names and model; integers for the fixed-point
amounts (``units_fp`` milli-units, ``price_fp`` micro-tokens) and timestamps.
The salt is never part of a bundle. The receipt's signature is carried so a
holder of the full receipt can tie the bundle to the signer; it signs the
private fields, so the bundle alone cannot check it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..circuits.receipt_policy import (
    POLICY_INPUT_NAMES,
    ReceiptDisclosure,
    ReceiptPolicy,
)
from ..errors import FormatError, ZkReceiptError
from ..formats.snarkjs_json import (
    MAX_DOCUMENT_BYTES,
    proof_from_json,
    proof_to_json,
    public_signals_from_json,
    public_signals_to_json,
)
from ..groth16 import Proof
from ..jsonio import parse_json
from ..receipts import RECEIPT_FIELD_ORDER, ReceiptSignature

BUNDLE_FORMAT = "zkreceipt-receipt-proof"
BUNDLE_VERSION = 1
TEXT_FIELDS = frozenset(
    {"receipt_id", "job_id", "provider", "client", "model", "unit_type"}
)
VK_ID_PATTERN = re.compile("[0-9a-f]{64}")
_SOURCE = "proof bundle"


class BundleFormatError(FormatError):
    """A proof-bundle document is malformed; the message names the field."""


@dataclass(frozen=True)
class ProofBundle:
    """A Groth16 proof about one receipt, with everything a verifier needs besides the key."""

    disclosure: ReceiptDisclosure
    policy: ReceiptPolicy
    disclosed: dict[str, str | int]
    commitment: int
    public_signal_names: tuple[str, ...]
    public_signals: tuple[int, ...]
    proof: Proof
    vk_id: str
    signature: ReceiptSignature | None = None

    @property
    def circuit_key(self) -> str:
        return self.disclosure.key

    @property
    def signer_key_id(self) -> str | None:
        return self.signature.key_id if self.signature is not None else None

    @property
    def public_values(self) -> dict[str, int]:
        """The public signals by name."""
        return dict(zip(self.public_signal_names, self.public_signals, strict=True))


def bundle_to_json(bundle: ProofBundle) -> dict[str, Any]:
    """The bundle as a JSON-ready dict (see the module docstring)."""
    disclosure = bundle.disclosure
    signature = bundle.signature
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "protocol": "groth16",
        "curve": "bn128",
        "circuit_key": bundle.circuit_key,
        "disclosure": {
            "public_fields": list(disclosure.public_fields),
            "rate_binding": disclosure.rate_binding.value,
            "rate_table_depth": disclosure.rate_table_depth,
        },
        "policy": bundle.policy.public_inputs(),
        "disclosed": dict(bundle.disclosed),
        "commitment": str(bundle.commitment),
        "public_signal_names": list(bundle.public_signal_names),
        "public_signals": public_signals_to_json(bundle.public_signals),
        "proof": proof_to_json(bundle.proof),
        "vk_id": bundle.vk_id,
        "signature": None
        if signature is None
        else {"alg": signature.alg, "key_id": signature.key_id, "sig": signature.sig},
        "signer_key_id": bundle.signer_key_id,
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
        raise BundleFormatError(
            f"{source}: field {key!r} has the wrong type ({type(value).__name__})"
        )
    return value



def decimal_field(key: str, text: str, source: str = _SOURCE) -> int:
    """The integer of a decimal string field (at most 80 digits); BundleFormatError naming it otherwise."""
    if not text.isdecimal() or len(text) > 80:
        raise BundleFormatError(f"{source}: field {key!r} must be a decimal string")
    return int(text)



def _disclosed(value: dict[str, Any]) -> dict[str, str | int]:
    for name, item in value.items():
        if name not in RECEIPT_FIELD_ORDER:
            raise BundleFormatError(
                f"{_SOURCE}: disclosed.{name:.40}: not a receipt field"
            )
        kind = str if name in TEXT_FIELDS else int
        if not isinstance(item, kind) or isinstance(item, bool):
            raise BundleFormatError(
                f"{_SOURCE}: disclosed.{name}: must be a {'string' if kind is str else 'integer'}"
            )
    return dict(value)


def bundle_from_json(document: Any) -> ProofBundle:
    """Parse a bundle document; BundleFormatError naming the field if it is malformed."""
    if not isinstance(document, dict):
        raise BundleFormatError(
            f"{_SOURCE}: expected a JSON object, got {type(document).__name__}"
        )
    if document_field(document, "format", str) != BUNDLE_FORMAT:
        raise BundleFormatError(f"{_SOURCE}: field 'format' must be {BUNDLE_FORMAT!r}")
    if document_field(document, "version", int) != BUNDLE_VERSION:
        raise BundleFormatError(
            f"{_SOURCE}: version {document['version']} is not supported (expected {BUNDLE_VERSION})"
        )
    names = document_field(document, "public_signal_names", list)
    if not all(isinstance(name, str) for name in names):
        raise BundleFormatError(
            f"{_SOURCE}: field 'public_signal_names' must be a list of strings"
        )
    vk_id = document_field(document, "vk_id", str)
    if not VK_ID_PATTERN.fullmatch(vk_id):
        raise BundleFormatError(
            f"{_SOURCE}: field 'vk_id' must be 64 lowercase hex characters"
        )
    try:
        disclosure_doc = document_field(document, "disclosure", dict)
        disclosure = ReceiptDisclosure(
            tuple(document_field(disclosure_doc, "public_fields", list)),
            document_field(disclosure_doc, "rate_binding", str),
            document_field(disclosure_doc, "rate_table_depth", (int, type(None))),
        )
        policy_doc = document_field(document, "policy", dict)
        bounds = {name: document_field(policy_doc, name, int) for name in POLICY_INPUT_NAMES}
        policy = ReceiptPolicy(**bounds, disclosure=disclosure)
        signature_doc = document_field(document, "signature", (dict, type(None)))
        signature = (
            None
            if signature_doc is None
            else ReceiptSignature(
                document_field(signature_doc, "alg", str),
                document_field(signature_doc, "key_id", str),
                document_field(signature_doc, "sig", str),
            )
        )
        proof = proof_from_json(
            document_field(document, "proof", dict), source=f"{_SOURCE} field 'proof'"
        )
        signals = public_signals_from_json(
            document_field(document, "public_signals", list),
            source=f"{_SOURCE} field 'public_signals'",
        )
    except BundleFormatError:
        raise
    except (ZkReceiptError, TypeError) as error:
        raise BundleFormatError(f"{_SOURCE}: {error}") from None
    if document_field(document, "circuit_key", str) != disclosure.key:
        raise BundleFormatError(
            f"{_SOURCE}: field 'circuit_key' does not match the disclosure ({disclosure.key})"
        )
    if len(names) != len(signals):
        raise BundleFormatError(
            f"{_SOURCE}: {len(signals)} public signals but {len(names)} public signal names"
        )
    return ProofBundle(
        disclosure=disclosure,
        policy=policy,
        disclosed=_disclosed(document_field(document, "disclosed", dict)),
        commitment=decimal_field("commitment", document_field(document, "commitment", str)),
        public_signal_names=tuple(names),
        public_signals=tuple(signals),
        proof=proof,
        vk_id=vk_id,
        signature=signature,
    )


def bundle_from_text(text: str) -> ProofBundle:
    """Parse bundle JSON text; BundleFormatError if it is not JSON or malformed."""
    document = parse_json(text, _SOURCE, max_bytes=MAX_DOCUMENT_BYTES, error=BundleFormatError)
    return bundle_from_json(document)
