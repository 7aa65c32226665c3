"""Circuit identity: what a verification key's public signals mean, and the key id that commits to it.

A Groth16 verification key says nothing about its circuit: the same numbers in
``public.json`` could be a price or a number of units. A :class:`CircuitIdentity`
names the circuit a key was made for (family, version, shape) and, from it, the
public-signal layout (snarkjs ``public.json`` order). A verifier reads the
meaning of each signal from the identity of a key *it* trusts, never from the
bundle being checked.

The key id binds the two::

    vk_id = SHA-256( canonical JSON {"identity": identity, "verification_key": vk without vk_alphabeta_12} )

(keys sorted, no whitespace), so a bundle that names a key id names the
circuit too. Identity JSON (also stored in a verification-key file as the member
``zkreceipt_identity``, which snarkjs ignores)::

    {"family": "receipt", "version": 1, "key": "receipt-v1;rate=table:4;public=model,price_fp",
     "public_signals": ["commitment", "not_before", "not_after", "max_duration", "gpu_count",
                        "rate_table_root", "model", "price_fp"],
     "disclosure": {"public_fields": ["model", "price_fp"], "rate_binding": "rate_table", "rate_table_depth": 4}}

    {"family": "invoice", "version": 1, "key": "invoice-v1;kind=function;items=8",
     "public_signals": ["commitment", "step_gas_price_fp", "byte_gas_price_fp", "memory_limit"],
     "invoice": {"task_kind": "function", "max_items": 8}}

``key`` and ``public_signals`` follow from the shape; a document whose copies
disagree with it is malformed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..circuits.errors import PolicyError
from ..circuits.invoice_policy import InvoiceShape
from ..circuits.receipt_policy import POLICY_INPUT_NAMES, RateBinding, ReceiptDisclosure
from ..errors import FormatError
from ..receipts import TaskKind

if TYPE_CHECKING:
    from ..groth16 import VerifyingKey

RECEIPT_FAMILY = "receipt"
INVOICE_FAMILY = "invoice"
IDENTITY_VERSION = 1
GAS_PRICE_SIGNALS = ("step_gas_price_fp", "byte_gas_price_fp")
INVOICE_PRIVATE_VALUES = ("execution_id", "task_id", "task_created_timestamp", "invoice_id", "salt")


class IdentityError(FormatError):
    """A circuit identity is malformed or names an unknown circuit; the message names the field."""


def receipt_signal_names(disclosure: ReceiptDisclosure) -> tuple[str, ...]:
    """The receipt circuit's public signals for ``disclosure``: commitment, policy, rate or root, disclosed fields."""
    rate = "rate_table_root" if disclosure.uses_rate_table else "rate_fp"
    return ("commitment", *POLICY_INPUT_NAMES, rate, *disclosure.public_fields)


def invoice_signal_names(shape: InvoiceShape) -> tuple[str, ...]:
    """The invoice circuit's public signals: commitment, gas prices, and the memory limit for function tasks."""
    return ("commitment", *GAS_PRICE_SIGNALS, *(("memory_limit",) if shape.meters_memory else ()))


