"""The store's one schema (SQLAlchemy Core, the same on SQLite and PostgreSQL) and its migrations.

Tables (version 2)::

    receipts       receipt_id PK, job_id, provider, client, model, started_at, completed_at,
                   document (canonical JSON), stored_at
    invoices       invoice_id PK, execution_id, task_id, task_kind, task_created_at, document, stored_at
    proof_bundles  bundle_id PK, receipt_id → receipts | invoice_id → invoices (exactly one),
                   kind, vk_id, commitment, bundle_json, created_at, verified, verified_at, problems
                   UNIQUE (receipt_id, vk_id), UNIQUE (invoice_id, vk_id): one bundle per subject and key
    keys           key_id PK, algorithm, public_key, label, private_key_path, created_at
    api_keys       key_hash PK (SHA-256 hex of the key), role, subject, created_at
    schema_version version PK, applied_at: one row per version reached

Listings run newest first on the ``*_newest`` indexes (time, id), which are
also the keyset of their cursors. Times are Unix seconds (BIGINT).

Migration rule: a store records the versions it went through in
``schema_version``; opening a store reads that with a plain read (no write
lock) and, only when it is older than :data:`SCHEMA_VERSION`, takes the write
lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory transaction lock),
reads the version again and runs each missing step once, all in one
transaction. A newer store is refused. Version 1 (SQLite only, the version in
``PRAGMA user_version``, no ``schema_version`` table) is migrated: its proof
bundles get their key id and commitment from their JSON, and duplicate bundles
of one receipt under one key (left by re-run batches) keep the newest.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...errors import StoreError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
#: PostgreSQL advisory-lock key that serializes migrations ("zkre" in ASCII).
MIGRATION_LOCK_KEY = 0x7A6B7265

metadata = sa.MetaData()
_BundleId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: INTEGER PRIMARY KEY is the rowid

receipts = sa.Table(
    "receipts",
    metadata,
    sa.Column("receipt_id", sa.Text, primary_key=True),
    sa.Column("job_id", sa.Text, nullable=False),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("client", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("started_at", sa.BigInteger, nullable=False),
    sa.Column("completed_at", sa.BigInteger, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("stored_at", sa.BigInteger, nullable=False),
    sa.Index("receipts_newest", "started_at", "receipt_id"),
    sa.Index("receipts_by_client_newest", "client", "started_at", "receipt_id"),
    sa.Index("receipts_by_provider_newest", "provider", "started_at", "receipt_id"),
    sa.Index("receipts_by_model_newest", "model", "started_at", "receipt_id"),
)

invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("invoice_id", sa.Text, primary_key=True),
    sa.Column("execution_id", sa.Text, nullable=False),
    sa.Column("task_id", sa.Text, nullable=False),
    sa.Column("task_kind", sa.Text, nullable=False),
    sa.Column("task_created_at", sa.BigInteger, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("stored_at", sa.BigInteger, nullable=False),
    sa.Index("invoices_newest", "task_created_at", "invoice_id"),
    sa.Index("invoices_by_kind_newest", "task_kind", "task_created_at", "invoice_id"),
)

proof_bundles = sa.Table(
    "proof_bundles",
    metadata,
    sa.Column("bundle_id", _BundleId, primary_key=True, autoincrement=True),
    sa.Column("receipt_id", sa.Text, sa.ForeignKey("receipts.receipt_id")),
    sa.Column("invoice_id", sa.Text, sa.ForeignKey("invoices.invoice_id")),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("vk_id", sa.Text),
    sa.Column("commitment", sa.Text),
    sa.Column("bundle_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("verified", sa.Boolean),
    sa.Column("verified_at", sa.BigInteger),
    sa.Column("problems", sa.Text),  # JSON list of one-line reasons
    sa.CheckConstraint("(receipt_id IS NULL) <> (invoice_id IS NULL)", name="proof_bundles_one_subject"),
    sa.UniqueConstraint("receipt_id", "vk_id", name="proof_bundles_one_per_receipt_and_key"),
    sa.UniqueConstraint("invoice_id", "vk_id", name="proof_bundles_one_per_invoice_and_key"),
    sqlite_autoincrement=True,  # ids are never reused, as in version 1
)

keys = sa.Table(
    "keys",
    metadata,
    sa.Column("key_id", sa.Text, primary_key=True),
    sa.Column("algorithm", sa.Text, nullable=False),
    sa.Column("public_key", sa.Text, nullable=False),
    sa.Column("label", sa.Text),
    sa.Column("private_key_path", sa.Text),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_hash", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.CheckConstraint("role IN ('provider', 'client')", name="api_keys_role"),
)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.BigInteger, nullable=False),
)


def read_version(connection: Connection, where: str) -> int:
    """The store's schema version (0: an empty database); StoreError for a database that is not a store."""
    inspector = sa.inspect(connection)
    if inspector.has_table("schema_version"):
        return connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar_one() or 0
    if connection.dialect.name == "sqlite":
        version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
        if version == 0 and inspector.get_table_names():
            raise StoreError(f"{where}: not a zkreceipt store (it has tables but no zkreceipt schema)")
        return int(version)
    if inspector.has_table("receipts"):
        raise StoreError(f"{where}: not a zkreceipt store (a receipts table without a zkreceipt schema_version)")
    return 0


