"""The SQLite store: persistence, queries, proof bundles, key metadata, atomicity and crash safety."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from zkreceipt.errors import StoreError
from zkreceipt.receipts import (
    Receipt,
    ed25519_key_id,
    generate_accounting_key,
    generate_signing_key,
    parse_receipt,
    sign_receipt,
)
from zkreceipt.ledger.home import zkreceipt_home
from zkreceipt.ledger.store import KeyRecord, ReceiptStore, RecordNotFoundError, default_store_path


def _receipt(
    number: int,
    *,
    client: str = "client-a",
    provider: str = "prov-1",
    model: str = "llama3.2",
    started_at: int = 1737730800,
) -> Receipt:
    return parse_receipt(
        {
            "receipt_id": f"rcpt-{number:04d}",
            "job_id": f"job-{number}",
            "provider": provider,
            "client": client,
            "units": "2.5",
            "unit_type": "gpu_seconds",
            "price": "5.0",
            "model": model,
            "started_at": started_at,
            "completed_at": started_at + 3,
        }
    )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "zkreceipt.db"


def test_default_location_follows_zkreceipt_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "custom"))
    assert zkreceipt_home() == tmp_path / "custom"
    assert default_store_path() == tmp_path / "custom" / "zkreceipt.db"
    with ReceiptStore() as store:
        assert store.path == tmp_path / "custom" / "zkreceipt.db"
    assert stat.S_IMODE((tmp_path / "custom" / "zkreceipt.db").stat().st_mode) == 0o600
    monkeypatch.delenv("ZKRECEIPT_HOME")
    assert zkreceipt_home() == Path.home() / ".zkreceipt"


def test_receipts_persist_with_their_signature(store_path: Path) -> None:
    key = generate_signing_key()
    signed = sign_receipt(_receipt(1), key)
    with ReceiptStore(store_path) as store:
        assert store.add_receipt(signed) is True
        assert store.add_receipt(signed) is False  # identical: idempotent
    with ReceiptStore(store_path) as store:
        assert store.get_receipt("rcpt-0001") == signed


def test_conflicting_receipt_id_is_refused(store_path: Path) -> None:
    with ReceiptStore(store_path) as store:
        store.add_receipt(_receipt(1))
        with pytest.raises(StoreError, match="'rcpt-0001' is already stored with different content"):
            store.add_receipt(dataclasses.replace(_receipt(1), client="someone-else"))
        assert store.get_receipt("rcpt-0001").client == "client-a"


def test_queries(store_path: Path) -> None:
    receipts = [
        _receipt(1, client="alice", provider="p1", model="llama3.2", started_at=100),
        _receipt(2, client="bob", provider="p1", model="codellama", started_at=200),
        _receipt(3, client="alice", provider="p2", model="codellama", started_at=300),
        _receipt(4, client="alice", provider="p1", model="llama3.2", started_at=400),
    ]
    receipts[1] = dataclasses.replace(receipts[1], price_fp=6_250_000)
    receipts[2] = dataclasses.replace(receipts[2], price_fp=6_250_000)
    with ReceiptStore(store_path) as store:
        store.add_receipts(reversed(receipts))

        def ids(found: list[Receipt]) -> list[str]:
            return [receipt.receipt_id for receipt in found]

        assert ids(store.find_receipts()) == ["rcpt-0001", "rcpt-0002", "rcpt-0003", "rcpt-0004"]
        assert ids(store.find_receipts(client="alice")) == ["rcpt-0001", "rcpt-0003", "rcpt-0004"]
        assert ids(store.find_receipts(provider="p1", model="llama3.2")) == ["rcpt-0001", "rcpt-0004"]
        assert ids(store.find_receipts(model="codellama", client="alice")) == ["rcpt-0003"]
        assert ids(store.find_receipts(since=200, until=303)) == ["rcpt-0002", "rcpt-0003"]
        assert ids(store.find_receipts(since=200, until=302)) == ["rcpt-0002"]  # must end by `until`
        assert ids(store.find_receipts(client="alice", limit=2)) == ["rcpt-0001", "rcpt-0003"]
        assert store.find_receipts(client="carol") == []
        with pytest.raises(StoreError, match="^since: must be a non-negative integer"):
            store.find_receipts(since=-1)
        with pytest.raises(StoreError, match="^limit: must be a non-negative integer"):
            store.find_receipts(limit="10")  # type: ignore[arg-type]


def test_lookup_of_a_missing_receipt(store_path: Path) -> None:
    with (
        ReceiptStore(store_path) as store,
        pytest.raises(RecordNotFoundError, match="^receipt_id: no stored receipt 'nope'"),
    ):
        store.show_receipt("nope")


def test_proof_bundles(store_path: Path) -> None:
    bundle = json.dumps({"proof": {"pi_a": ["1", "2", "1"]}, "publicSignals": ["5000000"]})
    with ReceiptStore(store_path) as store:
        store.add_receipt(_receipt(1))
        stored = store.add_proof_bundle("rcpt-0001", bundle)
        second = store.add_proof_bundle("rcpt-0001", "{}", kind="groth16-batch")
        assert (stored.receipt_id, stored.kind, stored.bundle_json) == ("rcpt-0001", "groth16", bundle)
        assert second.bundle_id > stored.bundle_id
        with pytest.raises(RecordNotFoundError, match="no stored receipt 'rcpt-9999' to attach"):
            store.add_proof_bundle("rcpt-9999", bundle)
        with pytest.raises(StoreError, match="^bundle_json: not valid JSON"):
            store.add_proof_bundle("rcpt-0001", "{truncated")
    with ReceiptStore(store_path) as store:
        record = store.show_receipt("rcpt-0001")
        assert record.receipt == _receipt(1) and record.stored_at > 0
        assert [b.bundle_json for b in record.proof_bundles] == [bundle, "{}"]
        assert store.proof_bundles("rcpt-9999") == []


def test_key_metadata(store_path: Path) -> None:
    ed_key = generate_signing_key()
    public_hex = bytes(ed_key.verify_key).hex()
    record = KeyRecord(ed25519_key_id(public_hex), "Ed25519", public_hex, label="provider", private_key_path="/k/p.key")
    accounting = generate_accounting_key()
    with ReceiptStore(store_path) as store:
        stored = store.add_key(record)
        assert stored.created_at > 0
        store.add_key(KeyRecord(accounting.address, "secp256k1", accounting.address))
        with pytest.raises(StoreError, match="is already stored"):
            store.add_key(record)
    with ReceiptStore(store_path) as store:
        assert store.get_key(record.key_id) == stored
        assert {record.algorithm for record in store.key_records()} == {"Ed25519", "secp256k1"}
        with pytest.raises(RecordNotFoundError, match="no stored key"):
            store.get_key("0" * 16)
    raw = store_path.read_bytes()
    assert bytes(ed_key).hex().encode() not in raw and accounting.secret.hex().encode() not in raw


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key_id": "0" * 16}, "does not match the public key"),
        ({"algorithm": "RSA"}, "key algorithm: must be one of"),
        ({"public_key": "zz"}, "key public_key: public key: must be 64 hex"),
    ],
)
def test_bad_key_records(fields: dict[str, str], message: str) -> None:
    public_hex = bytes(generate_signing_key().verify_key).hex()
    base = {"key_id": ed25519_key_id(public_hex), "algorithm": "Ed25519", "public_key": public_hex}
    with pytest.raises(StoreError, match=message):
        KeyRecord(**{**base, **fields})


def test_crash_mid_batch_keeps_what_was_reported(store_path: Path) -> None:
    reported: list[str] = []

    def batch() -> Iterator[Receipt]:
        for number in range(1, 4):
            yield _receipt(number)
        raise RuntimeError("prover crashed")

    with ReceiptStore(store_path) as store, pytest.raises(RuntimeError, match="prover crashed"):
        store.add_receipts(batch(), on_stored=lambda receipt: reported.append(receipt.receipt_id))
    assert reported == ["rcpt-0001", "rcpt-0002", "rcpt-0003"]
    with ReceiptStore(store_path) as store:
        assert [r.receipt_id for r in store.find_receipts()] == reported


def test_failed_write_is_rolled_back(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure between the INSERT and the COMMIT leaves nothing behind."""
    with ReceiptStore(store_path) as store:
        store.add_receipt(_receipt(1))
        connection = store._connection
        real_execute = connection.execute

        class FailingCommit:
            def __getattr__(self, name: str) -> object:
                return getattr(connection, name)

            def execute(self, sql: str, *args: object) -> object:
                if sql == "COMMIT":
                    raise sqlite3.OperationalError("disk I/O error")
                return real_execute(sql, *args)

        monkeypatch.setattr(store, "_connection", FailingCommit())
        with pytest.raises(StoreError, match="cannot commit"):
            store.add_receipt(_receipt(2))
        monkeypatch.setattr(store, "_connection", connection)
        assert [r.receipt_id for r in store.find_receipts()] == ["rcpt-0001"]


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


def test_corrupt_stored_document_is_reported(store_path: Path) -> None:
    with ReceiptStore(store_path) as store:
        store.add_receipt(_receipt(1))
    with sqlite3.connect(store_path) as connection:
        connection.execute('UPDATE receipts SET document = \'{"units": "-1"}\'')
    with ReceiptStore(store_path) as store, pytest.raises(StoreError, match="stored receipt 'rcpt-0001' is corrupt"):
        store.get_receipt("rcpt-0001")


def test_store_refuses_non_receipts(store_path: Path) -> None:
    with ReceiptStore(store_path) as store, pytest.raises(StoreError, match="receipt: must be a Receipt"):
        store.add_receipt({"receipt_id": "x"})  # type: ignore[arg-type]
    assert os.path.exists(store_path)
