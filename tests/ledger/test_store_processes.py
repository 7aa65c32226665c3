"""Several processes on one store, on both backends: concurrent writers, a writer killed mid-transaction, busy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from store_testing import VK_A, make_receipt, scalar, store_url  # noqa: F401 (store_url: fixture)

from zkreceipt.ledger.store import ReceiptStore, RecordNotFoundError, StoreBusyError
from zkreceipt.ledger.store.receipt_store import _receipt_row
from zkreceipt.ledger.store.schema import receipts

WRITERS = 4
SHARED = 40  # receipts every writer tries to store (the same ids)
OWN = 25  # receipts only one writer stores

WRITER = textwrap.dedent(
    """
    import json, os, sys, time
    from zkreceipt.ledger.store import DuplicateBundleError, ReceiptStore
    from zkreceipt.receipts import parse_receipt

    url, worker, shared, own, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]

    def receipt(receipt_id, started_at):
        return parse_receipt({"receipt_id": receipt_id, "job_id": "j", "provider": "p", "client": "c",
                              "units": "2.5", "unit_type": "gpu_seconds", "price": "5.0", "model": "llama3.2",
                              "started_at": started_at, "completed_at": started_at + 3})

    while not os.path.exists(go):
        time.sleep(0.002)
    started = time.perf_counter()
    store = ReceiptStore(url, busy_timeout=120)  # every writer also races to create the schema
    shared_ids = [f"shared-{n:03d}" for n in range(shared)]
    shared_ids = shared_ids[worker * 7 % shared:] + shared_ids[:worker * 7 % shared]  # each starts elsewhere
    work = [(i, 1000 + int(i[-3:])) for i in shared_ids] + [(f"own-{worker}-{n:03d}", 5000 + n) for n in range(own)]
    work.sort(key=lambda item: hash((worker, item[0])))
    won = duplicates = 0
    for receipt_id, started_at in work:
        bundle = json.dumps({"writer": worker, "receipt_id": receipt_id})
        try:
            store.add_proven(receipt(receipt_id, started_at), bundle, kind="k", vk_id="a" * 64, commitment=started_at)
            won += 1
        except DuplicateBundleError:
            duplicates += 1
    store.close()
    print(json.dumps({"won": won, "duplicates": duplicates, "seconds": time.perf_counter() - started}))
    """
)


def test_four_writers_at_once_lose_and_duplicate_nothing(store_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, store_url, str(worker), str(SHARED), str(OWN), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for worker in range(WRITERS)
    ]
    time.sleep(0.5)  # let every interpreter start, then release them together
    go.touch()
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        results.append(json.loads(out))
    backend = "postgresql" if store_url.startswith("postgresql") else "sqlite"
    print(f"\n{backend}: {WRITERS} writers × {SHARED + OWN} add_proven each: {results}")
    assert sum(r["won"] for r in results) == SHARED + WRITERS * OWN
    assert sum(r["duplicates"] for r in results) == (WRITERS - 1) * SHARED
    assert all(r["won"] >= OWN for r in results)
    with ReceiptStore(store_url) as store:
        assert scalar(store, "SELECT count(*) FROM receipts") == SHARED + WRITERS * OWN
        assert scalar(store, "SELECT count(*) FROM proof_bundles") == SHARED + WRITERS * OWN
        assert scalar(store, "SELECT count(DISTINCT receipt_id) FROM proof_bundles") == SHARED + WRITERS * OWN
        assert scalar(store, "SELECT count(*) FROM schema_version") == 1
        ids = [f"shared-{n:03d}" for n in range(SHARED)] + [f"own-{w}-{n:03d}" for w in range(WRITERS) for n in range(OWN)]
        assert store.proven_receipt_ids(VK_A, ids) == set(ids)
        for receipt_id in ("shared-000", "own-3-024"):
            (bundle,) = store.show_receipt(receipt_id).proof_bundles
            assert json.loads(bundle.bundle_json)["receipt_id"] == receipt_id  # whole rows, not mixed


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import event
    from zkreceipt.ledger.store import ReceiptStore
    from zkreceipt.receipts import parse_receipt

    store = ReceiptStore(sys.argv[1])

    @event.listens_for(store._engine, "after_cursor_execute")
    def pause_after_the_receipt(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO RECEIPTS"):
            print("receipt inserted, bundle not yet", flush=True)
            time.sleep(600)

    receipt = parse_receipt({"receipt_id": "rcpt-0001", "job_id": "j", "provider": "p", "client": "c",
                             "units": "2.5", "unit_type": "gpu_seconds", "price": "5.0", "model": "llama3.2",
                             "started_at": 100, "completed_at": 103})
    store.add_proven(receipt, "{}", kind="k", vk_id="a" * 64, commitment=1)
    """
)


