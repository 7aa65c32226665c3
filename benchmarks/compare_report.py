"""The side-by-side table ``compare.py`` prints: one row per circuit and measure.

Columns: zkreceipt in-process, snarkjs in-process (one Node process), their ratio, then the
two CLIs (whole process) and their ratio. Ratios are zkreceipt/snarkjs of the values shown:
below 1 is better for zkreceipt in time and memory rows, above 1 in proofs-per-second rows.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from compare_runs import CliTimes

COLUMNS = (
    "circuit",
    "measure",
    "zkreceipt",
    "snarkjs (Node, in-process)",
    "zkreceipt/snarkjs",
    "zkreceipt CLI",
    "snarkjs CLI",
    "CLI zkreceipt/snarkjs",
)
MEASURES = (
    "key load ms (first: G2 subgroup checks)",
    "key load ms (checked before)",
    "prove one ms",
    "prove batched ms/proof",
    "proofs/s batched",
    "proofs/s batched, no shared wires",
    "proofs/s incl. witness",
    "verify one ms",
    "verify batched ms/proof",
    "peak RSS MB",
)
COLD_MEASURES = (
    "zkreceipt demo, cold kernel cache s",
    "zkreceipt verify, cold kernel cache s",
    "kernel warm-up, cold (CI step) s",
)


@dataclass(frozen=True)
class CircuitResult:
    """Everything measured on one circuit: the two in-process runs' JSON and the CLI timings."""

    name: str
    n_constraints: int
    zkreceipt: dict[str, Any]
    snarkjs: dict[str, Any] | None
    cli: dict[str, CliTimes] | None
    rounds: int = 1


@dataclass(frozen=True)
class Row:
    """One measure of one circuit; None where a tool has no such figure."""

    circuit: str
    measure: str
    zkreceipt: float | None
    snarkjs: float | None
    zkreceipt_cli: float | None = None
    snarkjs_cli: float | None = None

    @staticmethod
    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None


def snarkjs_best_throughput(snarkjs: dict[str, Any]) -> dict[str, Any] | None:
    """The in-flight setting with the most proofs per second."""
    runs = snarkjs["throughput"]
    return max(runs, key=lambda run: run["proofs"] / run["seconds"]) if runs else None


def rows_of(result: CircuitResult) -> list[Row]:
    """The table rows of one circuit; zkreceipt-only sizes (no snarkjs run) get key load, one proof, memory."""
    zk, sj, cli = result.zkreceipt, result.snarkjs, result.cli
    name = f"{result.name} ({result.n_constraints:,})"
    best = snarkjs_best_throughput(sj) if sj else None
    sj_batched = best["seconds"] / best["proofs"] if best else None
    sj_rate = 1 / sj_batched if sj_batched else None
    sj_verify = statistics.median(sj["verify_s"]) if sj and sj["verify_s"] else None
    zk_batched = zk["batch_s"] / zk["batch"]
    rows = [
        Row(name, MEASURES[0], zk["key_load_s"] * 1e3, None),
        Row(name, MEASURES[1], zk["key_reload_s"] * 1e3, None),
        Row(
            name,
            "prove one ms",
            zk["prove_median_s"] * 1e3,
            statistics.median(sj["prove_s"]) * 1e3 if sj else None,
            cli["zkreceipt"].prove_s * 1e3 if cli else None,
            cli["snarkjs"].prove_s * 1e3 if cli else None,
        ),
    ]
    if sj is None:
        return rows + [Row(name, "peak RSS MB", zk["max_rss_mb"], None)]
    rows += [
        Row(name, "prove batched ms/proof", zk_batched * 1e3, sj_batched * 1e3 if sj_batched else None),
        Row(name, "proofs/s batched", 1 / zk_batched, sj_rate),
    ]
    if zk.get("batch_unshared_s"):
        rows.append(Row(name, MEASURES[5], zk["batch"] / zk["batch_unshared_s"], sj_rate))
    if zk["witness_s"] is not None:
        rows.append(Row(name, "proofs/s incl. witness", zk["batch"] / (zk["batch_s"] + zk["witness_s"]), sj_rate))
    rows += [
        Row(
            name,
            "verify one ms",
            zk["verify_median_s"] * 1e3,
            sj_verify * 1e3 if sj_verify else None,
            cli["zkreceipt"].verify_s * 1e3 if cli else None,
            cli["snarkjs"].verify_s * 1e3 if cli else None,
        ),
        Row(name, "verify batched ms/proof", zk["verify_batch_s"] / zk["verify_batch"] * 1e3, sj_verify * 1e3 if sj_verify else None),
        Row(
            name,
            "peak RSS MB",
            zk["max_rss_mb"],
            sj["max_rss_mb"],
            cli["zkreceipt"].prove_max_rss_mb if cli else None,
            cli["snarkjs"].prove_max_rss_mb if cli else None,
        ),
    ]
    return rows


def cold_rows(cold: Any) -> list[Row]:
    """The cold-start rows (a ``compare_runs.ColdStart``): zkreceipt only, whole processes."""
    runs = (cold.demo, cold.verify, cold.warmup)
    return [Row("cold kernel cache", measure, run.seconds, None) for measure, run in zip(COLD_MEASURES, runs)]


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for row in rows:
        cells = [
            row.circuit,
            row.measure,
            _number(row.zkreceipt),
            _number(row.snarkjs),
            _ratio(Row.ratio(row.zkreceipt, row.snarkjs)),
            _number(row.zkreceipt_cli),
            _number(row.snarkjs_cli),
            _ratio(Row.ratio(row.zkreceipt_cli, row.snarkjs_cli)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def notes_of(results: Sequence[CircuitResult]) -> list[str]:
    """What each figure is made of, per circuit (batch sizes, shared wires, in-flight setting, proofs verified)."""
    notes = []
    for result in results:
        zk, sj = result.zkreceipt, result.snarkjs
        shared = f"{zk['shared_wires']:,} of {zk['n_wires']:,} wires equal across the batch"
        if sj is None:
            notes.append(f"- {result.name}: zkreceipt only (key load, one proof, peak RSS of that process).")
            continue
        best = snarkjs_best_throughput(sj)
        in_flight = (
            f"best of {[run['in_flight'] for run in sj['throughput']]} in flight: {best['in_flight']}"
            if best
            else "no run"
        )
        notes.append(
            f"- {result.name}: both tools prove batches of {zk['batch']} ({shared}); zkreceipt verify_batch of "
            f"{zk['verify_batch']} proofs (all valid); snarkjs {in_flight}, {sj['threads']} worker threads; "
            f"snarkjs verified {len(sj['verify_s'])} zkreceipt proofs one by one, zkreceipt verified "
            f"{len(sj['proofs'])} snarkjs proofs; {result.rounds} interleaved rounds (best of)."
        )
    return notes