def refuse_newer(version: int, where: str) -> None:
    """StoreError if the store was written by a newer zkreceipt (its schema is unknown here)."""
    if version > SCHEMA_VERSION:
        raise StoreError(f"{where}: store schema version {version} is newer than this zkreceipt's ({SCHEMA_VERSION})")


def upgrade(connection: Connection, version: int, where: str) -> None:
    """Bring a store at ``version`` to :data:`SCHEMA_VERSION` inside the caller's write transaction."""
    refuse_newer(version, where)
    if version == 0:
        metadata.create_all(connection)
        _record_version(connection, SCHEMA_VERSION)
        return
    for step in range(version, SCHEMA_VERSION):
        _STEPS[step](connection)
        _record_version(connection, step + 1)
        logger.info("store schema migrated", extra={"from_version": step, "to_version": step + 1})


def _record_version(connection: Connection, version: int) -> None:
    connection.execute(sa.insert(schema_version).values(version=version, applied_at=int(time.time())))
    if connection.dialect.name == "sqlite":
        # zkreceipt 0.1 reads user_version and refuses a store newer than its own.
        connection.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


_VERSION_1_INDEXES = ("receipts_by_client", "receipts_by_provider", "receipts_by_model", "receipts_by_start")


def _version_1_to_2(connection: Connection) -> None:
    """SQLite: rebuild proof_bundles with key ids, commitments, verdicts and the one-per-key constraint."""
    connection.exec_driver_sql("ALTER TABLE proof_bundles RENAME TO proof_bundles_v1")
    for name in _VERSION_1_INDEXES:
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    metadata.create_all(connection)  # the new proof_bundles, invoices, api_keys, schema_version
    for index in receipts.indexes:
        index.create(connection, checkfirst=True)
    newest: dict[tuple[str, str], dict[str, object]] = {}
    rows: list[dict[str, object]] = []
    old = connection.exec_driver_sql(
        "SELECT bundle_id, receipt_id, kind, bundle_json, created_at FROM proof_bundles_v1 ORDER BY bundle_id"
    )
    seen = 0
    for bundle_id, receipt_id, kind, bundle_json, created_at in old:
        seen += 1
        vk_id, commitment = _key_and_commitment(bundle_json)
        row = dict(bundle_id=bundle_id, receipt_id=receipt_id, kind=kind, vk_id=vk_id, commitment=commitment,
                   bundle_json=bundle_json, created_at=created_at)
        if vk_id is None:
            rows.append(row)
        else:
            newest[(receipt_id, vk_id)] = row  # a later bundle of the same receipt and key replaces an earlier one
    rows.extend(newest.values())
    if rows:
        rows.sort(key=lambda row: int(row["bundle_id"]))  # type: ignore[call-overload]
        connection.execute(sa.insert(proof_bundles), rows)
    connection.exec_driver_sql("DROP TABLE proof_bundles_v1")
    logger.info("proof bundles migrated", extra={"bundles_kept": len(rows), "duplicates_dropped": seen - len(rows)})


def _key_and_commitment(bundle_json: str) -> tuple[str | None, str | None]:
    """The ``vk_id`` and ``commitment`` members of a stored bundle, None where absent or malformed."""
    try:
        document = json.loads(bundle_json)
    except ValueError:
        return None, None
    if not isinstance(document, dict):
        return None, None
    vk_id = document.get("vk_id")
    commitment = document.get("commitment")
    return (
        vk_id if isinstance(vk_id, str) and vk_id else None,
        str(commitment) if isinstance(commitment, (str, int)) and not isinstance(commitment, bool) else None,
    )


_STEPS: dict[int, Callable[[Connection], None]] = {1: _version_1_to_2}
