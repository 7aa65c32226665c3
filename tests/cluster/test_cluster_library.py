"""prove_receipts on a real two-worker Dask cluster: every receipt once, attested and verified under the
verifier's trust profile; untrusted receipts refused before any task; keys loaded once; small tasks."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
from functools import partial

import dask
import pytest
from cluster_helpers import POLICY, PROVIDER_ID, STRANGER, make_receipts, prove_as_provider

from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
import zkreceipt.cluster as cluster_face
from zkreceipt.cluster import (
    ChunkError,
    ChunkReport,
    ClusterError,
    KeyLoadError,
    key_loads,
    open_client,
    prove_statements_on,
)
from zkreceipt.groth16.batch_verifier import verify_batch
from zkreceipt.errors import SignatureError
from zkreceipt.ledger.bundles import verify_bundles
from zkreceipt.ledger.keys import save_receipt_keys, setup_receipt_keys
from zkreceipt.ledger.statements import receipt_statement
from zkreceipt.receipts import DEFAULT_RATE_TABLE, new_salt, receipt_commitment


def test_a_batch_on_two_worker_processes_proves_every_receipt_once(cluster, keys, tmp_path):
    receipts = make_receipts(42, "lib")
    key_file = shutil.copy(keys.paths.proving_key, tmp_path / "receipt.zkey")  # a key file no worker has loaded
    loads_before = cluster.client.run(key_loads)
    handed_over, progress = [], []
    proven = prove_as_provider(
        receipts, keys.pk, client=cluster.client, key_file=key_file,
        chunk_size=4, on_proven=handed_over.append, progress=progress.append,
    )
    assert handed_over == proven and sum(progress) == 42 and len(progress) == 11
    assert sorted(p.receipt.receipt_id for p in proven) == sorted(r.receipt_id for r in receipts)
    checks = verify_bundles([p.bundle for p in proven], keys.profile)
    assert all(check.ok for check in checks), [check.problems for check in checks if not check.ok]
    # built on the client and attested there by the provider, whom the verifier trusts
    assert {(check.signer, check.signer_trusted, check.signer_checked) for check in checks} == {(PROVIDER_ID, True, True)}
    for item in proven:  # each bundle commits to its own receipt, with the salt the client drew
        assert item.bundle.commitment == receipt_commitment(item.receipt, item.salt)
        assert item.bundle.disclosed == {"model": item.receipt.model, "price_fp": item.receipt.price_fp}
    loads_after = cluster.client.run(key_loads)
    assert {address: loads_after[address] - loads_before.get(address, 0) for address in loads_after} == {
        address: 1 for address in loads_after
    }  # both workers worked (11 chunks), each read the key file once


def _statements(count):
    return [receipt_statement(r, POLICY, DEFAULT_RATE_TABLE, new_salt()) for r in make_receipts(count, "st")]


@pytest.mark.parametrize("by_file", [True, False], ids=["key-file", "key-sent"])
def test_tasks_carry_statements_and_proofs_never_the_key(cluster, keys, by_file):
    statements = _statements(10)
    reports: list[ChunkReport] = []
    chunks = list(
        prove_statements_on(
            cluster.client, keys.pk, statements, partial(compile_receipt_circuit, PRICE_AND_MODEL), chunk_size=5,
            key_file=keys.paths.proving_key if by_file else None, on_chunk=reports.append,
        )
    )
    outcomes = dict(item for chunk in chunks for item in chunk)
    assert sorted(outcomes) == list(range(10))
    proofs = [outcomes[i] for i in range(10)]
    assert verify_batch(keys.pk.vk, [list(s.public_signals) for s in statements], proofs).all_valid
    key_bytes = keys.paths.proving_key.stat().st_size
    assert sorted(r.number for r in reports) == [0, 1] and all(r.failed == 0 for r in reports)
    for report in reports:
        assert report.request_bytes < 2_000 * report.size < key_bytes / 100  # inputs and signals, ~0.7 kB each
        assert report.answer_bytes < 2_000 + 256 * report.size  # three points per proof and a small header
        assert report.worker.startswith("tcp://127.0.0.1:") and report.worker_seconds["prove"] > 0


def test_a_key_file_with_another_key_stops_the_batch(cluster, keys, tmp_path):
    other = save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), tmp_path / "other")
    with pytest.raises(ClusterError, match="another proving key"):
        prove_as_provider(make_receipts(2, "other"), keys.pk, client=cluster.client, key_file=other.proving_key)
    with pytest.raises(KeyLoadError, match="missing.zkey"):
        prove_as_provider(make_receipts(2, "missing"), keys.pk, client=cluster.client, key_file=tmp_path / "missing.zkey")


def test_a_receipt_not_signed_by_a_trusted_key_stops_the_batch_before_any_task(cluster, keys, monkeypatch):
    sent = []
    real = cluster_face.prove_statements_on
    monkeypatch.setattr(cluster_face, "prove_statements_on", lambda *a, **k: sent.append(a) or real(*a, **k))
    receipts = make_receipts(3, "untrusted")
    receipts[2] = make_receipts(3, "untrusted", signer=STRANGER)[2]
    with pytest.raises(SignatureError, match="untrusted-2 is not signed by a trusted key"):
        prove_as_provider(receipts, keys.pk, client=cluster.client, key_file=keys.paths.proving_key)
    with pytest.raises(SignatureError, match="untrusted-0 is not signed"):
        prove_as_provider([dataclasses.replace(receipts[0], signature=None)], keys.pk, client=cluster.client)
    assert sent == []  # checked on the client, before the first chunk is submitted
    proven = prove_as_provider(receipts[:2], keys.pk, client=cluster.client, key_file=keys.paths.proving_key)
    assert len(sent) == 1 and all(check.ok for check in verify_bundles([p.bundle for p in proven], keys.profile))


def test_a_chunk_lost_with_its_workers_fails_its_receipts_and_the_rest_go_on(keys):
    """With no failure allowed, a worker killed mid-chunk loses that chunk (KilledWorker) instead of a rerun:
    its receipts are reported, every other receipt is proven, none twice and none silently dropped."""
    receipts = make_receipts(16, "lost")
    proven, failed, killed = [], [], {}

    def kill_after_the_first_chunk(item):  # type: ignore[no-untyped-def]
        proven.append(item)
        if not killed:
            processing = client.processing()
            address = max(processing, key=lambda a: len(processing[a]))
            killed.update(address=address, chunks=set(processing[address]))
            os.kill(client.run(os.getpid)[address], signal.SIGKILL)

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), open_client(local_workers=2) as client:
        prove_as_provider(
            receipts, keys.pk, client=client, key_file=keys.paths.proving_key,
            chunk_size=2, on_proven=kill_after_the_first_chunk, on_failed=lambda r, e: failed.append((r, e)),
        )
    assert killed["chunks"] and failed, (killed, failed)
    assert all(isinstance(error, ChunkError) and "lost: the workers running chunk" in str(error) for _, error in failed)
    lost_chunks = {int(r.receipt_id.split("-")[1]) // 2 for r, _ in failed}
    assert len(failed) == 2 * len(lost_chunks)  # whole chunks are lost, with each of their receipts reported
    proven_ids = [p.receipt.receipt_id for p in proven]
    assert sorted(proven_ids + [r.receipt_id for r, _ in failed]) == sorted(r.receipt_id for r in receipts)
    assert all(check.ok for check in verify_bundles([p.bundle for p in proven], keys.profile))
