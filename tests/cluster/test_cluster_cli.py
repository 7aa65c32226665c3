"""``zkreceipt prove-batch`` on Dask: --scheduler and --cluster local, a worker killed mid-batch,
a receipt refused on a worker, resume after an interrupted run, --reprove, an untrusted receipt,
a chunk refused by the store because another run stored one of its bundles meanwhile.

Each test runs in a provider's home: its signing key attests the bundles, and its
trust profile trusts that key (which also signs the receipts) and the key pair;
every bundle is checked with ``zkreceipt verify-batch`` against that profile."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from cluster_helpers import PROVIDER_ID, STRANGER, provider_home, write_receipt_files

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
from zkreceipt.cli import batch_support
from zkreceipt.cli.bundle_commands import prove_batch_command, verify_batch_command
from zkreceipt.cluster import connect
from zkreceipt.ledger import bundles
from zkreceipt.ledger.identity import receipt_identity, verification_key_id
from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.ledger.store.receipt_store import SqlReceiptStore
from zkreceipt.receipts import read_receipt_file


@pytest.fixture()
def app() -> click.Group:
    group = click.Group("zkreceipt")
    group.add_command(prove_batch_command)
    group.add_command(verify_batch_command)
    return group


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys) -> Path:  # type: ignore[no-untyped-def]
    """The provider's home (signing key, trust profile) as ZKRECEIPT_HOME; the test's folder as working directory."""
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    monkeypatch.chdir(tmp_path)
    return provider_home(tmp_path / "home", keys)


def prove_batch(app, keys, files, *options):  # type: ignore[no-untyped-def]
    arguments = ["prove-batch", *map(str, files), "--keys-dir", str(keys.directory), "--out-dir", "out", *map(str, options)]
    return CliRunner().invoke(app, arguments)


def reported(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.split(": ")[0] for line in result.stdout.splitlines()]


def bundles_in_store(receipt_ids) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with ReceiptStore() as store:
        return {receipt_id: len(store.proof_bundles(receipt_id)) for receipt_id in receipt_ids}


def all_verify(app, keys, folder: Path) -> int:  # type: ignore[no-untyped-def]
    """How many bundles in ``folder`` verify under the home's trust profile (all must), each attested by the provider."""
    files = sorted(folder.iterdir())
    result = CliRunner().invoke(app, ["verify-batch", *map(str, files), "--json"])
    assert result.exit_code == 0, result.output
    verdicts = json.loads(result.stdout)
    assert {(item["signer"]["id"], item["signer"]["trusted"]) for item in verdicts} == {(PROVIDER_ID, True)}
    return sum(item["valid"] for item in verdicts)


def ids_of(files: list[Path]) -> list[str]:
    return [json.loads(path.read_text())["receipt_id"] for path in files]


def test_a_killed_worker_loses_no_receipt_and_proves_none_twice(app, keys, home, tmp_path, cluster):
    files = write_receipt_files(tmp_path / "receipts", 40, "kill")
    out = tmp_path / "out"
    killed: dict[str, object] = {}

    def kill_a_busy_worker_after_the_first_chunk() -> None:
        deadline = time.monotonic() + 300
        while not (out.exists() and any(out.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.01)
        processing = cluster.client.processing()
        address = max(processing, key=lambda a: len(processing[a]))
        pid = cluster.worker_pids()[address]
        killed.update(address=address, pid=pid, chunks=list(processing[address]), bundles=len(list(out.iterdir())))
        os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_a_busy_worker_after_the_first_chunk)
    killer.start()
    result = prove_batch(app, keys, files, "--scheduler", cluster.address, "--chunk-size", 2)
    killer.join()
    assert result.exit_code == 0, result.output
    assert killed["chunks"] and killed["bundles"] < 40  # it was proving (or holding) chunks when it died, mid-batch
    with pytest.raises(ProcessLookupError):
        os.kill(killed["pid"], 0)
    receipt_ids = ids_of(files)
    assert sorted(reported(result)) == sorted(receipt_ids)  # each printed once
    assert bundles_in_store(receipt_ids) == {receipt_id: 1 for receipt_id in receipt_ids}
    assert len(list((tmp_path / "out").iterdir())) == 40 and all_verify(app, keys, tmp_path / "out") == 40


