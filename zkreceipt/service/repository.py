"""Every store access of the service, in one place, named as the store's interface (INTERFACES.md).

The service reads and writes through :class:`Repository` only. Its methods
are the store's planned ones (``list_receipts`` with an opaque keyset cursor,
``get_bundle``, ``add_proven``, ``record_verdict``, the invoice and API-key
methods); until the store branch lands they are implemented here over
today's :class:`ReceiptStore`, in side tables of the same SQLite file.

TEMPORARY UNTIL THE STORE BRANCH LANDS: everything below that touches
``ReceiptStore._connection`` / ``_transaction`` and the ``service_tmp_*``
tables. When the store has these methods, each becomes a one-line call.

A :class:`Repository` is used from one thread only (the service runs it on a
single store thread): SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import StoreError, ZkReceiptError
from ..ledger.store import ReceiptStore, RecordNotFoundError, _receipt_document
from ..receipts import Invoice, Receipt, invoice_to_json, parse_invoice, parse_receipt
from ..receipts.receipt import ED25519_ALGORITHM

T = TypeVar("T")

__all__ = [
    "ApiKeyRecord",
    "CursorError",
    "DuplicateBundleError",
    "InvoiceEntry",
    "Page",
    "ReceiptEntry",
    "RecordNotFoundError",
    "Repository",
    "StoredBundle",
]

MAX_PAGE_SIZE = 100

_TEMPORARY_SCHEMA = """
CREATE TABLE IF NOT EXISTS service_tmp_verdicts (
    bundle_id   INTEGER PRIMARY KEY REFERENCES proof_bundles (bundle_id),
    vk_id       TEXT,
    valid       INTEGER NOT NULL,
    problems    TEXT NOT NULL,
    verified_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_tmp_api_keys (
    key_hash   TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_tmp_invoices (
    invoice_id TEXT PRIMARY KEY,
    task_kind  TEXT NOT NULL,
    document   TEXT NOT NULL,
    stored_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_tmp_invoice_bundles (
    bundle_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id  TEXT NOT NULL REFERENCES service_tmp_invoices (invoice_id),
    kind        TEXT NOT NULL,
    bundle_json TEXT NOT NULL,
    vk_id       TEXT NOT NULL,
    commitment  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    valid       INTEGER,
    problems    TEXT,
    verified_at INTEGER,
    UNIQUE (invoice_id, vk_id)
);
"""


class DuplicateBundleError(StoreError):
    """The receipt (or invoice) already has a bundle under that verification key."""


class CursorError(ZkReceiptError):
    """A pagination cursor is not one this service issued."""


@dataclass(frozen=True)
class StoredBundle:
    """A stored proof bundle (JSON text) with its key id, commitment and last verdict (None: not yet verified)."""

    bundle_id: int
    owner_id: str
    kind: str
    bundle_json: str
    created_at: int
    vk_id: str | None
    commitment: str | None
    verified: bool | None = None
    verified_at: int | None = None
    problems: tuple[str, ...] = ()

    @cached_property
    def document(self) -> dict[str, Any]:
        """The bundle JSON as a dict (parsed once)."""
        loaded = json.loads(self.bundle_json)
        return loaded if isinstance(loaded, dict) else {}


@dataclass(frozen=True)
class ReceiptEntry:
    """A stored receipt (private fields included: the caller decides who sees them) and its bundles.

    The receipt is parsed from its stored JSON when first asked for: the public view needs only the id.
    """

    receipt_id: str
    stored_json: str = field(repr=False)
    stored_at: int
    bundles: tuple[StoredBundle, ...]

    @cached_property
    def receipt(self) -> Receipt:
        try:
            return parse_receipt(self.stored_json)
        except ZkReceiptError as error:
            raise StoreError(f"stored receipt {self.receipt_id!r} is corrupt ({error})") from None


@dataclass(frozen=True)
class InvoiceEntry:
    """A stored invoice and its bundles."""

    invoice: Invoice
    stored_at: int
    bundles: tuple[StoredBundle, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, newest first; ``next_cursor`` (opaque) fetches the next, None at the end."""

    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class ApiKeyRecord:
    """A stored API key: its SHA-256 only, the role and the address it speaks for."""

    key_hash: str = field(repr=False)
    role: str
    subject: str
    created_at: int


def encode_cursor(position: Sequence[object]) -> str:
    """An opaque cursor for a keyset position."""
    text = json.dumps(list(position), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> list[Any]:
    """The keyset position of ``cursor``; CursorError unless it has ``shape``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise CursorError("cursor: not a cursor this service issued") from None
    if (
        not isinstance(position, list)
        or len(position) != len(shape)
        or not all(isinstance(v, k) and not isinstance(v, bool) for v, k in zip(position, shape, strict=True))
    ):
        raise CursorError("cursor: not a cursor this service issued")
    return position


def _page_size(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise StoreError(f"limit: must be an integer from 1 to {MAX_PAGE_SIZE}, got {limit!r:.40}")
    return limit


def _bundle_keys(bundle_json: str) -> tuple[str | None, str | None]:
    """(vk_id, commitment) read from a stored bundle's JSON (TEMPORARY: the store will have columns)."""
    try:
        document = json.loads(bundle_json)
    except ValueError:
        return None, None
    if not isinstance(document, dict):
        return None, None
    vk_id, commitment = document.get("vk_id"), document.get("commitment")
    return (vk_id if isinstance(vk_id, str) else None, commitment if isinstance(commitment, str) else None)


class Repository:
    """The service's view of the store (one thread at a time)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.store = ReceiptStore(path)
        self._connection: sqlite3.Connection = self.store._connection  # TEMPORARY (store branch)
        self._connection.executescript("BEGIN IMMEDIATE;" + _TEMPORARY_SCHEMA + "COMMIT;")

    def close(self) -> None:
        self.store.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self.store._transaction() as connection:  # TEMPORARY (store branch)
            yield connection

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.store.path}: query failed ({error})") from None

    # receipts

    def list_receipts(
        self,
        *,
        client: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        since: int | None = None,
        until: int | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ReceiptEntry]:
        """Receipts matching every filter, newest start first; ``cursor`` continues a previous page."""
        conditions, parameters = [], []  # type: ignore[var-annotated]
        for column, value in (("client", client), ("provider", provider), ("model", model)):
            if value is not None:
                conditions.append(f"{column} = ?")
                parameters.append(value)
        if since is not None:
            conditions.append("started_at >= ?")
            parameters.append(since)
        if until is not None:
            conditions.append("completed_at <= ?")
            parameters.append(until)
        if cursor is not None:
            started_at, receipt_id = decode_cursor(cursor, (int, str))
            conditions.append("(started_at < ? OR (started_at = ? AND receipt_id < ?))")
            parameters += [started_at, started_at, receipt_id]
        size = _page_size(limit)
        sql = "SELECT receipt_id, document, stored_at, started_at FROM receipts"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        sql += " ORDER BY started_at DESC, receipt_id DESC LIMIT ?"
        rows = self._rows(sql, [*parameters, size + 1])
        items = [self._entry(receipt_id, document, stored_at) for receipt_id, document, stored_at, _ in rows[:size]]
        next_cursor = encode_cursor([rows[size - 1][3], rows[size - 1][0]]) if len(rows) > size else None
        return Page(items, next_cursor)

    def show_receipt(self, receipt_id: str) -> ReceiptEntry:
        """The receipt and its bundles; RecordNotFoundError if absent."""
        rows = self._rows("SELECT receipt_id, document, stored_at FROM receipts WHERE receipt_id = ?", (receipt_id,))
        if not rows:
            raise RecordNotFoundError(f"receipt_id: no stored receipt {receipt_id!r:.80}")
        return self._entry(*rows[0])

    def _entry(self, receipt_id: str, document: str, stored_at: int) -> ReceiptEntry:
        rows = self._rows(_BUNDLE_SQL + " WHERE b.receipt_id = ? ORDER BY b.bundle_id", (receipt_id,))
        return ReceiptEntry(receipt_id, document, stored_at, tuple(_stored_bundle(row) for row in rows))

    def get_bundle(self, bundle_id: int) -> StoredBundle:
        """The receipt bundle ``bundle_id``; RecordNotFoundError if absent."""
        rows = self._rows(_BUNDLE_SQL + " WHERE b.bundle_id = ?", (bundle_id,))
        if not rows:
            raise RecordNotFoundError(f"bundle_id: no stored bundle {bundle_id}")
        return _stored_bundle(rows[0])

    def unverified_bundles(self, limit: int = 256) -> list[StoredBundle]:
        """Receipt bundles with no recorded verdict, oldest first (the service verifies them when it starts)."""
        rows = self._rows(_BUNDLE_SQL + " WHERE v.bundle_id IS NULL ORDER BY b.bundle_id LIMIT ?", (limit,))
        return [_stored_bundle(row) for row in rows]

    def add_proven(
        self,
        receipt: Receipt,
        bundle_json: str,
        *,
        kind: str,
        vk_id: str,
        commitment: str,
        verdict: tuple[bool, Sequence[str], int] | None = None,
    ) -> StoredBundle:
        """The receipt (if new), its bundle and its verdict in one transaction.

        StoreError if a different receipt has the id; DuplicateBundleError if
        the receipt already has a bundle under ``vk_id``.
        """
        document = _receipt_document(receipt)
        created_at = int(time.time())
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT document FROM receipts WHERE receipt_id = ?", (receipt.receipt_id,)
            ).fetchone()
            if row is None:
                connection.execute(
                    "INSERT INTO receipts (receipt_id, job_id, provider, client, model, started_at, completed_at,"
                    " document, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        receipt.receipt_id,
                        receipt.job_id,
                        receipt.provider,
                        receipt.client,
                        receipt.model,
                        receipt.started_at,
                        receipt.completed_at,
                        document,
                        created_at,
                    ),
                )
            elif row[0] != document:
                raise StoreError(f"receipt_id: {receipt.receipt_id!r} is already stored with different content")
            existing = connection.execute(
                "SELECT bundle_json FROM proof_bundles WHERE receipt_id = ?", (receipt.receipt_id,)
            ).fetchall()
            if any(_bundle_keys(text)[0] == vk_id for (text,) in existing):
                raise DuplicateBundleError(
                    f"receipt_id: {receipt.receipt_id!r} already has a bundle under verification key {vk_id[:16]}…"
                )
            bundle_id = connection.execute(
                "INSERT INTO proof_bundles (receipt_id, kind, bundle_json, created_at) VALUES (?, ?, ?, ?)",
                (receipt.receipt_id, kind, bundle_json, created_at),
            ).lastrowid
            if verdict is not None:
                valid, problems, verified_at = verdict
                connection.execute(
                    "INSERT INTO service_tmp_verdicts (bundle_id, vk_id, valid, problems, verified_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (bundle_id, vk_id, int(valid), json.dumps(list(problems)), verified_at),
                )
        assert bundle_id is not None
        return self.get_bundle(bundle_id)

    def record_verdict(self, bundle_id: int, valid: bool, problems: Sequence[str], verified_at: int) -> None:
        """Keep the latest verdict of receipt bundle ``bundle_id``."""
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO service_tmp_verdicts (bundle_id, valid, problems, verified_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (bundle_id) DO UPDATE SET valid = excluded.valid, problems = excluded.problems,"
                " verified_at = excluded.verified_at",
                (bundle_id, int(valid), json.dumps(list(problems)), verified_at),
            )

    # invoices

    def add_invoice_proven(
        self,
        invoice: Invoice,
        bundle_json: str,
        *,
        kind: str,
        vk_id: str,
        commitment: str,
        verdict: tuple[bool, Sequence[str], int] | None = None,
    ) -> StoredBundle:
        """The invoice (if new) and its bundle (and verdict) in one transaction; errors as :meth:`add_proven`."""
        document = invoice_to_json(invoice)
        created_at = int(time.time())
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT document FROM service_tmp_invoices WHERE invoice_id = ?", (invoice.invoice_id,)
            ).fetchone()
            if row is None:
                connection.execute(
                    "INSERT INTO service_tmp_invoices (invoice_id, task_kind, document, stored_at) VALUES (?, ?, ?, ?)",
                    (invoice.invoice_id, invoice.task_kind.value, document, created_at),
                )
            elif row[0] != document:
                raise StoreError(f"invoiceId: {invoice.invoice_id!r} is already stored with different content")
            valid, problems, verified_at = verdict if verdict is not None else (None, (), None)
            try:
                bundle_id = connection.execute(
                    "INSERT INTO service_tmp_invoice_bundles (invoice_id, kind, bundle_json, vk_id, commitment,"
                    " created_at, valid, problems, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        invoice.invoice_id,
                        kind,
                        bundle_json,
                        vk_id,
                        commitment,
                        created_at,
                        None if valid is None else int(valid),
                        json.dumps(list(problems)),
                        verified_at,
                    ),
                ).lastrowid
            except sqlite3.IntegrityError:
                raise DuplicateBundleError(
                    f"invoiceId: {invoice.invoice_id!r} already has a bundle under verification key {vk_id[:16]}…"
                ) from None
        assert bundle_id is not None
        return self.get_invoice_bundle(bundle_id)

    def show_invoice(self, invoice_id: str) -> InvoiceEntry:
        """The invoice and its bundles; RecordNotFoundError if absent."""
        rows = self._rows(
            "SELECT invoice_id, document, stored_at FROM service_tmp_invoices WHERE invoice_id = ?", (invoice_id,)
        )
        if not rows:
            raise RecordNotFoundError(f"invoiceId: no stored invoice {invoice_id!r:.80}")
        return self._invoice_entry(*rows[0])

    def list_invoices(
        self, *, task_kind: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[InvoiceEntry]:
        """Invoices, newest stored first."""
        conditions, parameters = [], []  # type: ignore[var-annotated]
        if task_kind is not None:
            conditions.append("task_kind = ?")
            parameters.append(task_kind)
        if cursor is not None:
            (position,) = decode_cursor(cursor, (int,))
            conditions.append("rowid < ?")
            parameters.append(position)
        size = _page_size(limit)
        sql = "SELECT invoice_id, document, stored_at, rowid FROM service_tmp_invoices"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        rows = self._rows(sql + " ORDER BY rowid DESC LIMIT ?", [*parameters, size + 1])
        items = [self._invoice_entry(invoice_id, document, stored_at) for invoice_id, document, stored_at, _ in rows[:size]]
        return Page(items, encode_cursor([rows[size - 1][3]]) if len(rows) > size else None)

    def _invoice_entry(self, invoice_id: str, document: str, stored_at: int) -> InvoiceEntry:
        try:
            invoice = parse_invoice(document)
        except ZkReceiptError as error:
            raise StoreError(f"stored invoice {invoice_id!r} is corrupt ({error})") from None
        rows = self._rows(_INVOICE_BUNDLE_SQL + " WHERE invoice_id = ? ORDER BY bundle_id", (invoice_id,))
        return InvoiceEntry(invoice, stored_at, tuple(_stored_invoice_bundle(row) for row in rows))

    def get_invoice_bundle(self, bundle_id: int) -> StoredBundle:
        """The invoice bundle ``bundle_id``; RecordNotFoundError if absent."""
        rows = self._rows(_INVOICE_BUNDLE_SQL + " WHERE bundle_id = ?", (bundle_id,))
        if not rows:
            raise RecordNotFoundError(f"bundle_id: no stored invoice bundle {bundle_id}")
        return _stored_invoice_bundle(rows[0])

    def receipt_signers(self) -> list[str]:
        """TEMPORARY (trust branch): the receipt signers a server trusts are the Ed25519 keys in the store."""
        return [r.public_key for r in self.store.key_records() if r.algorithm == ED25519_ALGORITHM]

    # API keys

    def add_api_key(self, role: str, subject: str, key_hash: str) -> ApiKeyRecord:
        """Store a key's hash with its role and subject."""
        created_at = int(time.time())
        try:
            with self._transaction() as connection:
                connection.execute(
                    "INSERT INTO service_tmp_api_keys (key_hash, role, subject, created_at) VALUES (?, ?, ?, ?)",
                    (key_hash, role, subject, created_at),
                )
        except sqlite3.IntegrityError:
            raise StoreError("api key: a key with this hash is already stored") from None
        return ApiKeyRecord(key_hash, role, subject, created_at)

    def find_api_key(self, key_hash: str) -> ApiKeyRecord | None:
        """The key whose SHA-256 is ``key_hash``, or None."""
        rows = self._rows(
            "SELECT key_hash, role, subject, created_at FROM service_tmp_api_keys WHERE key_hash = ?", (key_hash,)
        )
        return ApiKeyRecord(*rows[0]) if rows else None


_BUNDLE_SQL = (
    "SELECT b.bundle_id, b.receipt_id, b.kind, b.bundle_json, b.created_at, v.valid, v.verified_at, v.problems"
    " FROM proof_bundles b LEFT JOIN service_tmp_verdicts v ON v.bundle_id = b.bundle_id"
)
_INVOICE_BUNDLE_SQL = (
    "SELECT bundle_id, invoice_id, kind, bundle_json, created_at, valid, verified_at, problems, vk_id, commitment"
    " FROM service_tmp_invoice_bundles"
)


def _problems(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


def _stored_bundle(row: tuple[Any, ...]) -> StoredBundle:
    bundle_id, owner_id, kind, bundle_json, created_at, valid, verified_at, problems = row
    vk_id, commitment = _bundle_keys(bundle_json)
    verified = None if valid is None else bool(valid)
    return StoredBundle(
        bundle_id, owner_id, kind, bundle_json, created_at, vk_id, commitment, verified, verified_at, _problems(problems)
    )


def _stored_invoice_bundle(row: tuple[Any, ...]) -> StoredBundle:
    bundle_id, owner_id, kind, bundle_json, created_at, valid, verified_at, problems, vk_id, commitment = row
    verified = None if valid is None else bool(valid)
    return StoredBundle(
        bundle_id, owner_id, kind, bundle_json, created_at, vk_id, commitment, verified, verified_at, _problems(problems)
    )
