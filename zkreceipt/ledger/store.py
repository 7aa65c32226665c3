"""The persistent store: receipts, proof bundles and key metadata in one SQLite file.

Location: ``path`` if given, else ``$ZKRECEIPT_HOME/zkreceipt.db``, else
``~/.zkreceipt/zkreceipt.db`` (the directory is created 0700, the file 0600).

Every write is one SQLite transaction (``BEGIN IMMEDIATE`` … ``COMMIT``,
``synchronous = FULL``), so a write is either complete or absent. Batches
commit item by item and report each item only after its commit, so a crash
mid-batch loses nothing already reported as stored. Proof bundles are kept as
JSON text the store does not interpret. Private keys are never stored: only
key ids, public keys, labels and where the private key file lives.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from ..errors import StoreError, ZkReceiptError
from ..receipts import Receipt, parse_receipt, receipt_to_dict
from ..receipts.ed25519_keys import ed25519_key_id
from ..receipts.receipt import ED25519_ALGORITHM
from ..receipts.secp256k1_keys import normalize_address
from .home import HOME_ENVIRONMENT_VARIABLE, zkreceipt_home

STORE_FILE_NAME = "zkreceipt.db"
SCHEMA_VERSION = 1
KEY_ALGORITHMS = (ED25519_ALGORITHM, "secp256k1")
MAX_BUNDLE_BYTES = 16 << 20
_BUSY_TIMEOUT_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE receipts (
    receipt_id   TEXT PRIMARY KEY,
    job_id       TEXT NOT NULL,
    provider     TEXT NOT NULL,
    client       TEXT NOT NULL,
    model        TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    completed_at INTEGER NOT NULL,
    document     TEXT NOT NULL,
    stored_at    INTEGER NOT NULL
);
CREATE INDEX receipts_by_client ON receipts (client, started_at);
CREATE INDEX receipts_by_provider ON receipts (provider, started_at);
CREATE INDEX receipts_by_model ON receipts (model, started_at);
CREATE INDEX receipts_by_start ON receipts (started_at);
CREATE TABLE proof_bundles (
    bundle_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_id  TEXT NOT NULL REFERENCES receipts (receipt_id),
    kind        TEXT NOT NULL,
    bundle_json TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX proof_bundles_by_receipt ON proof_bundles (receipt_id);
CREATE TABLE keys (
    key_id           TEXT PRIMARY KEY,
    algorithm        TEXT NOT NULL,
    public_key       TEXT NOT NULL,
    label            TEXT,
    private_key_path TEXT,
    created_at       INTEGER NOT NULL
);
"""


class RecordNotFoundError(StoreError):
    """No stored record has the id asked for."""


def default_store_path() -> Path:
    """Where the store lives when no path is given."""
    return zkreceipt_home() / STORE_FILE_NAME


@dataclass(frozen=True)
class StoredProofBundle:
    """A proof bundle (JSON text, opaque to the store) attached to a receipt."""

    bundle_id: int
    receipt_id: str
    kind: str
    bundle_json: str
    created_at: int


@dataclass(frozen=True)
class ReceiptRecord:
    """What ``receipt show ID`` displays: the receipt, when it was stored, and its proof bundles."""

    receipt: Receipt
    stored_at: int
    proof_bundles: tuple[StoredProofBundle, ...]


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