def test_a_writer_killed_mid_transaction_leaves_nothing_half_written(store_url: str) -> None:
    ReceiptStore(store_url).close()  # the schema exists before the writer starts
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, store_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        line = writer.stdout.readline()
        assert line.strip() == "receipt inserted, bundle not yet", writer.stderr.read() if writer.stderr else ""
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    with ReceiptStore(store_url, busy_timeout=30) as store:
        assert scalar(store, "SELECT count(*) FROM receipts") == 0
        assert scalar(store, "SELECT count(*) FROM proof_bundles") == 0
        with pytest.raises(RecordNotFoundError):
            store.show_receipt("rcpt-0001")
        stored = store.add_proven(make_receipt(1), "{}", kind="k", vk_id=VK_A, commitment=1)  # no lock left behind
        assert store.show_receipt("rcpt-0001").proof_bundles == (stored,)


def test_a_busy_store_reads_at_once_and_refuses_writes_after_the_bounded_wait(store_url: str) -> None:
    with ReceiptStore(store_url) as first:
        first.add_receipt(make_receipt(2))
        with first._write() as holding:  # another writer, mid-transaction, holding rcpt-0001 (and on SQLite the file)
            holding.execute(receipts.insert().values(_receipt_row(make_receipt(1))))
            with ReceiptStore(store_url, busy_timeout=0.3) as second:  # opening takes no write lock
                assert [r.receipt_id for r in second.list_receipts().items] == ["rcpt-0002"]
                assert second.show_receipt("rcpt-0002").receipt == make_receipt(2)
                started = time.monotonic()
                with pytest.raises(StoreBusyError, match=r"store busy \(another writer held it for more than 0.3 s\); retry"):
                    second.add_proven(make_receipt(1), "{}", kind="k", vk_id=VK_A, commitment=1)
                assert time.monotonic() - started < 10  # bounded: nowhere near the old 30 s
        with ReceiptStore(store_url, busy_timeout=0.3) as second:  # the writer committed: writes go through again
            assert second.add_receipt(make_receipt(1)) is False
            second.add_proven(make_receipt(1), "{}", kind="k", vk_id=VK_A, commitment=1)


def test_receipts_list_answers_while_another_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug of issue 12: `receipts list` waited 30 s behind a writer and called the store 'not a zkreceipt store'."""
    from click.testing import CliRunner

    from zkreceipt.cli.main import cli

    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path))
    monkeypatch.setenv("ZKRECEIPT_STORE_BUSY_TIMEOUT", "0.3")
    with ReceiptStore() as writer:
        writer.add_receipt(make_receipt(2))
        with writer._write() as holding:
            holding.execute(receipts.insert().values(_receipt_row(make_receipt(1))))
            started = time.monotonic()
            listed = CliRunner().invoke(cli, ["receipts", "list", "--json"])
            assert listed.exit_code == 0, listed.output
            assert [r["receipt_id"] for r in json.loads(listed.stdout)] == ["rcpt-0002"]
            assert time.monotonic() - started < 10
