"""A real Dask cluster on loopback for the cluster tests: a scheduler and two worker processes.

Started with Dask's own command line (``python -m dask scheduler`` / ``dask worker``),
each worker one process of one thread behind a nanny (which restarts it if it is
killed), single-threaded kernels as ``--cluster local`` runs them. Receipts are
the example receipt with other ids, units and models; keys are a development
setup written to a keys directory every worker can read.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptPolicy
from zkreceipt.cluster import WORKER_ENVIRONMENT
from zkreceipt.groth16 import ProvingKey
from zkreceipt.ledger.bundles import prove_receipts
from zkreceipt.ledger.keys import ReceiptKeyPaths, save_receipt_keys, setup_receipt_keys
from zkreceipt.receipts import DEFAULT_RATE_TABLE, Receipt, parse_receipt
from zkreceipt.receipts.example_files import example_path

POLICY = ReceiptPolicy(not_before=1737676800, not_after=1737763199, max_duration=3600)
#: (model, units, price): priced at the default rates, within 3 s × 1 GPU.
JOBS = [("llama3.2", "2.500", "5.000000"), ("codellama", "2.000", "5.000000"), ("llama3.2:1b", "3.000", "1.500000"),
        ("llama3.2", "1.000", "2.000000"), ("stable-diffusion", "0.400", "2.000000")]
START_SECONDS = 60


@dataclasses.dataclass(frozen=True)
class Keys:
    pk: ProvingKey
    paths: ReceiptKeyPaths

    @property
    def directory(self) -> Path:
        return self.paths.proving_key.parent


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    """Development keys on disk; one receipt proven here first, so the kernels are compiled and cached
    on disk before any worker process starts (workers then load them instead of compiling)."""
    pk = setup_receipt_keys(PRICE_AND_MODEL)
    paths = save_receipt_keys(pk, tmp_path_factory.mktemp("keys"))
    prove_receipts(make_receipts(1, "warm"), pk, POLICY, DEFAULT_RATE_TABLE)
    return Keys(pk, paths)


def receipt_document(index: int, prefix: str) -> dict[str, object]:
    document = json.loads(example_path("compute_receipt.json").read_text())
    model, units, price = JOBS[index % len(JOBS)]
    document.update(receipt_id=f"{prefix}-{index}", job_id=f"job-{prefix}-{index}", model=model, units=units, price=price)
    document.pop("signature")
    return document


def make_receipts(count: int, prefix: str) -> list[Receipt]:
    return [parse_receipt(json.dumps(receipt_document(i, prefix))) for i in range(count)]


def write_receipt_files(folder: Path, count: int, prefix: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index in range(count):
        path = folder / f"{prefix}-{index:03d}.json"
        path.write_text(json.dumps(receipt_document(index, prefix)))
        files.append(path)
    return files


@dataclasses.dataclass
class DaskCluster:
    address: str
    client: Client
    processes: list[subprocess.Popen[bytes]]

    def worker_pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def wait_for_both_workers(self) -> None:
        self.client.wait_for_workers(2, timeout=120)


def _start(arguments: list[str], log: Path) -> subprocess.Popen[bytes]:
    environment = {**os.environ, **WORKER_ENVIRONMENT}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "dask", *arguments], stdout=out, stderr=subprocess.STDOUT, env=environment)


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
        while not scheduler_file.exists():
            if time.monotonic() > deadline or processes[0].poll() is not None:
                pytest.fail(f"the Dask scheduler did not start: {(folder / 'scheduler.log').read_text()}")
            time.sleep(0.1)
        for number in range(2):
            processes.append(
                _start(["worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--no-dashboard",
                        "--host", "127.0.0.1", "--name", f"worker-{number}"], folder / f"worker-{number}.log")
            )
        address = json.loads(scheduler_file.read_text())["address"]
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
