"""The worker's task and its key cache, run in this process (in addition to the real-cluster tests)."""

from __future__ import annotations

import dataclasses
import shutil
from functools import partial

import pytest
from cluster_helpers import POLICY, make_receipts

from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
from zkreceipt.cluster import KeyFile, KeyLoadError, SentKey, StatementChunk, key_fingerprint, key_loads, prove_chunk
from zkreceipt.errors import ProofError
from zkreceipt.cluster.worker_keys import worker_key
from zkreceipt.groth16 import verify
from zkreceipt.groth16.prover_bases import prover_bases
from zkreceipt.ledger.keys import ReceiptKeyPaths, save_receipt_keys, setup_receipt_keys
from zkreceipt.ledger.statements import receipt_statement
from zkreceipt.receipts import DEFAULT_RATE_TABLE, new_salt

CIRCUIT = partial(compile_receipt_circuit, PRICE_AND_MODEL)


def statements(count: int, prefix: str):  # type: ignore[no-untyped-def]
    return [receipt_statement(r, POLICY, DEFAULT_RATE_TABLE, new_salt()) for r in make_receipts(count, prefix)]


def test_a_chunk_round_trips_its_statements():
    originals = statements(3, "rt")
    chunk = StatementChunk.of(CIRCUIT, originals)
    again = chunk.statements(CIRCUIT())
    assert [dict(s.assignment) for s in again] == [dict(s.assignment) for s in originals]
    assert [s.public_signals for s in again] == [s.public_signals for s in originals]
    assert [s.solve().values.to_ints() for s in again] == [s.solve().values.to_ints() for s in originals]


def test_the_task_proves_the_good_statements_and_names_the_refused_one(keys, tmp_path):
    items = statements(3, "task")
    forged_inputs = {**items[1].assignment, "rate_fp": items[1].assignment["rate_fp"] + 1}  # a forged rate hint
    items[1] = dataclasses.replace(items[1], assignment=forged_inputs)
    path = shutil.copy(keys.paths.proving_key, tmp_path / "receipt.zkey")
    loads = key_loads()
    answer = prove_chunk(KeyFile.of(path), StatementChunk.of(CIRCUIT, items))
    again = prove_chunk(KeyFile.of(path), StatementChunk.of(CIRCUIT, [items[0]]))
    assert key_loads() == loads + 1  # read once, then from the cache
    assert answer.positions == (0, 2) and [p for p, _ in answer.failures] == [1]
    assert answer.failures[0][1].startswith("ConstraintViolation: ") and "price_fp" in answer.failures[0][1]
    assert answer.key == again.key == key_fingerprint(keys.pk) and answer.worker == "local"
    proofs = answer.proofs()
    assert verify(keys.pk.vk, list(items[0].public_signals), proofs[0])
    assert verify(keys.pk.vk, list(items[2].public_signals), proofs[1])
    assert not verify(keys.pk.vk, list(items[2].public_signals), proofs[0])
    assert answer.a.nbytes + answer.b.nbytes + answer.c.nbytes == 2 * 256  # three affine points per proof


def test_a_sent_key_is_used_as_sent(keys):
    answer = prove_chunk(SentKey(keys.pk, "sent-fingerprint"), StatementChunk.of(CIRCUIT, statements(1, "sent")))
    assert answer.key == "sent-fingerprint" and answer.positions == (0,)


def test_a_worker_refuses_a_key_file_that_is_not_the_clients(keys, tmp_path):
    shutil.copytree(keys.paths.folder, tmp_path / "receipt")
    seen = KeyFile.of(ReceiptKeyPaths.under(tmp_path).proving_key)
    save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), tmp_path, force=True)  # another key at the same path
    assert KeyFile.of(ReceiptKeyPaths.under(tmp_path).proving_key).path == seen.path
    with pytest.raises(KeyLoadError, match="SHA-256 differs"):
        prove_chunk(seen, StatementChunk.of(CIRCUIT, statements(1, "swap")))
    with pytest.raises(KeyLoadError, match="nowhere.zkey"):
        prove_chunk(dataclasses.replace(seen, path=str(tmp_path / "nowhere.zkey")), StatementChunk.of(CIRCUIT, statements(1, "gone")))


def test_an_answer_with_missing_points_is_malformed(keys):
    answer = prove_chunk(SentKey(keys.pk, "k"), StatementChunk.of(CIRCUIT, statements(2, "short")))
    with pytest.raises(ProofError, match="2 positions"):
        dataclasses.replace(answer, b=answer.b[:1]).proofs()


def test_the_key_and_its_tables_stay_warm_across_tasks(keys, tmp_path):
    path = shutil.copy(keys.paths.proving_key, tmp_path / "receipt.zkey")
    prove_chunk(KeyFile.of(path), StatementChunk.of(CIRCUIT, statements(1, "warm1")), tables=True)
    loaded = worker_key(KeyFile.of(path))
    tables = prover_bases(loaded.pk)  # without asking: whatever the key already has
    assert tables.a.table is not None and tables.h.table is not None
    prove_chunk(KeyFile.of(path), StatementChunk.of(CIRCUIT, statements(2, "warm2")), tables=True)
    assert worker_key(KeyFile.of(path)).pk is loaded.pk and prover_bases(loaded.pk) is tables
