"""One batch of receipts proven in-process and on 1 and 2 single-threaded Dask worker processes, side by side.

Run: nice python3 benchmarks/cluster_scaling.py [--receipts 256] [--chunk-size 32] [--rounds 2] [--json PATH]

The same receipts (seeded sample: models, units, times, GPU counts, policy
windows) go through ``prove_receipts`` four ways in each round, interleaved:
in this process on one kernel thread and on all cores, and with a Dask client
of a local cluster of 1 and of 2 worker processes (one thread each,
``NUMBA_NUM_THREADS=1``; the workers read the key file). Both clusters are
started and warmed up first (key loaded, kernels and circuit compiled: one small
batch each); the first round builds the key's fixed-base tables inside the timed
batch everywhere (in-process: the key object is fresh; on a worker: first chunk),
later rounds find them warm. Bundles are built, not written.

Per chunk on the clusters: the pickled request and answer sizes, the worker's
time (solve, prove), the client's time (decode and batch-verify), and the
overhead (workers × wall − Σ worker busy time) / chunks: scheduling, transfer,
(de)serialization, queue gaps and the tail of the batch. Separately: the
client's CPU per receipt during a cluster batch (statements, bundles, Dask
client), the cost of writing one bundle as ``prove-batch`` does (atomic file,
SQLite row, audit record, each fsynced) both ways side by side: one store
transaction per bundle (``add_proven``, as before) and one per chunk
(``ChunkWriter``: ``add_proven_many``, what ``prove-batch`` does now), the key's
size, and the throughput model of ``benchmarks/README.md`` computed from these figures.

The receipts are signed by a provider key generated for the run, which the
prover trusts and which attests every bundle (as ``prove-batch`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as the CLI: idle OpenMP threads must not spin

import numba

from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptPolicy
import zkreceipt.cli.batch_support as batch_support
from zkreceipt.cli.batch_support import ChunkWriter
from zkreceipt.cli.bundle_support import audit_proven, save_bundle, store_proven
import zkreceipt.cluster as cluster_face
from zkreceipt.cluster import ChunkReport, SentKey, StatementChunk, key_fingerprint, open_client, prove_chunk
from zkreceipt.groth16.prover_bases import prover_bases
from zkreceipt.ledger.bundles import ProvenReceipt, prove_receipts
from zkreceipt.ledger.keys import load_receipt_key_pair, save_receipt_keys, setup_receipt_keys
from zkreceipt.ledger.statements import receipt_statement
from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.receipts import DEFAULT_RATE_TABLE, Receipt, expected_price, generate_signing_key, new_salt, sign_receipt
from zkreceipt.receipts.fixed_point import UNITS_SCALE

SEED = 20261124  # the sample of receipts (not a secret)
#: Model inputs that are not measured here (see benchmarks/README.md): client link, Dask's per-task cost.
CLIENT_LINK_BYTES_PER_S = 125e6  # 1 Gbit/s
SCHEDULER_TASKS_PER_S = 1000  # "each task suffers about 1 ms of overhead" (distributed's documentation)
MODEL_WORKERS = (1, 2, 10, 100, 1000)
#: Signs the sample's receipts and attests the bundles (drawn per run: nothing here is kept).
PROVIDER = generate_signing_key()
AS_PROVIDER = {"trusted_keys": PROVIDER.verify_key, "signing_key": PROVIDER}


def sample(count: int) -> tuple[list[Receipt], list[ReceiptPolicy]]:
    """``count`` different valid receipts signed by the provider, and a policy each (different windows, GPU counts)."""
    rng = random.Random(SEED)
    receipts, policies = [], []
    for index in range(count):
        started_at = 1_737_730_800 + rng.randrange(30 * 86_400)
        duration, gpus = rng.randrange(1, 4 * 3600), rng.randrange(1, 9)
        unpriced = Receipt(
            receipt_id=f"bench-{index}", job_id=f"job-{rng.randrange(1 << 32):08x}",
            provider=f"provider-{rng.randrange(16)}", client=f"client-{rng.randrange(1024)}",
            units_fp=rng.randrange(1, duration * gpus * UNITS_SCALE + 1), unit_type="gpu_seconds", price_fp=0,
            model=rng.choice(DEFAULT_RATE_TABLE.models), started_at=started_at, completed_at=started_at + duration,
        )
        priced = replace(unpriced, price_fp=expected_price(unpriced, DEFAULT_RATE_TABLE).price_fp)
        receipts.append(sign_receipt(priced, PROVIDER))
        policies.append(
            ReceiptPolicy(not_before=started_at - rng.randrange(86_400), not_after=started_at + duration + 1,
                          max_duration=4 * 3600, gpu_count=gpus)
        )
    return receipts, policies


@dataclass
class Run:
    """One timed batch."""

    name: str
    round: int
    wall: float
    client_cpu: float
    proofs: int
    reports: list[ChunkReport] = field(default_factory=list)
    workers: int = 0

    @property
    def rate(self) -> float:
        return self.proofs / self.wall

    def chunk_figures(self) -> dict[str, float]:
        if not self.reports:
            return {}
        busy = [sum(r.worker_seconds[phase] for phase in ("key", "solve", "prove")) for r in self.reports]
        return {
            "chunks": len(self.reports),
            "request_bytes": statistics.mean(r.request_bytes for r in self.reports),
            "answer_bytes": statistics.mean(r.answer_bytes for r in self.reports),
            "worker_s": statistics.mean(busy),
            "solve_s": statistics.mean(r.worker_seconds.get("solve", 0) for r in self.reports),
            "prove_s": statistics.mean(r.worker_seconds.get("prove", 0) for r in self.reports),
            "worker_cpu_s": statistics.mean(r.worker_seconds.get("cpu", 0) for r in self.reports),
            "client_s": statistics.mean(r.client for r in self.reports),
            "overhead_s": (self.workers * self.wall - sum(busy)) / len(self.reports),
        }


def timed_batch(name: str, round_: int, prove: Callable[[], list[ProvenReceipt]], **extra: Any) -> Run:
    wall, cpu = time.perf_counter(), time.process_time()
    proven = prove()
    return Run(name, round_, time.perf_counter() - wall, time.process_time() - cpu, len(proven), **extra)


def with_reports(reports: list[ChunkReport]) -> Callable[..., Any]:
    """``prove_statements_on`` that hands every chunk's report to ``reports`` (measured sizes on)."""
    real = cluster_face.prove_statements_on

    def measured(*args: Any, **options: Any) -> Any:
        return real(*args, **options, on_chunk=reports.append)

    return measured