class ReceiptStore:
    """A SQLite store of receipts, proof bundles and key metadata; use as a context manager or call close()."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._connection = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(descriptor)
            connection = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"{self.path}: cannot open the store ({error})") from None
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = FULL")
            self._migrate(connection)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise StoreError(f"{self.path}: not a zkreceipt store ({error})") from None
        except StoreError:
            connection.close()
            raise
        return connection

    def _migrate(self, connection: sqlite3.Connection) -> None:
        """Create the schema in a new (empty) database; refuse a foreign or newer one."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema version {version} is newer than this zkreceipt's ({SCHEMA_VERSION})"
                )
            if version == 0:
                if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise StoreError(f"{self.path}: not a zkreceipt store (it has tables but no zkreceipt schema)")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot start a transaction ({error})") from None
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        try:
            self._connection.execute("COMMIT")
        except sqlite3.Error as error:
            self._connection.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot commit ({error})") from None

    def _query(self, sql: str, parameters: Iterable[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: query failed ({error})") from None

    # receipts

    def add_receipt(self, receipt: Receipt) -> bool:
        """Store ``receipt``; True if new, False if the identical receipt was already stored.

        StoreError if a different receipt is stored under the same receipt_id.
        """
        document = _receipt_document(receipt)
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT document FROM receipts WHERE receipt_id = ?", (receipt.receipt_id,)
            ).fetchone()
            if row is not None:
                if row[0] == document:
                    return False
                raise _conflict(receipt)
            connection.execute(
                "INSERT INTO receipts (receipt_id, job_id, provider, client, model, started_at, completed_at, document,"
                " stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    receipt.receipt_id,
                    receipt.job_id,
                    receipt.provider,
                    receipt.client,
                    receipt.model,
                    receipt.started_at,
                    receipt.completed_at,
                    document,
                    int(time.time()),
                ),
            )
        return True

    def check_receipt_storable(self, receipt: Receipt) -> None:
        """StoreError if a different receipt is stored under ``receipt``'s id (check before long work)."""
        rows = self._query("SELECT document FROM receipts WHERE receipt_id = ?", (receipt.receipt_id,))
        if rows and rows[0][0] != _receipt_document(receipt):
            raise _conflict(receipt)

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

    def _receipt_from_document(self, receipt_id: str, document: str) -> Receipt:
        try:
            return parse_receipt(document)
        except ZkReceiptError as error:
            raise StoreError(f"{self.path}: stored receipt {receipt_id!r} is corrupt ({error})") from None

    def get_receipt(self, receipt_id: str) -> Receipt:
        """The stored receipt ``receipt_id``; RecordNotFoundError if there is none."""
        return self.show_receipt(receipt_id).receipt

    def show_receipt(self, receipt_id: str) -> ReceiptRecord:
        """The receipt ``receipt_id`` with its storage time and proof bundles; RecordNotFoundError if absent."""
        rows = self._query("SELECT document, stored_at FROM receipts WHERE receipt_id = ?", (receipt_id,))
        if not rows:
            raise RecordNotFoundError(f"receipt_id: no stored receipt {receipt_id!r:.80}")
        document, stored_at = rows[0]
        return ReceiptRecord(
            receipt=self._receipt_from_document(receipt_id, document),
            stored_at=stored_at,
            proof_bundles=tuple(self.proof_bundles(receipt_id)),
        )

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
        conditions: list[str] = []
        parameters: list[object] = []
        for column, value in (("client", client), ("provider", provider), ("model", model)):
            if value is not None:
                conditions.append(f"{column} = ?")
                parameters.append(value)
        for name, column, operator, bound in (
            ("since", "started_at", ">=", since),
            ("until", "completed_at", "<=", until),
        ):
            if bound is not None:
                _require_count(name, bound)
                conditions.append(f"{column} {operator} ?")
                parameters.append(bound)
        sql = "SELECT receipt_id, document FROM receipts"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        sql += " ORDER BY started_at, receipt_id"
        if limit is not None:
            _require_count("limit", limit)
            sql += " LIMIT ?"
            parameters.append(limit)
        return [
            self._receipt_from_document(receipt_id, document) for receipt_id, document in self._query(sql, parameters)
        ]

    # proof bundles

    def add_proof_bundle(self, receipt_id: str, bundle_json: str, kind: str = "groth16") -> StoredProofBundle:
        """Attach a proof bundle (JSON text) to a stored receipt; RecordNotFoundError if the receipt is absent."""
        if not isinstance(bundle_json, str):
            raise StoreError(f"bundle_json: must be JSON text, got {type(bundle_json).__name__}")
        if len(bundle_json) > MAX_BUNDLE_BYTES:
            raise StoreError(f"bundle_json: larger than {MAX_BUNDLE_BYTES} characters")
        try:
            json.loads(bundle_json)
        except ValueError as error:
            raise StoreError(f"bundle_json: not valid JSON ({error})") from None
        if not isinstance(kind, str) or not kind:
            raise StoreError("kind: must be a non-empty string")
        created_at = int(time.time())
        with self._transaction() as connection:
            if connection.execute("SELECT 1 FROM receipts WHERE receipt_id = ?", (receipt_id,)).fetchone() is None:
                raise RecordNotFoundError(
                    f"receipt_id: no stored receipt {receipt_id!r:.80} to attach a proof bundle to"
                )
            cursor = connection.execute(
                "INSERT INTO proof_bundles (receipt_id, kind, bundle_json, created_at) VALUES (?, ?, ?, ?)",
                (receipt_id, kind, bundle_json, created_at),
            )
            bundle_id = cursor.lastrowid
        assert bundle_id is not None
        return StoredProofBundle(bundle_id, receipt_id, kind, bundle_json, created_at)

    def proof_bundles(self, receipt_id: str) -> list[StoredProofBundle]:
        """The proof bundles of ``receipt_id``, oldest first."""
        rows = self._query(
            "SELECT bundle_id, receipt_id, kind, bundle_json, created_at FROM proof_bundles"
            " WHERE receipt_id = ? ORDER BY bundle_id",
            (receipt_id,),
        )
        return [StoredProofBundle(*row) for row in rows]

    # keys

    def add_key(self, record: KeyRecord) -> KeyRecord:
        """Store key metadata (created_at is set now if 0); StoreError if another key has that id."""
        if not isinstance(record, KeyRecord):
            raise StoreError(f"key: must be a KeyRecord, got {type(record).__name__}")
        created_at = record.created_at or int(time.time())
        with self._transaction() as connection:
            if connection.execute("SELECT 1 FROM keys WHERE key_id = ?", (record.key_id,)).fetchone() is not None:
                raise StoreError(f"key_id: {record.key_id!r} is already stored")
            connection.execute(
                "INSERT INTO keys (key_id, algorithm, public_key, label, private_key_path, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (record.key_id, record.algorithm, record.public_key, record.label, record.private_key_path, created_at),
            )
        return KeyRecord(
            record.key_id, record.algorithm, record.public_key, record.label, record.private_key_path, created_at
        )

    def get_key(self, key_id: str) -> KeyRecord:
        """The metadata of ``key_id``; RecordNotFoundError if absent."""
        rows = self._query(_KEY_COLUMNS_SQL + " WHERE key_id = ?", (key_id,))
        if not rows:
            raise RecordNotFoundError(f"key_id: no stored key {key_id!r:.80}")
        return KeyRecord(*rows[0])

    def key_records(self) -> list[KeyRecord]:
        """All stored key metadata, oldest first."""
        return [KeyRecord(*row) for row in self._query(_KEY_COLUMNS_SQL + " ORDER BY created_at, key_id")]


_KEY_COLUMNS_SQL = "SELECT key_id, algorithm, public_key, label, private_key_path, created_at FROM keys"


def _receipt_document(receipt: Receipt) -> str:
    """The canonical stored JSON of ``receipt``; StoreError if it is not a Receipt."""
    if not isinstance(receipt, Receipt):
        raise StoreError(f"receipt: must be a Receipt, got {type(receipt).__name__}")
    return json.dumps(receipt_to_dict(receipt), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _conflict(receipt: Receipt) -> StoreError:
    return StoreError(f"receipt_id: {receipt.receipt_id!r} is already stored with different content")


def _require_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value >= 1 << 63:
        raise StoreError(f"{name}: must be a non-negative integer, got {value!r:.40}")
