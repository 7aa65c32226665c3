"""``SqlReceiptStore`` (built by ``ReceiptStore(…)``): receipts, invoices, their proof bundles, key metadata and API-key hashes.

One set of SQLAlchemy Core queries for SQLite and PostgreSQL (see
:mod:`.schema` and :mod:`.engine`). Each write is one transaction, complete or
absent. Concurrent writers (processes, machines) never lose or duplicate a
row: uniqueness is the database's (primary keys, one bundle per receipt and
key), inserts are ``INSERT … ON CONFLICT DO NOTHING`` and the outcome is read
back in the same transaction, never read-then-write.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from ...errors import StoreError, ZkReceiptError
from ...receipts import Invoice, Receipt, invoice_to_dict, parse_invoice, parse_receipt, receipt_to_dict
from .engine import WRITE_OPTION, create_store_engine, ensure_schema, translate_errors
from . import ReceiptStore
from .location import StoreLocation, resolve_location
from .records import (
    ApiKeyRecord,
    DuplicateBundleError,
    DuplicateRecordError,
    InvoicePage,
    InvoiceRecord,
    KeyRecord,
    Page,
    ReceiptPage,
    ReceiptRecord,
    RecordConflictError,
    RecordedVerdict,
    RecordNotFoundError,
    StoredProofBundle,
    decode_cursor,
    encode_cursor,
)
from .schema import api_keys, invoices, keys, proof_bundles, receipts

MAX_BUNDLE_BYTES = 16 << 20
MAX_PAGE_SIZE = 1000
MAX_PROBLEMS = 64
MAX_PROBLEM_LENGTH = 1024
DEFAULT_BUSY_TIMEOUT_SECONDS = 5.0
BUSY_TIMEOUT_ENVIRONMENT_VARIABLE = "ZKRECEIPT_STORE_BUSY_TIMEOUT"
_IN_CHUNK = 500  # ids per IN (…) list: well under every backend's bound-parameter limit
_VK_ID_LENGTH = 64
#: One item of :meth:`SqlReceiptStore.add_proven_many`: (receipt, bundle_json, vk_id, commitment).
ProvenItem = tuple[Receipt, str, str, int | str]


def default_busy_timeout() -> float:
    """Seconds a writer waits for another one: ``$ZKRECEIPT_STORE_BUSY_TIMEOUT``, else 5."""
    configured = os.environ.get(BUSY_TIMEOUT_ENVIRONMENT_VARIABLE)
    if not configured:
        return DEFAULT_BUSY_TIMEOUT_SECONDS
    try:
        seconds = float(configured)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise StoreError(f"{BUSY_TIMEOUT_ENVIRONMENT_VARIABLE}: must be a number of seconds in (0, 3600]")
    return seconds


class SqlReceiptStore(ReceiptStore):
    """The store at ``path_or_url`` (see :mod:`.location`); a context manager, or call :meth:`close`.

    Safe to share between threads (each call takes a pooled connection).
    ``busy_timeout``: seconds a write waits for another writer before
    :class:`StoreBusyError` (default :func:`default_busy_timeout`).
    """

    def __init__(self, path_or_url: str | os.PathLike[str] | None = None, *, busy_timeout: float | None = None) -> None:
        if isinstance(path_or_url, os.PathLike):
            path_or_url = Path(os.fspath(path_or_url))
        self.location: StoreLocation = resolve_location(path_or_url)
        self.path = self.location.path
        self.busy_timeout = default_busy_timeout() if busy_timeout is None else busy_timeout
        self._engine = create_store_engine(self.location, self.busy_timeout)
        try:
            ensure_schema(self._engine, self.location, self.busy_timeout)
        except BaseException:
            self._engine.dispose()
            raise
        self._writer = self._engine.execution_options(**{WRITE_OPTION: True})
        insert = postgresql.insert if self.location.backend == "postgresql" else sqlite.insert
        self._insert: Callable[[sa.Table], Any] = insert

    def close(self) -> None:
        """Close every connection of the store."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot; never the write lock)."""
        with translate_errors(self.location, "cannot read the store", self.busy_timeout), self._engine.begin() as c:
            yield c

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        with translate_errors(self.location, "cannot write the store", self.busy_timeout), self._writer.begin() as c:
            yield c

    # receipts

    def add_receipt(self, receipt: Receipt) -> bool:
        """Store ``receipt``; True if new, False if the identical receipt was already stored.

        StoreError if a different receipt is stored under the same receipt_id.
        """
        row = _receipt_row(receipt)
        with self._write() as connection:
            return self._insert_document(connection, receipts, "receipt_id", row)

    def _insert_document(self, connection: Connection, table: sa.Table, key: str, row: dict[str, Any]) -> bool:
        """Insert ``row`` unless its id is taken; True if inserted, False if the same document was there."""
        statement = self._insert(table).values(row).on_conflict_do_nothing(index_elements=[key])
        if connection.execute(statement.returning(table.c[key])).first() is not None:
            return True
        stored = connection.execute(sa.select(table.c.document).where(table.c[key] == row[key])).scalar_one()
        if stored != row["document"]:
            raise _conflict(key, row[key])
        return False

    def check_receipt_storable(self, receipt: Receipt) -> None:
        """StoreError if a different receipt is stored under ``receipt``'s id (check before long work)."""
        self._check_storable(receipts, "receipt_id", _receipt_row(receipt))

    def _check_storable(self, table: sa.Table, key: str, row: dict[str, Any]) -> None:
        with self._read() as connection:
            stored = connection.execute(sa.select(table.c.document).where(table.c[key] == row[key])).scalar()
        if stored is not None and stored != row["document"]:
            raise _conflict(key, row[key])

    def add_receipts(self, receipts: Iterable[Receipt], on_stored: Callable[[Receipt], None] | None = None) -> int:
        """Store each receipt in its own transaction and call ``on_stored`` after each commit; return how many were new.

        If the iteration or a write fails, the receipts already committed stay stored.
        """
        added = 0
        for receipt in receipts:
            added += self.add_receipt(receipt)
            if on_stored is not None:
                on_stored(receipt)
        return added

    def get_receipt(self, receipt_id: str) -> Receipt:
        """The stored receipt ``receipt_id``; RecordNotFoundError if there is none."""
        return self.show_receipt(receipt_id).receipt

    def show_receipt(self, receipt_id: str) -> ReceiptRecord:
        """The receipt ``receipt_id`` with its storage time and proof bundles; RecordNotFoundError if absent."""
        document, stored_at, bundles = self._show(receipts, "receipt_id", receipt_id)
        return ReceiptRecord(self._receipt(receipt_id, document), stored_at, bundles)

    def _show(self, table: sa.Table, key: str, record_id: str) -> tuple[str, int, tuple[StoredProofBundle, ...]]:
        """The stored document of ``record_id``, its storage time and its bundles, read in one snapshot."""
        with self._read() as connection:
            row = connection.execute(sa.select(table.c.document, table.c.stored_at).where(table.c[key] == record_id)).first()
            if row is None:
                raise RecordNotFoundError(f"{key}: no stored {key.removesuffix('_id')} {record_id!r:.80}")
            return row.document, row.stored_at, self._bundles(connection, proof_bundles.c[key] == record_id)

    def find_receipts(
        self,
        *,
        client: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        since: int | None = None,
        until: int | None = None,
        limit: int | None = None,
    ) -> list[Receipt]:
        """Receipts matching every filter given, oldest start first.

        ``since``/``until`` select jobs that ran entirely within the range:
        ``since ≤ started_at`` and ``completed_at ≤ until``.
        """
        query = (
            sa.select(receipts.c.receipt_id, receipts.c.document)
            .where(*_receipt_filters(client, provider, model, since, until))
            .order_by(receipts.c.started_at, receipts.c.receipt_id)
        )
        if limit is not None:
            _require_count("limit", limit)
            query = query.limit(limit)
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [self._receipt(row.receipt_id, row.document) for row in rows]

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
    ) -> ReceiptPage:
        """One page of the receipts matching the filters (as :meth:`find_receipts`), newest start first.

        ``cursor`` is the ``next_cursor`` of the previous page: keyset
        pagination on (started_at, receipt_id), so pages neither skip nor repeat
        receipts while others are added.
        """
        conditions = _receipt_filters(client, provider, model, since, until)
        with self._read() as connection:
            page = self._page(connection, receipts, receipts.c.started_at, receipts.c.receipt_id, conditions, limit, cursor)
        return Page(tuple(self._receipt(row.receipt_id, row.document) for row in page.items), page.next_cursor)

    def list_receipt_records(
        self,
        *,
        client: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        since: int | None = None,
        until: int | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ReceiptRecord]:
        """:meth:`list_receipts` with each receipt's storage time and proof bundles, read in one snapshot."""
        conditions = _receipt_filters(client, provider, model, since, until)
        with self._read() as connection:
            page = self._page(connection, receipts, receipts.c.started_at, receipts.c.receipt_id, conditions, limit, cursor)
            bundles = self._bundles_by(connection, proof_bundles.c.receipt_id, [row.receipt_id for row in page.items])
        items = tuple(
            ReceiptRecord(self._receipt(row.receipt_id, row.document), row.stored_at, bundles.get(row.receipt_id, ()))
            for row in page.items
        )
        return Page(items, page.next_cursor)

    def _page(
        self, connection: Connection, table: sa.Table, time: sa.Column[Any], key: sa.Column[Any], conditions: list[Any],
        limit: int, cursor: str | None,
    ) -> Page[Row[Any]]:
        """Rows (id, time, document, stored_at) of ``table`` newest first on (time, key), after ``cursor``; at most ``limit``."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
            raise StoreError(f"limit: must be an integer from 1 to {MAX_PAGE_SIZE}, got {limit!r:.40}")
        if cursor is not None:
            after_time, after_key = decode_cursor(cursor)
            conditions = [*conditions, sa.tuple_(time, key) < sa.tuple_(after_time, after_key)]
        query = (
            sa.select(table.c[key.name], time, table.c.document, table.c.stored_at)
            .where(*conditions)
            .order_by(time.desc(), key.desc())
            .limit(limit + 1)
        )
        rows = connection.execute(query).all()
        more = len(rows) > limit
        last = rows[limit - 1] if more else None
        return Page(tuple(rows[:limit]), encode_cursor(last[1], last[0]) if last is not None else None)

    def _receipt(self, receipt_id: str, document: str) -> Receipt:
        try:
            return parse_receipt(document)
        except ZkReceiptError as error:
            raise StoreError(f"{self.location.display}: stored receipt {receipt_id!r} is corrupt ({error})") from None

    # proof bundles

    def add_proven(
        self,
        receipt: Receipt,
        bundle_json: str,
        *,
        kind: str,
        vk_id: str,
        commitment: int | str,
        replace: bool = False,
        verdict: RecordedVerdict | None = None,
    ) -> StoredProofBundle:
        """Store ``receipt`` (if new) and its proof bundle in one transaction.

        A second bundle of the same receipt under the same ``vk_id`` raises
        DuplicateBundleError (the unique constraint decides, so two writers
        racing never both succeed), unless ``replace`` (re-proving: the new
        bundle takes the old one's row and clears its verdict). StoreError if
        a different receipt is stored under the same id. ``verdict``: the
        bundle's verdict, stored in the same transaction (a verifier that
        checked the bundle before storing it).
        """
        values = _bundle_values(bundle_json, kind, vk_id, commitment) | _verdict_values(verdict)
        return self._add_proven(receipts, "receipt_id", _receipt_row(receipt), values, replace)

    def add_proven_many(
        self, items: Iterable[ProvenItem], *, kind: str, replace: bool = False
    ) -> list[StoredProofBundle]:
        """Store several receipts (each if new) and their bundles in **one** transaction: all of them or none.

        ``items``: ``(receipt, bundle_json, vk_id, commitment)`` each, as the
        arguments of :meth:`add_proven`, with the same checks and the same unique
        constraint: a bundle already stored under its receipt and key raises
        DuplicateBundleError (unless ``replace``) and nothing of the call is
        stored. One commit for the lot (a batch prover calls it once per chunk).
        Rows are written in receipt-id order, so two of these racing on
        overlapping receipts wait for each other instead of deadlocking.
        Returns the stored bundles in the order of ``items``.
        """
        rows = [
            (_receipt_row(receipt), _bundle_values(bundle_json, kind, vk_id, commitment))
            for receipt, bundle_json, vk_id, commitment in items
        ]
        return self._add_proven_rows(receipts, "receipt_id", rows, replace)

    def _add_proven(
        self, table: sa.Table, key: str, row: dict[str, Any], values: dict[str, Any], replace: bool
    ) -> StoredProofBundle:
        return self._add_proven_rows(table, key, [(row, values)], replace)[0]

    def _add_proven_rows(
        self, table: sa.Table, key: str, rows: Sequence[tuple[dict[str, Any], dict[str, Any]]], replace: bool
    ) -> list[StoredProofBundle]:
        """Each document (if new) and its bundle, in one transaction, in ``key`` order; the bundles in ``rows`` order."""
        if not rows:
            return []
        order = sorted(range(len(rows)), key=lambda i: rows[i][0][key])
        stored: dict[int, StoredProofBundle] = {}
        with self._write() as connection:
            for i in order:
                row, values = rows[i]
                self._insert_document(connection, table, key, row)
                stored[i] = self._insert_bundle(connection, key, row[key], values, replace)
        return [stored[i] for i in range(len(rows))]

    def _insert_bundle(
        self, connection: Connection, subject: str, subject_id: str, values: dict[str, Any], replace: bool
    ) -> StoredProofBundle:
        statement = self._insert(proof_bundles).values({**values, subject: subject_id})
        if replace:
            fresh = {name: statement.excluded[name] for name in (*_REPLACED_COLUMNS, *values.keys() & _VERDICT_COLUMNS)}
            cleared = {name: None for name in _VERDICT_COLUMNS - values.keys()}
            statement = statement.on_conflict_do_update(index_elements=[subject, "vk_id"], set_={**fresh, **cleared})
        else:
            statement = statement.on_conflict_do_nothing(index_elements=[subject, "vk_id"])
        row = connection.execute(statement.returning(*proof_bundles.c)).first()
        if row is None:
            noun = subject.removesuffix("_id")
            raise DuplicateBundleError(
                f"{subject}: {noun} {subject_id!r:.80} already has a proof bundle under verification key {values['vk_id']}"
            )
        return _bundle_record(row)

    def add_proof_bundle(
        self,
        receipt_id: str,
        bundle_json: str,
        kind: str = "groth16",
        *,
        vk_id: str | None = None,
        commitment: int | str | None = None,
    ) -> StoredProofBundle:
        """Attach a proof bundle (JSON text) to a stored receipt; RecordNotFoundError if the receipt is absent.

        Prefer :meth:`add_proven` (receipt and bundle in one transaction).
        """
        values = _bundle_values(bundle_json, kind, vk_id, commitment)
        with self._write() as connection:
            if connection.execute(sa.select(receipts.c.receipt_id).where(receipts.c.receipt_id == receipt_id)).first() is None:
                raise RecordNotFoundError(f"receipt_id: no stored receipt {receipt_id!r:.80} to attach a proof bundle to")
            return self._insert_bundle(connection, "receipt_id", receipt_id, values, replace=False)

    def proof_bundles(self, receipt_id: str) -> list[StoredProofBundle]:
        """The proof bundles of ``receipt_id``, oldest first."""
        with self._read() as connection:
            return list(self._bundles(connection, proof_bundles.c.receipt_id == receipt_id))

    def _bundles(self, connection: Connection, condition: Any) -> tuple[StoredProofBundle, ...]:
        rows = connection.execute(sa.select(proof_bundles).where(condition).order_by(proof_bundles.c.bundle_id))
        return tuple(_bundle_record(row) for row in rows)

    def _bundles_by(
        self, connection: Connection, subject: sa.Column[Any], subject_ids: list[str]
    ) -> dict[str, tuple[StoredProofBundle, ...]]:
        """The bundles of each of ``subject_ids`` (receipt or invoice ids), oldest first (one query per IN chunk)."""
        found: dict[str, list[StoredProofBundle]] = {}
        for start in range(0, len(subject_ids), _IN_CHUNK):
            for bundle in self._bundles(connection, subject.in_(subject_ids[start : start + _IN_CHUNK])):
                found.setdefault(getattr(bundle, subject.name), []).append(bundle)
        return {subject_id: tuple(bundles) for subject_id, bundles in found.items()}

    def proven_receipt_ids(self, vk_id: str, receipt_ids: Iterable[str]) -> set[str]:
        """Which of ``receipt_ids`` already have a bundle under ``vk_id`` (the resume rule of batches)."""
        wanted = list(dict.fromkeys(receipt_ids))
        found: set[str] = set()
        with self._read() as connection:
            for start in range(0, len(wanted), _IN_CHUNK):
                query = sa.select(proof_bundles.c.receipt_id).where(
                    proof_bundles.c.vk_id == vk_id, proof_bundles.c.receipt_id.in_(wanted[start : start + _IN_CHUNK])
                )
                found.update(connection.execute(query).scalars())
        return found

    def get_bundle(self, bundle_id: int) -> StoredProofBundle:
        """The bundle ``bundle_id`` (of a receipt or an invoice); RecordNotFoundError if absent."""
        with self._read() as connection:
            bundles = self._bundles(connection, proof_bundles.c.bundle_id == _require_count("bundle_id", bundle_id))
        if not bundles:
            raise RecordNotFoundError(f"bundle_id: no stored proof bundle {bundle_id}")
        return bundles[0]

    def unverified_bundles(self, *, after: int = 0, limit: int = 256) -> list[StoredProofBundle]:
        """Bundles (of receipts and invoices) with no recorded verdict and an id above ``after``, oldest first.

        At most ``limit``; pass the last id as ``after`` for the next ones (a
        bundle whose verdict is never recorded is not returned twice).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
            raise StoreError(f"limit: must be an integer from 1 to {MAX_PAGE_SIZE}, got {limit!r:.40}")
        condition = sa.and_(proof_bundles.c.verified.is_(None), proof_bundles.c.bundle_id > _require_count("after", after))
        with self._read() as connection:
            rows = connection.execute(
                sa.select(proof_bundles).where(condition).order_by(proof_bundles.c.bundle_id).limit(limit)
            )
            return [_bundle_record(row) for row in rows]

    def record_verdict(
        self, bundle_id: int, valid: bool, problems: Sequence[str] = (), verified_at: int | None = None
    ) -> StoredProofBundle:
        """Record the verdict of verifying bundle ``bundle_id`` (the latest verdict wins); return the bundle.

        ``problems`` are one-line reasons; long ones are truncated, never refused.
        """
        values = _verdict_values(RecordedVerdict(valid, problems, verified_at))  # type: ignore[arg-type]
        statement = (
            sa.update(proof_bundles)
            .where(proof_bundles.c.bundle_id == _require_count("bundle_id", bundle_id))
            .values(values)
            .returning(*proof_bundles.c)
        )
        with self._write() as connection:
            row = connection.execute(statement).first()
        if row is None:
            raise RecordNotFoundError(f"bundle_id: no stored proof bundle {bundle_id}")
        return _bundle_record(row)

    # invoices

    def add_invoice(self, invoice: Invoice) -> bool:
        """Store ``invoice``; True if new, False if identical; StoreError if another invoice has its id."""
        row = _invoice_row(invoice)
        with self._write() as connection:
            return self._insert_document(connection, invoices, "invoice_id", row)

    def check_invoice_storable(self, invoice: Invoice) -> None:
        """StoreError if a different invoice is stored under ``invoice``'s id (check before proving)."""
        self._check_storable(invoices, "invoice_id", _invoice_row(invoice))

    def add_invoice_proven(
        self,
        invoice: Invoice,
        bundle_json: str,
        *,
        kind: str,
        vk_id: str,
        commitment: int | str,
        replace: bool = False,
        verdict: RecordedVerdict | None = None,
    ) -> StoredProofBundle:
        """Store ``invoice`` (if new) and its proof bundle (and ``verdict``) in one transaction; as :meth:`add_proven`."""
        values = _bundle_values(bundle_json, kind, vk_id, commitment) | _verdict_values(verdict)
        return self._add_proven(invoices, "invoice_id", _invoice_row(invoice), values, replace)

    def show_invoice(self, invoice_id: str) -> InvoiceRecord:
        """The invoice ``invoice_id`` with its storage time and proof bundles; RecordNotFoundError if absent."""
        document, stored_at, bundles = self._show(invoices, "invoice_id", invoice_id)
        return InvoiceRecord(self._invoice(invoice_id, document), stored_at, bundles)

    def list_invoices(
        self,
        *,
        task_kind: str | None = None,
        since: int | None = None,
        until: int | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> InvoicePage:
        """One page of invoices, newest task creation first; ``since``/``until`` bound the creation time."""
        with self._read() as connection:
            page = self._invoice_rows(connection, task_kind, since, until, limit, cursor)
        return Page(tuple(self._invoice(row.invoice_id, row.document) for row in page.items), page.next_cursor)

    def list_invoice_records(
        self,
        *,
        task_kind: str | None = None,
        since: int | None = None,
        until: int | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[InvoiceRecord]:
        """:meth:`list_invoices` with each invoice's storage time and proof bundles, read in one snapshot."""
        with self._read() as connection:
            page = self._invoice_rows(connection, task_kind, since, until, limit, cursor)
            bundles = self._bundles_by(connection, proof_bundles.c.invoice_id, [row.invoice_id for row in page.items])
        items = tuple(
            InvoiceRecord(self._invoice(row.invoice_id, row.document), row.stored_at, bundles.get(row.invoice_id, ()))
            for row in page.items
        )
        return Page(items, page.next_cursor)

    def _invoice_rows(
        self, connection: Connection, task_kind: str | None, since: int | None, until: int | None, limit: int,
        cursor: str | None,
    ) -> Page[Row[Any]]:
        conditions: list[Any] = []
        if task_kind is not None:
            conditions.append(invoices.c.task_kind == task_kind)
        if since is not None:
            conditions.append(invoices.c.task_created_at >= _require_count("since", since))
        if until is not None:
            conditions.append(invoices.c.task_created_at <= _require_count("until", until))
        return self._page(connection, invoices, invoices.c.task_created_at, invoices.c.invoice_id, conditions, limit, cursor)

    def _invoice(self, invoice_id: str, document: str) -> Invoice:
        try:
            return parse_invoice(document)
        except ZkReceiptError as error:
            raise StoreError(f"{self.location.display}: stored invoice {invoice_id!r} is corrupt ({error})") from None

    # keys

    def add_key(self, record: KeyRecord) -> KeyRecord:
        """Store key metadata (created_at is set now if 0); DuplicateRecordError if another key has that id."""
        if not isinstance(record, KeyRecord):
            raise StoreError(f"key: must be a KeyRecord, got {type(record).__name__}")
        stored = KeyRecord(
            record.key_id, record.algorithm, record.public_key, record.label, record.private_key_path,
            record.created_at or int(time.time()),
        )
        statement = self._insert(keys).values(_fields(stored)).on_conflict_do_nothing(index_elements=["key_id"])
        with self._write() as connection:
            if connection.execute(statement.returning(keys.c.key_id)).first() is None:
                raise DuplicateRecordError(f"key_id: {record.key_id!r} is already stored")
        return stored

    def get_key(self, key_id: str) -> KeyRecord:
        """The metadata of ``key_id``; RecordNotFoundError if absent."""
        with self._read() as connection:
            row = connection.execute(sa.select(keys).where(keys.c.key_id == key_id)).first()
        if row is None:
            raise RecordNotFoundError(f"key_id: no stored key {key_id!r:.80}")
        return KeyRecord(**row._mapping)

    def key_records(self) -> list[KeyRecord]:
        """All stored key metadata, oldest first."""
        with self._read() as connection:
            rows = connection.execute(sa.select(keys).order_by(keys.c.created_at, keys.c.key_id)).all()
        return [KeyRecord(**row._mapping) for row in rows]

    # API keys of the service

    def add_api_key(self, role: str, subject: str, key_hash: str) -> ApiKeyRecord:
        """Store the hash of an API key for ``subject`` (a provider or client name) acting as ``role``.

        Only the SHA-256 of the key reaches the store. DuplicateRecordError if the hash is stored already.
        """
        record = ApiKeyRecord(key_hash, role, subject, int(time.time()))
        statement = self._insert(api_keys).values(_fields(record)).on_conflict_do_nothing(index_elements=["key_hash"])
        with self._write() as connection:
            if connection.execute(statement.returning(api_keys.c.key_hash)).first() is None:
                raise DuplicateRecordError("api key: a key with this hash is already stored")
        return record

    def find_api_key(self, key_hash: str) -> ApiKeyRecord | None:
        """The API key whose SHA-256 is ``key_hash``, or None."""
        with self._read() as connection:
            row = connection.execute(sa.select(api_keys).where(api_keys.c.key_hash == key_hash)).first()
        return None if row is None else ApiKeyRecord(**row._mapping)


def _fields(record: Any) -> dict[str, Any]:
    return dict(vars(record))


def _receipt_row(receipt: Receipt) -> dict[str, Any]:
    """The row of ``receipt`` (its canonical JSON as ``document``); StoreError if it is not a Receipt."""
    if not isinstance(receipt, Receipt):
        raise StoreError(f"receipt: must be a Receipt, got {type(receipt).__name__}")
    return {
        "receipt_id": receipt.receipt_id,
        "job_id": receipt.job_id,
        "provider": receipt.provider,
        "client": receipt.client,
        "model": receipt.model,
        "started_at": receipt.started_at,
        "completed_at": receipt.completed_at,
        "document": _canonical(receipt_to_dict(receipt)),
        "stored_at": int(time.time()),
    }


def _invoice_row(invoice: Invoice) -> dict[str, Any]:
    if not isinstance(invoice, Invoice):
        raise StoreError(f"invoice: must be an Invoice, got {type(invoice).__name__}")
    return {
        "invoice_id": invoice.invoice_id,
        "execution_id": invoice.execution_id,
        "task_id": invoice.task_id,
        "task_kind": invoice.task_kind.value,
        "task_created_at": invoice.task_created_timestamp,
        "document": _canonical(invoice_to_dict(invoice)),
        "stored_at": int(time.time()),
    }


def _canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _bundle_values(bundle_json: str, kind: str, vk_id: str | None, commitment: int | str | None) -> dict[str, Any]:
    """The checked columns of a new bundle; StoreError naming the argument at fault."""
    if not isinstance(bundle_json, str):
        raise StoreError(f"bundle_json: must be JSON text, got {type(bundle_json).__name__}")
    if len(bundle_json) > MAX_BUNDLE_BYTES:
        raise StoreError(f"bundle_json: larger than {MAX_BUNDLE_BYTES} characters")
    try:
        json.loads(bundle_json)
    except ValueError as error:
        raise StoreError(f"bundle_json: not valid JSON ({error})") from None
    if not isinstance(kind, str) or not 0 < len(kind) <= 64:
        raise StoreError("kind: must be a non-empty string of at most 64 characters")
    if vk_id is not None and (
        not isinstance(vk_id, str) or len(vk_id) != _VK_ID_LENGTH or vk_id.strip("0123456789abcdef")
    ):
        raise StoreError(f"vk_id: must be {_VK_ID_LENGTH} lowercase hex characters, got {vk_id!r:.80}")
    if commitment is not None:
        try:
            value = int(commitment) if not isinstance(commitment, bool) else -1
        except ValueError:
            value = -1
        if not 0 <= value < 1 << 256:
            raise StoreError(f"commitment: must be a field element (decimal), got {commitment!r:.80}")
        commitment = str(value)
    return {
        "kind": kind,
        "vk_id": vk_id,
        "commitment": commitment,
        "bundle_json": bundle_json,
        "created_at": int(time.time()),
    }


_REPLACED_COLUMNS = ("kind", "commitment", "bundle_json", "created_at")
_VERDICT_COLUMNS = frozenset({"verified", "verified_at", "problems"})


def _verdict_values(verdict: RecordedVerdict | None) -> dict[str, Any]:
    """The verdict columns of ``verdict`` (none for None); StoreError naming the field at fault.

    ``problems`` are one-line reasons; long ones (or too many) are truncated, never refused.
    """
    if verdict is None:
        return {}
    if not isinstance(verdict, RecordedVerdict):
        raise StoreError(f"verdict: must be a RecordedVerdict, got {type(verdict).__name__}")
    if not isinstance(verdict.valid, bool):
        raise StoreError(f"valid: must be a boolean, got {verdict.valid!r:.40}")
    problems = verdict.problems
    if isinstance(problems, str) or not all(isinstance(problem, str) for problem in problems):
        raise StoreError("problems: must be a list of strings")
    kept = [_truncate(problem, MAX_PROBLEM_LENGTH) for problem in list(problems)[:MAX_PROBLEMS]]
    when = int(time.time()) if verdict.verified_at is None else _require_count("verified_at", verdict.verified_at)
    return {"verified": verdict.valid, "verified_at": when, "problems": json.dumps(kept, ensure_ascii=False)}


def _bundle_record(row: Row[Any]) -> StoredProofBundle:
    return StoredProofBundle(
        bundle_id=row.bundle_id,
        receipt_id=row.receipt_id,
        kind=row.kind,
        bundle_json=row.bundle_json,
        created_at=row.created_at,
        vk_id=row.vk_id,
        commitment=row.commitment,
        verified=None if row.verified is None else bool(row.verified),
        verified_at=row.verified_at,
        problems=tuple(json.loads(row.problems)) if row.problems else (),
        invoice_id=row.invoice_id,
    )


def _receipt_filters(
    client: str | None, provider: str | None, model: str | None, since: int | None, until: int | None
) -> list[Any]:
    conditions: list[Any] = [
        receipts.c[name] == value for name, value in (("client", client), ("provider", provider), ("model", model))
        if value is not None
    ]
    if since is not None:
        conditions.append(receipts.c.started_at >= _require_count("since", since))
    if until is not None:
        conditions.append(receipts.c.completed_at <= _require_count("until", until))
    return conditions


def _conflict(key: str, value: str) -> RecordConflictError:
    return RecordConflictError(f"{key}: {value!r} is already stored with different content")


def _require_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value >= 1 << 63:
        raise StoreError(f"{name}: must be a non-negative integer, got {value!r:.40}")
    return value


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