def write_cost(proven: Sequence[ProvenReceipt], folder: Path, chunk: int) -> dict[str, dict[str, float]]:
    """Seconds per bundle to write it as prove-batch does, two ways interleaved chunk by chunk, each into its own store.

    "per bundle": atomic file, ``add_proven`` (one transaction), audit record, one receipt at a time.
    "per chunk": ``ChunkWriter`` as prove-batch uses it: each file, then one ``add_proven_many``
    transaction for the chunk, then the audit records.
    """
    os.environ["ZKRECEIPT_HOME"] = str(folder / "home")
    seconds = {way: {"file": 0.0, "store": 0.0, "audit": 0.0} for way in ("per bundle", "per chunk")}
    real_audit = batch_support.audit_proven

    def timed_audit(*args: Any) -> None:  # the ChunkWriter's audit records, timed apart from its commit
        started = time.perf_counter()
        real_audit(*args)
        seconds["per chunk"]["audit"] += time.perf_counter() - started

    batch_support.audit_proven = timed_audit
    try:
        with ReceiptStore(folder / "per-bundle.db") as one_by_one, ReceiptStore(folder / "per-chunk.db") as chunked:
            targets = [folder / f"c{index}.bundle.json" for index in range(len(proven))]
            writer = ChunkWriter(chunked, [item.receipt for item in proven], targets, replace=False)
            for start in range(0, len(proven), chunk):
                indices = range(start, min(start + chunk, len(proven)))
                for index in indices:
                    item, target = proven[index], folder / f"b{index}.bundle.json"
                    for part, write in (
                        ("file", partial(save_bundle, target, item)),
                        ("store", partial(store_proven, one_by_one, item.receipt, item)),
                        ("audit", partial(audit_proven, item.receipt, item, target)),
                    ):
                        started = time.perf_counter()
                        write()
                        seconds["per bundle"][part] += time.perf_counter() - started
                started = time.perf_counter()
                for index in indices:
                    writer.keep(index, proven[index])
                kept = time.perf_counter()
                audit_before = seconds["per chunk"]["audit"]
                writer.commit()
                seconds["per chunk"]["file"] += kept - started
                seconds["per chunk"]["store"] += time.perf_counter() - kept - (seconds["per chunk"]["audit"] - audit_before)
    finally:
        batch_support.audit_proven = real_audit
    figures = {}
    for way, parts in seconds.items():
        per_bundle = {part: total / len(proven) for part, total in parts.items()}
        figures[way] = {**per_bundle, "total": sum(per_bundle.values())}
    return figures


def serialization_cost(pk: Any, statements: Sequence[Any]) -> dict[str, float]:
    """Pickling a chunk's request and answer both ways, in this process (what Dask does per task)."""
    circuit = partial(compile_receipt_circuit, PRICE_AND_MODEL)
    request = StatementChunk.of(circuit, statements)
    answer = prove_chunk(SentKey(pk, key_fingerprint(pk)), request)
    figures = {}
    for name, value in (("request", request), ("answer", answer)):
        started = time.perf_counter()
        for _ in range(20):
            pickle.loads(pickle.dumps(value, protocol=5))
        figures[f"{name}_pickle_s"] = (time.perf_counter() - started) / 20
    witness_bytes = statements[0].solve().values.limbs.nbytes
    figures["witness_bytes"] = witness_bytes
    return figures


