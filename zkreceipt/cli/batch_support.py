"""What ``prove-batch`` needs beyond the other proving commands: where to prove, chunk-wise writing, a rate bar."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..ledger.bundle_format import bundle_to_text
from ..ledger.bundles import ProvenReceipt
from ..ledger.store import ReceiptStore
from ..receipts import Receipt
from .bundle_support import BUNDLE_KIND, audit_proven, save_bundle


@dataclass
class ChunkWriter:
    """A batch's bundles written as they are handed over: each file at once, the store one transaction per chunk.

    ``keep(index, proven)`` writes receipt ``index``'s bundle file (atomic,
    fsynced) and holds its store row; ``commit()`` (after each chunk) stores the
    held receipts and bundles in one transaction (``replace``: a re-proof takes
    its key's row; otherwise a bundle already stored under the key is refused,
    DuplicateBundleError, and nothing of the chunk is stored), audits each and
    returns their indices in hand-over order. What ``commit`` returns is on disk
    and in the store; a crash before it loses only bundles never reported, and
    the resume rule proves them again.
    """

    store: ReceiptStore
    receipts: Sequence[Receipt]
    targets: Sequence[Path]
    replace: bool
    held: list[tuple[int, ProvenReceipt]] = field(default_factory=list)

    def keep(self, index: int, proven: ProvenReceipt) -> None:
        save_bundle(self.targets[index], proven)
        self.held.append((index, proven))

    def commit(self) -> list[int]:
        held, self.held = self.held, []
        rows = [(self.receipts[i], bundle_to_text(p.bundle), p.bundle.vk_id, p.bundle.commitment) for i, p in held]
        self.store.add_proven_many(rows, kind=BUNDLE_KIND, replace=self.replace)
        for index, proven in held:
            audit_proven(self.receipts[index], proven, self.targets[index])
        return [index for index, _ in held]


def local_worker_count(spec: str, cores: int) -> int:
    """The worker processes of ``--cluster local`` (one per core) or ``local:N``; BadParameter otherwise."""
    head, colon, count = spec.partition(":")
    if head == "local" and not colon:
        return cores
    if head == "local" and count.isdigit() and int(count) >= 1:
        return int(count)
    raise click.BadParameter(f"{spec!r} is not local or local:N with N ≥ 1", param_hint="--cluster")


@contextmanager
def dask_client(scheduler: str | None, local_cluster: str | None) -> Iterator[Any]:
    """None (prove in this process), a client of the scheduler at ``scheduler``, or of a local cluster for the run."""
    if scheduler is None and local_cluster is None:
        yield None
        return
    if scheduler is not None and local_cluster is not None:
        raise click.UsageError("give --scheduler or --cluster, not both")
    workers = None if local_cluster is None else local_worker_count(local_cluster, os.cpu_count() or 1)
    from ..cluster import open_client  # needs the extra zkreceipt[cluster] (ClusterError saying so if missing)

    with open_client(scheduler=scheduler, local_workers=workers) as client:
        threads = sum(client.nthreads().values())
        where = f"{workers} local worker processes" if workers else f"the Dask cluster at {scheduler}"
        click.echo(f"proving on {where} ({threads} worker threads now)", err=True)
        yield client


@contextmanager
def rate_progress_bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr showing proofs/s since the start; yields ``advance(n)``."""
    started = time.perf_counter()
    done = 0

    def rate(_: object) -> str:
        elapsed = time.perf_counter() - started
        return f"{done / elapsed:.1f} proofs/s" if done and elapsed > 0 else ""

    with click.progressbar(length=length, label=label, file=sys.stderr, item_show_func=rate) as bar:

        def advance(n: int) -> None:
            nonlocal done
            done += n
            bar.update(n, done)

        yield advance
