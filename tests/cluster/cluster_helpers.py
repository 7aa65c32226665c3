"""What the cluster tests share: the policy, receipts (the example receipt with other ids, units and
models), development keys on disk, and a handle on the test's Dask cluster."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

from distributed import Client

from zkreceipt.circuits.receipt_policy import ReceiptPolicy
from zkreceipt.groth16 import ProvingKey
from zkreceipt.ledger.keys import ReceiptKeyPaths
from zkreceipt.receipts import Receipt, parse_receipt
from zkreceipt.receipts.example_files import example_path

POLICY = ReceiptPolicy(not_before=1737676800, not_after=1737763199, max_duration=3600)
#: (model, units, price): priced at the default rates, within 3 s × 1 GPU.
JOBS = [("llama3.2", "2.500", "5.000000"), ("codellama", "2.000", "5.000000"), ("llama3.2:1b", "3.000", "1.500000"),
        ("llama3.2", "1.000", "2.000000"), ("stable-diffusion", "0.400", "2.000000")]


@dataclasses.dataclass(frozen=True)
class Keys:
    pk: ProvingKey
    paths: ReceiptKeyPaths

    @property
    def directory(self) -> Path:
        return self.paths.proving_key.parent


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