def test_a_receipt_refused_on_a_worker_is_reported_and_the_rest_go_on(app, keys, home, tmp_path, cluster, monkeypatch):
    files = write_receipt_files(tmp_path / "receipts", 8, "bad")
    real_statement = bundles.receipt_statement

    def one_forged_statement(receipt, policy, rates, salt):  # type: ignore[no-untyped-def]
        statement = real_statement(receipt, policy, rates, salt)
        if receipt.receipt_id != "bad-5":
            return statement
        # A price hint the client's checks did not catch: the circuit (on the worker) refuses it.
        forged = {**statement.assignment, "price_fp": statement.assignment["price_fp"] + 1}
        return dataclasses.replace(statement, assignment=forged)

    monkeypatch.setattr(bundles, "receipt_statement", one_forged_statement)
    result = prove_batch(app, keys, files, "--scheduler", cluster.address, "--chunk-size", 4)
    assert result.exit_code == 2, result.output
    assert "bad-005.json: bad-5: refused on worker" in result.stderr and "1 of 8 receipts not proven" in result.stderr
    others = [receipt_id for receipt_id in ids_of(files) if receipt_id != "bad-5"]
    assert sorted(reported(result)) == sorted(others)  # bad-5's chunk-mates bad-4, bad-6, bad-7 included
    assert bundles_in_store(ids_of(files)) == {**{receipt_id: 1 for receipt_id in others}, "bad-5": 0}
    assert not (tmp_path / "out" / "bad-005.bundle.json").exists() and all_verify(app, keys, tmp_path / "out") == 7

    monkeypatch.setattr(bundles, "receipt_statement", real_statement)
    again = prove_batch(app, keys, files, "--scheduler", cluster.address, "--chunk-size", 4)
    assert again.exit_code == 0, again.output
    assert reported(again) == ["bad-5"] and "skipping 7 receipts already proven" in again.stderr
    assert bundles_in_store(ids_of(files)) == {receipt_id: 1 for receipt_id in ids_of(files)}


def test_an_interrupted_run_resumes_where_it_stopped(app, keys, home, tmp_path, cluster, monkeypatch):
    files = write_receipt_files(tmp_path / "receipts", 12, "resume")
    real_save = batch_support.save_bundle
    saved: list[object] = []

    def interrupted_at_the_sixth_bundle(target, proven):  # type: ignore[no-untyped-def]
        if len(saved) == 5:
            raise KeyboardInterrupt  # as if the client were stopped mid-batch, inside its third chunk
        saved.append(target)
        real_save(target, proven)

    monkeypatch.setattr(batch_support, "save_bundle", interrupted_at_the_sixth_bundle)
    first = prove_batch(app, keys, files, "--cluster", "local:2", "--chunk-size", 2)
    assert first.exit_code != 0 and len(reported(first)) == 4  # two chunks stored; the third's first bundle only written
    counts = bundles_in_store(ids_of(files))
    assert sorted(receipt_id for receipt_id, n in counts.items() if n) == sorted(reported(first))
    assert len(list((tmp_path / "out").iterdir())) == 5

    monkeypatch.setattr(batch_support, "save_bundle", real_save)
    second = prove_batch(app, keys, files, "--scheduler", cluster.address, "--chunk-size", 2, "--send-key")
    assert second.exit_code == 0, second.output
    assert "skipping 4 receipts already proven" in second.stderr
    assert sorted(reported(first) + reported(second)) == sorted(ids_of(files))
    assert bundles_in_store(ids_of(files)) == {receipt_id: 1 for receipt_id in ids_of(files)}
    assert all_verify(app, keys, tmp_path / "out") == 12

    nothing = prove_batch(app, keys, files[:3], "--scheduler", cluster.address)
    assert nothing.exit_code == 0 and reported(nothing) == [] and "skipping 3" in nothing.stderr
    before = (tmp_path / "out" / "resume-000.bundle.json").read_text()
    forced = prove_batch(app, keys, files[:1], "--reprove")  # in this process
    assert forced.exit_code == 0 and reported(forced) == ["resume-0"]
    assert (tmp_path / "out" / "resume-000.bundle.json").read_text() != before  # a new proof and commitment


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--cluster", "local:0"), "local:N"),
        (("--cluster", "remote"), "local:N"),
        (("--cluster", "local", "--scheduler", "tcp://127.0.0.1:1"), "not both"),
        (("--scheduler", "tcp://127.0.0.1:9"), "tcp://127.0.0.1:9: cannot reach the Dask scheduler"),
        (("--scheduler", "http://127.0.0.1:9"), "http://127.0.0.1:9: not a Dask scheduler address"),
    ],
)
def test_bad_cluster_options_are_bad_input(app, keys, home, tmp_path, monkeypatch, options, message):
    monkeypatch.setattr(connect, "CONNECT_TIMEOUT", 2)
    result = prove_batch(app, keys, write_receipt_files(tmp_path / "receipts", 1, "opt"), *options)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert bundles_in_store(["opt-0"]) == {"opt-0": 0}