def model(one_worker: Run, client_cpu_per_proof: float, write_s: dict[str, float], chunk: int, key_bytes: int,
          key_start_s: float) -> list[dict[str, Any]]:
    """Throughput against workers: N × (one worker's warm rate) until the first client-side limit.

    A worker's rate on a core of its own: its CPU seconds per chunk (not its wall time, which other
    jobs on this machine stretch) plus the measured per-chunk overhead (wall time, so pessimistic)."""
    figures = one_worker.chunk_figures()
    per_worker = chunk / (figures["worker_cpu_s"] + max(figures["overhead_s"], 0.0))
    bytes_per_proof = (figures["request_bytes"] + figures["answer_bytes"]) / chunk
    limits = {
        "client CPU (statements, bundles, verification; Dask client and scheduler)": 1 / client_cpu_per_proof,
        "bundle writes (file + audit each fsynced, SQLite once per chunk)": 1 / write_s["total"],
        "client link 1 Gbit/s": CLIENT_LINK_BYTES_PER_S / bytes_per_proof,
        "scheduler (~1 ms/task)": SCHEDULER_TASKS_PER_S * chunk,
    }
    rows = []
    for workers in MODEL_WORKERS:
        limit, bound = min((value, name) for name, value in limits.items())
        rate = min(workers * per_worker, limit)
        rows.append({
            "workers": workers, "proofs_per_s": rate, "bound": "workers" if rate < limit else bound,
            "key_broadcast_s": workers * key_bytes / CLIENT_LINK_BYTES_PER_S, "worker_start_s": key_start_s,
        })
    return [{"per_worker": per_worker, "limits": limits, "bytes_per_proof": bytes_per_proof}, *rows]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=256)
    parser.add_argument("--chunk-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)

    receipts, policies = sample(args.receipts)
    folder = Path(tempfile.mkdtemp(prefix="zkreceipt-cluster-bench-"))
    paths = save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), folder / "keys")
    key_bytes = paths.proving_key.stat().st_size
    fresh_key = partial(load_receipt_key_pair, folder / "keys")  # a new key object, its two files checked
    warm_receipts, warm_policies = receipts[:8], policies[:8]
    prove_receipts(warm_receipts, fresh_key(), warm_policies, DEFAULT_RATE_TABLE, **AS_PROVIDER)
    started = time.process_time()
    statements = [receipt_statement(r, p, DEFAULT_RATE_TABLE, new_salt()) for r, p in zip(receipts, policies)]
    statement_s = (time.process_time() - started) / len(receipts)  # CPU: other jobs on the machine do not count
    runs: list[Run] = []
    all_threads = numba.config.NUMBA_NUM_THREADS
    with open_client(local_workers=1) as one, open_client(local_workers=2) as two:
        for client in (one, two):  # load the key, kernels and circuit on every worker, outside the timing
            prove_receipts(warm_receipts, fresh_key(), warm_policies, DEFAULT_RATE_TABLE, **AS_PROVIDER,
                           client=client, key_file=paths.proving_key, chunk_size=2)
        real_prove_on = cluster_face.prove_statements_on
        pk_cluster = fresh_key()
        pk_local = {threads: fresh_key() for threads in (1, all_threads)}

        def in_process(pk: Any) -> list[ProvenReceipt]:
            prover_bases(pk, True)  # the fixed-base tables: built in round 1, as the workers build theirs
            return prove_receipts(receipts, pk, policies, DEFAULT_RATE_TABLE, **AS_PROVIDER, chunk_size=args.chunk_size)

        for round_ in range(1, args.rounds + 1):
            for threads in (1, all_threads):
                numba.set_num_threads(threads)
                name = f"in-process, {threads} kernel thread{'s' if threads > 1 else ''}"
                runs.append(timed_batch(name, round_, partial(in_process, pk_local[threads])))
                print(f"round {round_}: {runs[-1].name}: {runs[-1].rate:.1f} proofs/s", file=sys.stderr)
            numba.set_num_threads(all_threads)
            for workers, client in ((1, one), (2, two)):
                reports: list[ChunkReport] = []
                cluster_face.prove_statements_on = with_reports(reports)  # what prove_receipts calls
                try:
                    runs.append(timed_batch(
                        f"Dask, {workers} worker process{'es' if workers > 1 else ''}", round_,
                        partial(prove_receipts, receipts, pk_cluster, policies, DEFAULT_RATE_TABLE, **AS_PROVIDER,
                                client=client, key_file=paths.proving_key, chunk_size=args.chunk_size),
                        reports=reports, workers=workers,
                    ))
                finally:
                    cluster_face.prove_statements_on = real_prove_on
                print(f"round {round_}: {runs[-1].name}: {runs[-1].rate:.1f} proofs/s", file=sys.stderr)
        start_reports = [r for r in runs if r.workers == 1][0].reports
    proven = prove_receipts(receipts[:128], pk_cluster, policies[:128], DEFAULT_RATE_TABLE, **AS_PROVIDER)
    write_s = write_cost(proven, folder / "written", args.chunk_size)
    serial = serialization_cost(pk_cluster, statements[: args.chunk_size])
    warm_one = [r for r in runs if r.workers == 1][-1]
    client_cpu = statistics.mean(r.client_cpu / r.proofs for r in runs if r.workers)
    first_chunk_prove = max(r.worker_seconds.get("prove", 0) for r in start_reports)
    later_prove = statistics.median(r.worker_seconds.get("prove", 0) for r in warm_one.reports)
    fresh = time.perf_counter()
    fresh_key()
    key_load_s = time.perf_counter() - fresh
    key_start_s = key_load_s + max(first_chunk_prove - later_prove, 0.0)
    projection = model(warm_one, client_cpu, write_s["per chunk"], args.chunk_size, key_bytes, key_start_s)
    report(args, runs, statement_s, write_s, serial, client_cpu, key_bytes, key_load_s, key_start_s, projection)
    if args.json:
        args.json.write_text(json.dumps({
            "runs": [{**{k: v for k, v in vars(r).items() if k != "reports"}, "rate": r.rate, **r.chunk_figures()}
                     for r in runs],
            "statement_s": statement_s, "write_s": write_s, "serialization": serial, "client_cpu_s": client_cpu,
            "key_bytes": key_bytes, "key_load_s": key_load_s, "worker_start_s": key_start_s, "model": projection,
        }, indent=1))