@dataclass(frozen=True)
class CircuitIdentity:
    """The circuit a verification key belongs to; build one with :func:`receipt_identity` or :func:`invoice_identity`.

    ``family`` is "receipt" (with ``disclosure``) or "invoice" (with ``shape``:
    task kind and line-item slots); ``public_signals`` is the layout those
    imply. Construction checks that the parts agree.
    """

    family: str
    version: int
    public_signals: tuple[str, ...]
    disclosure: ReceiptDisclosure | None = None
    shape: InvoiceShape | None = None

    def __post_init__(self) -> None:
        if self.version != IDENTITY_VERSION:
            raise IdentityError(f"circuit identity: version {self.version!r} is not supported (expected 1)")
        if self.family == RECEIPT_FAMILY and isinstance(self.disclosure, ReceiptDisclosure) and self.shape is None:
            expected = receipt_signal_names(self.disclosure)
        elif self.family == INVOICE_FAMILY and isinstance(self.shape, InvoiceShape) and self.disclosure is None:
            expected = invoice_signal_names(self.shape)
        else:
            raise IdentityError(
                f"circuit identity: family must be 'receipt' with a disclosure or 'invoice' with a shape, "
                f"got {self.family!r:.40}"
            )
        if tuple(self.public_signals) != expected:
            raise IdentityError(
                f"circuit identity: public_signals {list(self.public_signals)!r:.200} are not the layout of "
                f"{self.key} ({list(expected)})"
            )

    @property
    def key(self) -> str:
        """A stable name, e.g. ``receipt-v1;rate=table:4;public=model,price_fp`` or ``invoice-v1;kind=api;items=8``."""
        return self.disclosure.key if self.disclosure is not None else self.shape.key  # type: ignore[union-attr]

    @property
    def private_values(self) -> tuple[str, ...]:
        """What a proof of this circuit keeps private (bound only by the commitment)."""
        if self.disclosure is not None:
            rate = ("rate_fp", "rate_table_path") if self.disclosure.uses_rate_table else ()
            return (*self.disclosure.private_fields, "salt", *rate)
        usage = {TaskKind.FUNCTION: "steps, peak_memory", TaskKind.API: "request_bytes, response_bytes"}
        return (*INVOICE_PRIVATE_VALUES, "operation, account and " + usage[self.shape.task_kind] + " of each line item")  # type: ignore[union-attr]

    def to_json(self) -> dict[str, Any]:
        """The identity document (see the module docstring)."""
        document: dict[str, Any] = {
            "family": self.family,
            "version": self.version,
            "key": self.key,
            "public_signals": list(self.public_signals),
        }
        if self.disclosure is not None:
            document["disclosure"] = {
                "public_fields": list(self.disclosure.public_fields),
                "rate_binding": self.disclosure.rate_binding.value,
                "rate_table_depth": self.disclosure.rate_table_depth,
            }
        else:
            shape = self.shape
            document["invoice"] = {"task_kind": shape.task_kind.value, "max_items": shape.max_items}  # type: ignore[union-attr]
        return document

    @classmethod
    def from_json(cls, document: Any, source: str = "circuit identity") -> CircuitIdentity:
        """Parse an identity document; IdentityError naming ``source`` and the field if it is malformed."""
        members = {"family", "version", "key", "public_signals"}
        if not isinstance(document, dict):
            raise IdentityError(f"{source}: expected a JSON object, got {type(document).__name__}")
        family = document.get("family")
        shape_member = {RECEIPT_FAMILY: "disclosure", INVOICE_FAMILY: "invoice"}.get(family)  # type: ignore[arg-type]
        if shape_member is None:
            raise IdentityError(f"{source}: family must be 'receipt' or 'invoice', got {family!r:.40}")
        if set(document) != members | {shape_member}:
            expected = ", ".join(sorted(members | {shape_member}))
            raise IdentityError(f"{source}: a {family} identity has exactly the members {expected}")
        parts = document[shape_member]
        try:
            if not isinstance(parts, dict):
                raise IdentityError(f"{shape_member} must be an object")
            if family == RECEIPT_FAMILY:
                fields = parts.get("public_fields")
                if set(parts) != {"public_fields", "rate_binding", "rate_table_depth"} or not isinstance(fields, list):
                    raise IdentityError("disclosure needs public_fields (a list), rate_binding and rate_table_depth")
                depth = parts["rate_table_depth"]
                if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int)):
                    raise IdentityError("disclosure.rate_table_depth must be an integer or null")
                disclosure = ReceiptDisclosure(tuple(fields), parts["rate_binding"], depth)
                if list(disclosure.public_fields) != fields:
                    raise IdentityError("disclosure.public_fields must be listed in receipt field order, once each")
                identity = receipt_identity(disclosure)
            else:
                if set(parts) != {"task_kind", "max_items"}:
                    raise IdentityError("invoice needs exactly task_kind and max_items")
                identity = invoice_identity(InvoiceShape(parts["task_kind"], parts["max_items"]))
        except (IdentityError, PolicyError, TypeError) as error:
            raise IdentityError(f"{source}: {error}") from None
        if document["version"] != IDENTITY_VERSION or isinstance(document["version"], bool):
            raise IdentityError(f"{source}: version {document['version']!r:.20} is not supported (expected 1)")
        if document["key"] != identity.key:
            raise IdentityError(f"{source}: key {document['key']!r:.80} does not match its {shape_member} ({identity.key})")
        if document["public_signals"] != list(identity.public_signals):
            raise IdentityError(f"{source}: public_signals are not the layout of {identity.key}")
        return identity


