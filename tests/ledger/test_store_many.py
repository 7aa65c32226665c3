"""``add_proven_many`` on both backends: one transaction per chunk of bundles, all or nothing, the unique
constraint of ``add_proven`` row by row, and writers racing on overlapping chunks in several processes."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event
from store_testing import VK_A, VK_B, make_receipt, scalar, store_url  # noqa: F401 (store_url: fixture)

from zkreceipt.errors import StoreError
from zkreceipt.ledger.store import DuplicateBundleError, ReceiptStore


def items(numbers, vk_id=VK_A, tag="first"):  # type: ignore[no-untyped-def]
    return [(make_receipt(n), json.dumps({"n": n, "tag": tag}), vk_id, 1000 + n) for n in numbers]


def counts(store: ReceiptStore) -> tuple[int, int]:
    return scalar(store, "SELECT count(*) FROM receipts"), scalar(store, "SELECT count(*) FROM proof_bundles")


def test_a_chunk_is_stored_in_one_commit_and_returned_in_its_order(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        commits = []
        event.listen(store._engine, "commit", lambda connection: commits.append(1))
        stored = store.add_proven_many(items([5, 2, 9, 1]), kind="groth16-receipt")
        assert len(commits) == 1
        assert [(b.receipt_id, b.vk_id, b.commitment, json.loads(b.bundle_json)["n"]) for b in stored] == [
            ("rcpt-0005", VK_A, "1005", 5), ("rcpt-0002", VK_A, "1002", 2),
            ("rcpt-0009", VK_A, "1009", 9), ("rcpt-0001", VK_A, "1001", 1),
        ]
        assert counts(store) == (4, 4)
        assert store.proven_receipt_ids(VK_A, [f"rcpt-{n:04d}" for n in range(10)]) == {
            "rcpt-0001", "rcpt-0002", "rcpt-0005", "rcpt-0009"
        }
        assert store.show_receipt("rcpt-0009").proof_bundles == (stored[2],)
        commits.clear()
        assert store.add_proven_many([], kind="groth16-receipt") == [] and commits == []  # nothing to commit
        again = store.add_proven_many(items([2, 3], vk_id=VK_B), kind="groth16-receipt")  # a stored receipt, another key
        assert [b.vk_id for b in again] == [VK_B, VK_B] and counts(store) == (5, 6)


def test_a_duplicate_bundle_refuses_the_whole_chunk(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        store.add_proven_many(items([1, 2]), kind="k")
        with pytest.raises(DuplicateBundleError, match=f"receipt 'rcpt-0002' already has a proof bundle under verification key {VK_A}"):
            store.add_proven_many(items([7, 2, 8], tag="second"), kind="k")  # 7 is written before 2 is refused
        assert counts(store) == (2, 2)
        assert store.proven_receipt_ids(VK_A, ["rcpt-0007", "rcpt-0008"]) == set()
        with pytest.raises(DuplicateBundleError, match="rcpt-0004"):
            store.add_proven_many(items([4, 4]), kind="k")  # twice in one chunk
        assert counts(store) == (2, 2)
        with pytest.raises(StoreError, match="rcpt-0001' is already stored with different content"):
            changed = [(dataclasses.replace(make_receipt(1), client="x"), "{}", VK_B, 1)]
            store.add_proven_many(items([6]) + changed, kind="k")
        assert counts(store) == (2, 2)


def test_replace_re_proves_a_chunk_in_place(store_url: str) -> None:
    with ReceiptStore(store_url) as store:
        first = store.add_proven_many(items([1, 2]), kind="k")
        store.record_verdict(first[0].bundle_id, True)
        second = store.add_proven_many(items([2, 1, 3], tag="second"), kind="k", replace=True)
        assert [b.bundle_id for b in second[:2]] == [first[1].bundle_id, first[0].bundle_id]
        assert {json.loads(b.bundle_json)["tag"] for b in second} == {"second"} and second[1].verified is None
        assert counts(store) == (3, 3)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ((make_receipt(3), "{}", "A" * 64, 1), "^vk_id: must be 64 lowercase hex"),
        ((make_receipt(3), "{}", VK_A, -1), "^commitment: must be a field element"),
        ((make_receipt(3), "{oops", VK_A, 1), "^bundle_json: not valid JSON"),
        (("rcpt-0003", "{}", VK_A, 1), "^receipt: must be a Receipt"),
    ],
)
def test_bad_items_are_refused_before_anything_is_written(store_url: str, bad: tuple, message: str) -> None:
    with ReceiptStore(store_url) as store:
        with pytest.raises(StoreError, match=message):
            store.add_proven_many([*items([1, 2]), bad], kind="k")
        with pytest.raises(StoreError, match="^kind: must be a non-empty string"):
            store.add_proven_many(items([1]), kind="")
        assert counts(store) == (0, 0)


def test_a_failure_mid_chunk_leaves_none_of_it(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with ReceiptStore(store_url) as store:
        real = store._insert_bundle
        calls = []

        def failing_third_bundle(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            calls.append(1)
            if len(calls) == 3:
                raise RuntimeError("crashed mid-chunk")
            return real(*args, **kwargs)

        monkeypatch.setattr(store, "_insert_bundle", failing_third_bundle)
        with pytest.raises(RuntimeError, match="mid-chunk"):
            store.add_proven_many(items([1, 2, 3, 4]), kind="k")
        monkeypatch.undo()
        assert counts(store) == (0, 0)


def test_two_chunks_in_opposite_orders_wait_instead_of_deadlocking(store_url: str) -> None:
    """Writer A stores [x, y] and B [y, x], each pausing inside its transaction: rows go in receipt-id order,
    so B waits for A's x and is then refused as a duplicate (unsorted, each would hold one row the other wants)."""
    ReceiptStore(store_url).close()
    outcomes: dict[str, object] = {}
    a_inside = threading.Event()

    def writer(name: str, numbers: list[int], started: threading.Event | None) -> None:
        with ReceiptStore(store_url, busy_timeout=30) as store:

            @event.listens_for(store._engine, "after_cursor_execute")
            def pause(connection, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
                if statement.lstrip().upper().startswith("INSERT INTO PROOF_BUNDLES"):
                    a_inside.set() if name == "A" else None
                    time.sleep(0.3)

            if started is not None:
                started.wait(10)
            try:
                outcomes[name] = [b.receipt_id for b in store.add_proven_many(items(numbers, tag=name), kind="k")]
            except Exception as error:  # noqa: BLE001 (the outcome is the assertion)
                outcomes[name] = error

    threads = [threading.Thread(target=writer, args=("A", [1, 2], None)),
               threading.Thread(target=writer, args=("B", [2, 1], a_inside))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes["A"] == ["rcpt-0001", "rcpt-0002"], outcomes
    assert isinstance(outcomes["B"], DuplicateBundleError), outcomes
    with ReceiptStore(store_url) as store:
        assert counts(store) == (2, 2)
        assert {json.loads(b.bundle_json)["tag"] for n in (1, 2) for b in store.show_receipt(f"rcpt-{n:04d}").proof_bundles} == {"A"}


WRITERS = 3
SHARED = 30  # receipt ids every writer proves, cut into chunks differently by each writer
OWN = 10
CHUNK = 5

CHUNK_WRITER = textwrap.dedent(
    """
    import json, os, random, sys, time
    from sqlalchemy import event
    from zkreceipt.ledger.store import DuplicateBundleError, ReceiptStore
    from zkreceipt.receipts import parse_receipt

    url, worker, shared, own, size, go = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:6]), sys.argv[6]

    def receipt(receipt_id, started_at):
        return parse_receipt({"receipt_id": receipt_id, "job_id": "j", "provider": "p", "client": "c",
                              "units": "2.5", "unit_type": "gpu_seconds", "price": "5.0", "model": "llama3.2",
                              "started_at": started_at, "completed_at": started_at + 3})

    ids = [(f"shared-{n:03d}", 1000 + n) for n in range(shared)] + [(f"own-{worker}-{n:03d}", 5000 + n) for n in range(own)]
    random.Random(worker).shuffle(ids)  # each writer's chunks mix other ids in another order
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    won, lost = [], []
    with ReceiptStore(url, busy_timeout=120) as store:

        @event.listens_for(store._engine, "after_cursor_execute")
        def slow_inserts(connection, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("INSERT INTO PROOF_BUNDLES"):
                time.sleep(0.01)  # long transactions, so the writers' chunks overlap in time

        store.proven_receipt_ids("a" * 64, ["warm"])  # connected before the start, so the writers start together
        while not os.path.exists(go):
            time.sleep(0.002)
        for chunk in chunks:
            rows = [(receipt(i, t), json.dumps({"writer": worker, "receipt_id": i}), "a" * 64, t) for i, t in chunk]
            try:
                store.add_proven_many(rows, kind="k")
                won.append([i for i, _ in chunk])
            except DuplicateBundleError:
                lost.append([i for i, _ in chunk])
    print(json.dumps({"won": won, "lost": lost}))
    """
)


def test_writers_racing_on_overlapping_chunks_store_whole_chunks_once(store_url: str, tmp_path: Path) -> None:
    """Each chunk is stored whole by its writer or not at all, no receipt twice, and no writer deadlocks."""
    ReceiptStore(store_url).close()
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", CHUNK_WRITER, store_url, str(w), str(SHARED), str(OWN), str(CHUNK), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(WRITERS)
    ]
    time.sleep(2)  # every writer imported and connected
    go.touch()
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err  # a deadlock would be StoreBusyError here
        results.append(json.loads(out))
    won = {receipt_id: w for w, result in enumerate(results) for chunk in result["won"] for receipt_id in chunk}
    assert sum(len(chunk) for result in results for chunk in result["won"]) == len(won)  # no receipt won twice
    assert won and all(result["won"] or result["lost"] for result in results)
    with ReceiptStore(store_url) as store:
        assert scalar(store, "SELECT count(*) FROM proof_bundles") == len(won)
        assert scalar(store, "SELECT count(DISTINCT receipt_id) FROM proof_bundles") == len(won)
        assert store.proven_receipt_ids(VK_A, list(won)) == set(won)
        for receipt_id, writer in won.items():
            (bundle,) = store.show_receipt(receipt_id).proof_bundles
            assert json.loads(bundle.bundle_json) == {"writer": writer, "receipt_id": receipt_id}
        for w, result in enumerate(results):  # a lost chunk left nothing of its own
            for chunk in result["lost"]:
                assert any(won.get(receipt_id, w) != w for receipt_id in chunk)
                own = [receipt_id for receipt_id in chunk if receipt_id.startswith(f"own-{w}-")]
                assert store.proven_receipt_ids(VK_A, own) == set()
