"""What the store hands out: typed records, pages with an opaque keyset cursor, and the store's errors.

Light on purpose (no SQLAlchemy): the CLI and the service import these names
without paying for the database layer.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from ...errors import StoreError, ZkReceiptError
from ...receipts import Invoice, Receipt
from ...receipts.ed25519_keys import ed25519_key_id
from ...receipts.receipt import ED25519_ALGORITHM
from ...receipts.secp256k1_keys import normalize_address

T = TypeVar("T")
KEY_ALGORITHMS = (ED25519_ALGORITHM, "secp256k1")
API_KEY_ROLES = ("provider", "client")
API_KEY_HASH_PATTERN = re.compile(r"[0-9a-f]{64}")


class RecordNotFoundError(StoreError):
    """No stored record has the id asked for."""


class StoreBusyError(StoreError):
    """Another writer held the store longer than the bounded busy wait: retry."""


class DuplicateRecordError(StoreError):
    """The record exists already (a unique constraint refused a second copy)."""


class RecordConflictError(StoreError):
    """A different document is stored under the same id (a receipt or an invoice)."""


class DuplicateBundleError(DuplicateRecordError):
    """The receipt (or invoice) already has a proof bundle under this verification key."""


@dataclass(frozen=True)
class StoredProofBundle:
    """A proof bundle (JSON text, opaque to the store) attached to one receipt or one invoice.

    ``vk_id`` (64 hex) and ``commitment`` (decimal) name the key and the
    Poseidon commitment the bundle proves under; at most one bundle per
    receipt (or invoice) and ``vk_id``. ``verified`` is the last recorded
    verdict (None: never recorded), ``verified_at`` its Unix time, and
    ``problems`` its one-line reasons.
    """

    bundle_id: int
    receipt_id: str | None
    kind: str
    bundle_json: str
    created_at: int
    vk_id: str | None = None
    commitment: str | None = None
    verified: bool | None = None
    verified_at: int | None = None
    problems: tuple[str, ...] = ()
    invoice_id: str | None = None


@dataclass(frozen=True)
class RecordedVerdict:
    """A verdict to store with a new bundle (see ``add_proven``): valid or not, its one-line reasons, and when.

    ``verified_at`` is Unix seconds (None: the time of the write).
    """

    valid: bool
    problems: tuple[str, ...] = ()
    verified_at: int | None = None


@dataclass(frozen=True)
class ReceiptRecord:
    """What ``receipt show ID`` displays: the receipt, when it was stored, and its proof bundles."""

    receipt: Receipt
    stored_at: int
    proof_bundles: tuple[StoredProofBundle, ...]


@dataclass(frozen=True)
class InvoiceRecord:
    """A stored invoice, when it was stored, and its proof bundles."""

    invoice: Invoice
    stored_at: int
    proof_bundles: tuple[StoredProofBundle, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, newest first; ``next_cursor`` (opaque) fetches the next page, None at the end."""

    items: tuple[T, ...]
    next_cursor: str | None


ReceiptPage = Page[Receipt]
InvoicePage = Page[Invoice]


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key of the service: only its SHA-256 (64 lowercase hex) is stored, never the key."""

    key_hash: str
    role: str
    subject: str
    created_at: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.key_hash, str) or not API_KEY_HASH_PATTERN.fullmatch(self.key_hash):
            raise StoreError("api key key_hash: must be a SHA-256 digest, 64 lowercase hex characters")
        if self.role not in API_KEY_ROLES:
            raise StoreError(f"api key role: must be one of {', '.join(API_KEY_ROLES)}, got {self.role!r:.40}")
        if not isinstance(self.subject, str) or not self.subject or len(self.subject) > 256:
            raise StoreError("api key subject: must be a non-empty string of at most 256 characters")


@dataclass(frozen=True)
class KeyRecord:
    """Metadata of a key: its id and public half, never the private key.

    Ed25519: ``public_key`` is 64 hex characters and ``key_id`` its key id.
    secp256k1: ``public_key`` and ``key_id`` are both the signer's EIP-55 address.
    """

    key_id: str
    algorithm: str
    public_key: str
    label: str | None = None
    private_key_path: str | None = None
    created_at: int = 0

    def __post_init__(self) -> None:
        if self.algorithm not in KEY_ALGORITHMS:
            raise StoreError(f"key algorithm: must be one of {', '.join(KEY_ALGORITHMS)}, got {self.algorithm!r:.40}")
        if not isinstance(self.public_key, str):
            raise StoreError(f"key public_key: must be a string, got {type(self.public_key).__name__}")
        try:
            if self.algorithm == ED25519_ALGORITHM:
                expected = ed25519_key_id(self.public_key)
            else:
                expected = normalize_address(self.public_key)
        except ZkReceiptError as error:
            raise StoreError(f"key public_key: {error}") from None
        if self.key_id != expected:
            raise StoreError(f"key key_id: {self.key_id!r:.40} does not match the public key (expected {expected})")
        for name in ("label", "private_key_path"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise StoreError(f"key {name}: must be a string or None")


def encode_cursor(time: int, record_id: str) -> str:
    """The opaque cursor after the row (``time``, ``record_id``) of a newest-first listing."""
    text = json.dumps([time, record_id], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """(time, record id) of a cursor from :func:`encode_cursor`; StoreError naming ``cursor`` otherwise."""
    try:
        if not isinstance(cursor, str) or len(cursor) > 2048:
            raise ValueError("not a cursor")
        time, record_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(time, bool) or not isinstance(time, int) or not isinstance(record_id, str):
            raise ValueError("not a cursor")
    except (ValueError, TypeError, binascii.Error):
        raise StoreError(f"cursor: {cursor!r:.60} is not a cursor of this listing") from None
    return time, record_id