def report(args: argparse.Namespace, runs: list[Run], statement_s: float, write_s: dict[str, dict[str, float]],
           serial: dict[str, float], client_cpu: float, key_bytes: int, key_load_s: float, key_start_s: float,
           projection: list[dict[str, Any]]) -> None:
    base = {r.round: r.rate for r in runs if r.name.startswith("in-process, 1 ")}
    print(f"{args.receipts} receipts, chunks of {args.chunk_size}; load average {os.getloadavg()[0]:.1f}\n")
    print("| run | round | wall s | proofs/s | vs in-process, 1 thread |")
    print("| --- | --- | --- | --- | --- |")
    for r in runs:
        print(f"| {r.name} | {r.round} | {r.wall:.2f} | {r.rate:.1f} | {r.rate / base[r.round]:.2f}× |")
    print("\n| per chunk (Dask runs) | round | request kB | answer kB | worker wall s (solve + prove) | worker CPU s |"
          " client s | overhead s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in runs:
        f = r.chunk_figures()
        if f:
            print(f"| {r.name} | {r.round} | {f['request_bytes'] / 1e3:.1f} | {f['answer_bytes'] / 1e3:.1f} | "
                  f"{f['worker_s']:.3f} ({f['solve_s']:.3f} + {f['prove_s']:.3f}) | {f['worker_cpu_s']:.3f} | "
                  f"{f['client_s']:.4f} | "
                  f"{f['overhead_s']:.3f} |")
    print(f"\nclient per receipt: statement {statement_s * 1e3:.2f} ms CPU; CPU during a Dask batch {client_cpu * 1e3:.2f} ms")
    for way, w in write_s.items():
        print(f"writing a bundle, one store transaction {way}: {w['total'] * 1e3:.2f} ms (file {w['file'] * 1e3:.2f}, "
              f"store {w['store'] * 1e3:.2f}, audit {w['audit'] * 1e3:.2f})")
    print(f"pickling a chunk both ways: request {serial['request_pickle_s'] * 1e3:.2f} ms, answer "
          f"{serial['answer_pickle_s'] * 1e3:.2f} ms; one solved witness would be {serial['witness_bytes'] / 1e3:.0f} kB")
    print(f"proving key: {key_bytes / 1e6:.2f} MB, load {key_load_s:.2f} s; a worker's start (load + tables) "
          f"{key_start_s:.2f} s")
    head, *rows = projection
    print(f"\nmodel: {head['per_worker']:.1f} proofs/s per single-threaded worker on a core of its own, "
          f"{head['bytes_per_proof']:.0f} bytes per proof on the client's link; limits (proofs/s): "
          + ", ".join(f"{name} {value:,.0f}" for name, value in head["limits"].items()))
    print("| workers | proofs/s | bound by | key broadcast from the client s |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['workers']:,} | {row['proofs_per_s']:,.0f} | {row['bound']} | {row['key_broadcast_s']:.1f} |")


if __name__ == "__main__":
    main()
