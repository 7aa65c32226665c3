"""A real Dask cluster on loopback for the cluster tests: a scheduler and two worker processes.

Started with Dask's own command line (``python -m dask scheduler`` / ``dask worker``),
each worker one process of one thread behind a nanny (which restarts it if it is
killed), single-threaded kernels as ``--cluster local`` runs them. Keys are a
development setup written as a key pair (``KEYS/receipt/``) every worker can read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_helpers import DaskCluster, Keys, make_receipts, prove_as_provider
from distributed import Client

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
from zkreceipt.cluster import WORKER_ENVIRONMENT
from zkreceipt.ledger.keys import save_receipt_keys, setup_receipt_keys

START_SECONDS = 60


def _start(arguments: list[str], log: Path) -> subprocess.Popen[bytes]:
    environment = {**os.environ, **WORKER_ENVIRONMENT}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "dask", *arguments], stdout=out, stderr=subprocess.STDOUT, env=environment)


def _scheduler_address(scheduler_file: Path) -> str | None:
    """The address in the scheduler's file, once it is there and complete."""
    try:
        return str(json.loads(scheduler_file.read_text())["address"])
    except (OSError, ValueError, KeyError):
        return None


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    """Development keys on disk; one receipt proven here first, so the kernels are compiled and cached
    on disk before any worker process starts (workers then load them instead of compiling)."""
    pk = setup_receipt_keys(PRICE_AND_MODEL)
    paths = save_receipt_keys(pk, tmp_path_factory.mktemp("keys"))
    prove_as_provider(make_receipts(1, "warm"), pk)
    return Keys(pk, paths)


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory, keys: Keys) -> Iterator[DaskCluster]:
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    processes = [
        _start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                "--scheduler-file", str(scheduler_file)], folder / "scheduler.log")
    ]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not (address := _scheduler_address(scheduler_file)):
            if time.monotonic() > deadline or processes[0].poll() is not None:
                pytest.fail(f"the Dask scheduler did not start: {(folder / 'scheduler.log').read_text()}")
            time.sleep(0.1)
        for number in range(2):
            processes.append(
                _start(["worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--no-dashboard",
                        "--host", "127.0.0.1", "--name", f"worker-{number}"], folder / f"worker-{number}.log")
            )
        with Client(address, timeout=START_SECONDS, set_as_default=False) as client:
            cluster = DaskCluster(address, client, processes)
            cluster.wait_for_both_workers()
            yield cluster
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture()
def cluster(dask_cluster: DaskCluster) -> DaskCluster:
    """The session's cluster with both workers up (a killed worker's nanny may still be restarting it)."""
    dask_cluster.wait_for_both_workers()
    return dask_cluster