def receipt_identity(disclosure: ReceiptDisclosure) -> CircuitIdentity:
    """The identity of the receipt circuit of ``disclosure``."""
    return CircuitIdentity(RECEIPT_FAMILY, IDENTITY_VERSION, receipt_signal_names(disclosure), disclosure=disclosure)


def invoice_identity(shape: InvoiceShape) -> CircuitIdentity:
    """The identity of the invoice circuit of ``shape``."""
    return CircuitIdentity(INVOICE_FAMILY, IDENTITY_VERSION, invoice_signal_names(shape), shape=shape)


def identity_from_key(key: str) -> CircuitIdentity:
    """The identity named by a circuit key such as ``receipt-v1;rate=table:4;public=model,price_fp``.

    Receipt keys: ``receipt-v1;rate=table:DEPTH|public;public=FIELD,…`` (fields may be empty);
    invoice keys: ``invoice-v1;kind=function|api;items=N``. IdentityError if it names no circuit.
    """
    parts = key.split(";") if isinstance(key, str) else []
    try:
        if len(parts) == 3 and parts[0] == "receipt-v1" and parts[1].startswith("rate=") and parts[2].startswith("public="):
            rate = parts[1].removeprefix("rate=")
            fields = tuple(name for name in parts[2].removeprefix("public=").split(",") if name)
            if rate == "public":
                disclosure = ReceiptDisclosure(fields, RateBinding.PUBLIC_RATE)
            elif rate.startswith("table:") and rate.removeprefix("table:").isdecimal():
                disclosure = ReceiptDisclosure(fields, RateBinding.RATE_TABLE, int(rate.removeprefix("table:")))
            else:
                raise IdentityError(f"rate must be table:DEPTH or public, got {rate!r:.40}")
            identity = receipt_identity(disclosure)
        elif len(parts) == 3 and parts[0] == "invoice-v1" and parts[1].startswith("kind=") and parts[2].startswith("items="):
            items = parts[2].removeprefix("items=")
            if not items.isdecimal():
                raise IdentityError(f"items must be a number, got {items!r:.20}")
            identity = invoice_identity(InvoiceShape(parts[1].removeprefix("kind="), int(items)))
        else:
            raise IdentityError("expected receipt-v1;rate=…;public=… or invoice-v1;kind=…;items=…")
    except (IdentityError, PolicyError) as error:
        raise IdentityError(f"circuit key {key!r:.120}: {error}") from None
    if identity.key != key:
        raise IdentityError(f"circuit key {key!r:.120}: the canonical spelling is {identity.key}")
    return identity


def canonical_verification_key(vk: VerifyingKey) -> dict[str, Any]:
    """The snarkjs fields of ``vk`` that define it (not the derived ``vk_alphabeta_12``), for ids and comparisons."""
    from ..formats.snarkjs_json import verification_key_to_json  # the curve core: only once there is a key

    document = verification_key_to_json(vk)
    document.pop("vk_alphabeta_12", None)
    return document


def verification_key_id(vk: VerifyingKey, identity: CircuitIdentity) -> str:
    """SHA-256 (64 hex) of the canonical key *and* its circuit identity (see the module docstring)."""
    if not isinstance(identity, CircuitIdentity):
        raise IdentityError(f"verification_key_id: identity must be a CircuitIdentity, got {type(identity).__name__}")
    document = {"identity": identity.to_json(), "verification_key": canonical_verification_key(vk)}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")
    return hashlib.sha256(canonical).hexdigest()


def check_key_fits(vk: VerifyingKey, identity: CircuitIdentity, source: str = "verification key") -> None:
    """IdentityError unless ``vk`` has one IC point per public signal of ``identity`` (plus the constant)."""
    if vk.n_public != len(identity.public_signals):
        raise IdentityError(
            f"{source}: nPublic = {vk.n_public} ({vk.n_public + 1} IC points) does not fit the circuit "
            f"{identity.key}, which has {len(identity.public_signals)} public signals"
        )
