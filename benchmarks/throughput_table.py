"""Throughput on the receipt circuit: batch proving and batch verification, side by side in one run.

Run: python3 benchmarks/throughput_table.py [--proofs 256] [--verify 1000] [--phases]

Receipts are ``compare_inputs.receipt_statements`` (different models, units, times, GPU
counts, policies and salts: the sample ``compare.py`` gives snarkjs). Rows, each timed
wall-clock and as this process's CPU time (``time.process_time``, both cores summed):

* witness: building the statements (native Poseidon commitment, rate-table path) and solving;
* ``prove`` one at a time; ``prove_batch`` without tables; ``prove_batch`` on a fresh key
  object (fixed-base tables built inside the call, included); ``prove_batch`` again (tables cached);
* ``verify`` one at a time; ``verify_batch`` of ``--verify`` proofs (the batch's proofs repeated).

``--phases`` adds the prover's phases for one chunk of 64 (quotient, each query's MSM).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as the CLI: idle OpenMP threads must not spin
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_inputs import receipt_statements

from zkreceipt.groth16 import (
    ProvingKey,
    prove,
    prove_batch,
    setup_development,
    verify,
    verify_batch,
)
from zkreceipt.groth16.prover import witness_sums
from zkreceipt.groth16.prover_bases import ProverBases, shared_columns, similar_groups
from zkreceipt.groth16.r1cs_to_qap import quotient_evaluations_many


@dataclasses.dataclass(frozen=True)
class Timing:
    wall_s: float
    cpu_s: float
    result: Any


def timed(fn: Callable[[], Any]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu, result)


def row(name: str, t: Timing, count: int, note: str = "") -> str:
    per_wall, per_cpu = t.wall_s / count * 1e3, t.cpu_s / count * 1e3
    return f"| {name} | {count} | {per_wall:.1f} | {per_cpu:.1f} | {1e3 / per_wall:.1f} | {note} |"


def fresh_key(pk: ProvingKey) -> ProvingKey:
    """The same key as a new object: its fixed-base tables are not cached yet."""
    return dataclasses.replace(pk)


def phases(pk: ProvingKey, witnesses: list[Any]) -> list[str]:
    """The prover's phases on one chunk of 64, per proof: wall / CPU ms, without and with tables."""
    chunk = witnesses[:64]
    groups = similar_groups(chunk)
    shared = [int(shared_columns([chunk[i] for i in g]).sum()) for g in groups]
    summary = (
        f"chunk of {len(chunk)}: wires shared by all {int(shared_columns(chunk).sum())} of {pk.n_wires}; "
        f"{len(groups)} groups of similar witnesses (sizes {[len(g) for g in groups]}) sharing {shared}"
    )
    out = [
        summary,
        "",
        "| phase (chunk of 64) | plain ms/proof (wall / CPU) | tables ms/proof (wall / CPU) |",
        "| --- | --- | --- |",
    ]
    h = timed(lambda: quotient_evaluations_many(pk.qap, chunk))
    out.append(f"| quotient (R1CS eval + 6 NTTs) | {h.wall_s / 64e-3:.1f} / {h.cpu_s / 64e-3:.1f} | — |")
    plain, tables = ProverBases.plain(pk), ProverBases.with_tables(pk)
    for name, run in (
        ("witness MSMs A, B1, B2 (G2), C (grouped)", lambda bases: witness_sums(pk, bases, chunk)),
        ("MSM H (G1, 4,096 full scalars)", lambda bases: bases.h.msm_many(h.result)),
    ):
        cells = [timed(lambda bases=bases, run=run: run(bases)) for bases in (plain, tables)]  # type: ignore[misc]
        out.append(f"| {name} | " + " | ".join(f"{t.wall_s / 64e-3:.1f} / {t.cpu_s / 64e-3:.1f}" for t in cells) + " |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proofs", type=int, default=256, help="receipts proved in one prove_batch (K)")
    parser.add_argument("--verify", type=int, default=1000, help="proofs in one verify_batch")
    parser.add_argument("--single", type=int, default=8, help="prove/verify calls one at a time")
    parser.add_argument("--phases", action="store_true", help="also time the prover's phases")
    args = parser.parse_args()
    k = args.proofs
    print(f"load average at start: {os.getloadavg()}", flush=True)

    statements = timed(lambda: receipt_statements(k))
    solved = timed(lambda: [s.solve() for s in statements.result])
    witnesses = [w.values for w in solved.result]
    publics = [list(w.public_signals) for w in solved.result]
    pk = setup_development(statements.result[0].compiled.r1cs)
    verify(pk.vk, publics[0], prove(pk, witnesses[0]))  # warm-up: loads every compiled kernel
    prove_batch(pk, witnesses[:2], tables=False)

    single = timed(lambda: [prove(pk, witnesses[i]) for i in range(args.single)])
    plain = timed(lambda: prove_batch(pk, witnesses, tables=False))
    cold_key = fresh_key(pk)
    cold = timed(lambda: prove_batch(cold_key, witnesses))
    warm = timed(lambda: prove_batch(cold_key, witnesses))
    proofs = warm.result
    n = args.verify
    many_proofs = [proofs[i % k] for i in range(n)]
    many_publics = [publics[i % k] for i in range(n)]
    verify_batch(pk.vk, many_publics[:2], many_proofs[:2])
    one_by_one = timed(lambda: [verify(pk.vk, publics[i], proofs[i]) for i in range(args.single * 2)])
    batch_verified = timed(lambda: verify_batch(pk.vk, many_publics, many_proofs))
    if not (all(one_by_one.result) and batch_verified.result.all_valid):
        raise SystemExit("throughput_table: a proof failed to verify")
    witness_per_proof = (statements.wall_s + solved.wall_s) / k

    print("| step | count | ms each (wall) | ms each (CPU) | per second | note |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(row("statement (native commitment, rate path)", statements, k))
    print(row("witness solve", solved, k))
    print(row("`prove` one at a time", single, args.single))
    print(row("`prove_batch`, no tables", plain, k))
    print(row("`prove_batch`, tables built in the call", cold, k))
    print(row("`prove_batch`, tables cached", warm, k))
    for label, t in (("tables built in the call", cold), ("tables cached", warm)):
        per = witness_per_proof + t.wall_s / k
        print(f"| witness + `prove_batch`, {label} | {k} | {per * 1e3:.1f} | — | **{1 / per:.1f}** | proofs/s |")
    print(row("`verify` one at a time", one_by_one, args.single * 2))
    print(row("`verify_batch`", batch_verified, n))
    if args.phases:
        print()
        print("\n".join(phases(pk, witnesses)))
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
