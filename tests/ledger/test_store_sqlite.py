"""What only the SQLite backend has: the file in the home, WAL, the migration of version-1 stores, foreign files."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from store_testing import VK_A, VK_B, make_receipt

from zkreceipt.errors import StoreError
from zkreceipt.ledger.home import zkreceipt_home
from zkreceipt.ledger.store import DuplicateBundleError, ReceiptStore, default_store_path
from zkreceipt.receipts import receipt_to_dict

#: The schema zkreceipt 0.1 created (PRAGMA user_version = 1), verbatim: the migration's input.
VERSION_1_SCHEMA = """
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
PRAGMA user_version = 1;
"""


def test_default_location_is_private_and_in_wal_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZKRECEIPT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "new" / "home"))
    assert default_store_path() == tmp_path / "new" / "home" / "zkreceipt.db"
    with ReceiptStore() as store:
        assert store.path == tmp_path / "new" / "home" / "zkreceipt.db"
        store.add_receipt(make_receipt(1))
        assert stat.S_IMODE(Path(f"{store.path}-wal").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new" / "home").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700  # created on the way: private too
    assert stat.S_IMODE(default_store_path().stat().st_mode) == 0o600
    with sqlite3.connect(default_store_path()) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    monkeypatch.delenv("ZKRECEIPT_HOME")
    assert zkreceipt_home() == Path.home() / ".zkreceipt"


def test_database_url_variable_selects_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ZKRECEIPT_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with ReceiptStore() as store:
        store.add_receipt(make_receipt(1))
    assert (tmp_path / "elsewhere.db").exists() and not (tmp_path / "home" / "zkreceipt.db").exists()


def _version_1_store(path: Path) -> None:
    """A store as zkreceipt 0.1 left it, after a batch was proven twice (duplicate bundles)."""
    with sqlite3.connect(path) as connection:
        connection.executescript(VERSION_1_SCHEMA)
        for number in (1, 2):
            receipt = make_receipt(number, started_at=100 * number)
            document = json.dumps(receipt_to_dict(receipt), sort_keys=True, separators=(",", ":"))
            connection.execute(
                "INSERT INTO receipts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (receipt.receipt_id, receipt.job_id, receipt.provider, receipt.client, receipt.model,
                 receipt.started_at, receipt.completed_at, document, 1700000000 + number),
            )
        bundles = [
            ("rcpt-0001", json.dumps({"vk_id": VK_A, "commitment": "111", "run": 1})),
            ("rcpt-0001", json.dumps({"vk_id": VK_A, "commitment": "222", "run": 2})),  # the re-run's: kept
            ("rcpt-0001", json.dumps({"vk_id": VK_B, "commitment": "333"})),
            ("rcpt-0002", "{}"),  # no key id (an old test bundle): kept, unconstrained
            ("rcpt-0002", "[1, 2]"),
        ]
        for receipt_id, bundle in bundles:
            connection.execute(
                "INSERT INTO proof_bundles (receipt_id, kind, bundle_json, created_at) VALUES (?, 'groth16-receipt', ?, 5)",
                (receipt_id, bundle),
            )
        connection.execute(
            "INSERT INTO keys VALUES ('0x1111111111111111111111111111111111111111', 'secp256k1', "
            "'0x1111111111111111111111111111111111111111', NULL, NULL, 7)"
        )


def test_a_version_1_store_is_migrated_once(tmp_path: Path) -> None:
    path = tmp_path / "zkreceipt.db"
    _version_1_store(path)
    with ReceiptStore(path) as store:
        bundles = store.proof_bundles("rcpt-0001")
        assert [(b.bundle_id, b.vk_id, b.commitment) for b in bundles] == [(2, VK_A, "222"), (3, VK_B, "333")]
        assert json.loads(bundles[0].bundle_json)["run"] == 2
        assert [(b.bundle_id, b.vk_id) for b in store.proof_bundles("rcpt-0002")] == [(4, None), (5, None)]
        assert [r.receipt_id for r in store.list_receipts().items] == ["rcpt-0002", "rcpt-0001"]
        assert store.show_receipt("rcpt-0002").stored_at == 1700000002
        assert [k.created_at for k in store.key_records()] == [7]
        assert store.proven_receipt_ids(VK_A, ["rcpt-0001", "rcpt-0002"]) == {"rcpt-0001"}
        with pytest.raises(DuplicateBundleError):
            store.add_proven(make_receipt(1, started_at=100), "{}", kind="k", vk_id=VK_A, commitment=1)
        new = store.add_proven(make_receipt(3), "{}", kind="k", vk_id=VK_A, commitment=1)
        assert new.bundle_id == 6  # AUTOINCREMENT: ids of the old table are never reused
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (2,)  # zkreceipt 0.1 refuses it now
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT version FROM schema_version").fetchall() == [(2,)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "proof_bundles_v1" not in tables and {"invoices", "api_keys"} <= tables
    with ReceiptStore(path) as store:  # a second open changes nothing
        assert len(store.proof_bundles("rcpt-0001")) == 2
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM schema_version").fetchone() == (1,)


def test_a_failed_migration_leaves_the_version_1_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "zkreceipt.db"
    _version_1_store(path)
    from zkreceipt.ledger.store import schema

    def failing_step(connection: object) -> None:
        schema._version_1_to_2(connection)  # type: ignore[arg-type]
        raise RuntimeError("power cut during the migration")

    monkeypatch.setitem(schema._STEPS, 1, failing_step)
    with pytest.raises(RuntimeError, match="power cut"):
        ReceiptStore(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM proof_bundles").fetchone() == (5,)
    monkeypatch.undo()
    with ReceiptStore(path) as store:
        assert len(store.proof_bundles("rcpt-0001")) == 2


def test_foreign_and_corrupt_files_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="junk.db: not a zkreceipt store"):
        ReceiptStore(junk)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="has tables but no zkreceipt schema"):
        ReceiptStore(other)
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="schema version 99 is newer"):
        ReceiptStore(newer)
    with pytest.raises(StoreError, match="cannot open the store"):
        ReceiptStore(tmp_path)  # a directory