def test_without_dask_the_cluster_options_say_what_to_install(app, keys, home, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    monkeypatch.delitem(sys.modules, "zkreceipt.cluster")
    files = write_receipt_files(tmp_path / "receipts", 1, "nodask")
    result = prove_batch(app, keys, files, "--cluster", "local:1")
    assert result.exit_code == 2 and "pip install 'zkreceipt[cluster]'" in result.stderr, result.output
    in_process = prove_batch(app, keys, files)
    assert in_process.exit_code == 0 and reported(in_process) == ["nodask-0"]


def test_a_receipt_not_signed_by_a_trusted_key_stops_the_batch_before_the_cluster(app, keys, home, tmp_path):
    files = write_receipt_files(tmp_path / "receipts", 3, "trust")
    files.append(write_receipt_files(tmp_path / "strangers", 1, "stranger", signer=STRANGER)[0])
    result = prove_batch(app, keys, files, "--scheduler", "tcp://127.0.0.1:9")  # never contacted
    assert result.exit_code == 2, result.output
    assert "stranger-000.json: signature: receipt stranger-0 is not signed by a trusted key" in result.stderr
    assert "Dask" not in result.stderr and reported(result) == [] and not (tmp_path / "out").exists()
    assert bundles_in_store(ids_of(files)) == dict.fromkeys(ids_of(files), 0)


def test_a_bundle_stored_by_another_run_meanwhile_refuses_its_chunk(app, keys, home, tmp_path, monkeypatch):
    """Another run stores a bundle of receipt 3 under this key after this run's resume check: the store's
    unique constraint refuses this run's chunk (receipts 2 and 3) whole, nothing of it is reported, exit 2."""
    files = write_receipt_files(tmp_path / "receipts", 6, "race")
    monkeypatch.setattr(SqlReceiptStore, "proven_receipt_ids", lambda self, vk_id, ids: set())  # read before the other run wrote
    vk_id = verification_key_id(keys.pk.vk, receipt_identity(PRICE_AND_MODEL))
    with ReceiptStore() as store:
        store.add_proven(read_receipt_file(files[3]), '{"other": "run"}', kind="groth16-receipt", vk_id=vk_id, commitment=7)
    result = prove_batch(app, keys, files, "--chunk-size", 2)  # in this process
    assert result.exit_code == 2, result.output
    assert "race-3' already has a proof bundle under verification key " + vk_id in result.stderr
    assert reported(result) == ["race-0", "race-1"]
    assert bundles_in_store(ids_of(files)) == {"race-0": 1, "race-1": 1, "race-2": 0, "race-3": 1, "race-4": 0, "race-5": 0}
    with ReceiptStore() as store:
        assert [b.bundle_json for b in store.proof_bundles("race-3")] == ['{"other": "run"}']  # the other run's, kept
