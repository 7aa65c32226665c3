"""zkreceipt against snarkjs 0.7.6, side by side in one run, interleaved, on the same files.

Run: python3 benchmarks/compare.py [--max-log 16] [--batch 64] [--chain-batch 4] [--verify-batch 1000]
                                   [--rounds 2] [--repeats 3] [--memory-logs 18] [--skip-cli]
                                   [--skip-cold] [--quick] [--json PATH]

Circuits: the receipt circuit (default disclosure: 2,339 constraints) with many different
receipts, and multiplication chains of 2^10 … 2^max-log constraints. Each is written once
(.r1cs, a snarkjs .zkey from zkreceipt's development setup, verification_key.json, one .wtns
per witness; see compare_inputs.py) and then measured in ``--rounds`` rounds, each running
the zkreceipt child, then the snarkjs child (so the tools alternate; figures are the best
round of each):

* zkreceipt in a child process: key load twice (with the G2 subgroup checks, then with the
  key recorded as checked), ``prove`` (median), ``prove_batch`` of K as usual and with
  ``shared_wires=False`` (no wire summed once for the batch), witness solving of the K
  receipts, ``verify`` (median), ``verify_batch`` of N proofs (first round);
* snarkjs as a library in one Node process (its fair best): ``groth16.prove`` after a warm-up
  (median), throughput over the same K witnesses with 1, 2, 4 proofs in flight (best),
  ``groth16.verify`` one by one;
* both CLIs as whole processes, alternating (median of ``--repeats``): ``groth16 prove`` and
  ``verify``.

``--memory-logs`` adds zkreceipt-only chains (key load, one proof, peak RSS) where snarkjs
takes minutes per proof. Unless ``--skip-cold``, the run starts with the cold start: ``zkreceipt
demo`` on an empty kernel cache (it compiles its kernels in parallel first), ``zkreceipt
verify`` of that bundle on another empty cache, and ``python -m zkreceipt.warmup`` (what CI
runs) on a third.

Correctness guard: snarkjs verifies a sample of zkreceipt's proofs, zkreceipt verifies every
proof snarkjs made, each CLI verifies the other CLI's proof, and every zkreceipt proof of the
batch passes ``verify_batch``: any failure aborts the run. snarkjs is installed from
benchmarks/package-lock.json (``npm ci``) on first use.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numba
import numpy
from compare_inputs import CircuitFiles, prepare_mul_chain, prepare_receipts
from compare_report import COLD_MEASURES, MEASURES, CircuitResult, cold_rows, markdown_table, notes_of, rows_of
from compare_runs import (
    SNARKJS_VERSION,
    ColdStart,
    CompareError,
    ensure_snarkjs,
    measure_clis,
    measure_cold_start,
    measure_snarkjs,
    measure_zkreceipt,
    node_version,
)

from zkreceipt.formats.snarkjs_json import proof_from_json
from zkreceipt.formats.zkey_keys import read_proving_key
from zkreceipt.groth16 import verify

SNARKJS_NOTE = (
    "- snarkjs proves precomputed witnesses, parses the zkey inside every prove (no key load of its own) and has "
    "no batch verifier (its 'verify batched' repeats one by one); ratios are zkreceipt/snarkjs."
)
QUICK = {
    "chains": [6],
    "batch": 2,
    "verify_batch": 4,
    "repeats": 1,
    "chain_batch": 2,
    "rounds": 1,
    "memory_logs": [],
    "skip_cold": True,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-log", type=int, default=16, help="largest multiplication chain, 2^k constraints")
    parser.add_argument("--batch", type=int, default=64, help="K: receipts each tool proves as one batch")
    parser.add_argument("--verify-batch", type=int, default=1000, help="N: receipt proofs made and batch-verified")
    parser.add_argument("--repeats", type=int, default=3, help="single proofs / CLI runs per tool (median)")
    parser.add_argument("--chain-batch", type=int, default=4, help="K on the chains, both tools")
    parser.add_argument("--rounds", type=int, default=2, help="alternating zkreceipt/snarkjs rounds per circuit")
    parser.add_argument("--memory-logs", default="18", help="zkreceipt-only chains 2^k (key load, one proof, RSS)")
    parser.add_argument("--in-flight", default="1,2,4", help="snarkjs proofs in flight, comma-separated")
    parser.add_argument("--skip-cli", action="store_true", help="skip the whole-process CLI timings")
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold-start rows (three cold caches)")
    parser.add_argument("--quick", action="store_true", help="a tiny run (2^6 chain, 2 receipts) to check the script")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON to this file")
    parser.add_argument("--workdir", type=Path, help="keep the circuit files here (default: a temporary directory)")
    args = parser.parse_args(argv)
    args.chains = list(range(10, args.max_log + 1, 2))
    args.memory_logs = [int(k) for k in args.memory_logs.split(",") if k]
    if args.quick:
        vars(args).update(QUICK)
    args.in_flight = [int(n) for n in args.in_flight.split(",")]
    return args


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")


def machine_state() -> dict[str, Any]:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "node": node_version(),
        "snarkjs": SNARKJS_VERSION,
    }


def cross_check(files: CircuitFiles, snarkjs_proofs: list[dict[str, Any]]) -> None:
    """zkreceipt's verifier must accept every proof snarkjs made in this run."""
    vk = read_proving_key(files.zkey).vk
    for made in snarkjs_proofs:
        signals = [int(s) for s in made["publicSignals"]]
        if not verify(vk, signals, proof_from_json(made["proof"], "snarkjs proof")):
            raise CompareError(f"{files.name}: zkreceipt rejected a snarkjs proof")


def _best(rounds: list[dict[str, Any]], key: str) -> Any:
    values = [r[key] for r in rounds if r.get(key) is not None]
    return min(values) if values else None


def merge_zkreceipt(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The best round of each time (verify_batch: the first round's N), every single timing kept."""
    merged = dict(rounds[0])
    for key in ("key_load_s", "key_reload_s", "batch_s", "batch_unshared_s", "witness_s"):
        merged[key] = _best(rounds, key)
    merged["prove_s"] = [t for r in rounds for t in r["prove_s"]]
    merged["verify_s"] = [t for r in rounds for t in r["verify_s"]]
    merged["prove_median_s"] = min(r["prove_median_s"] for r in rounds)
    merged["verify_median_s"] = min(r["verify_median_s"] for r in rounds)
    merged["max_rss_mb"] = max((r["max_rss_mb"] for r in rounds if r["max_rss_mb"] is not None), default=None)
    return merged


def merge_snarkjs(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    merged = dict(rounds[0])
    merged["prove_s"] = [t for r in rounds for t in r["prove_s"]]
    merged["throughput"] = [run for r in rounds for run in r["throughput"]]
    merged["verify_s"] = [t for r in rounds for t in r["verify_s"]]
    merged["verify_ok"] = [ok for r in rounds for ok in r["verify_ok"]]
    merged["proofs"] = [p for r in rounds for p in r["proofs"]]
    merged["max_rss_mb"] = max((r["max_rss_mb"] for r in rounds if r["max_rss_mb"] is not None), default=None)
    return merged


def measure_circuit(files: CircuitFiles, args: argparse.Namespace, batch: int, verify_batch: int) -> CircuitResult:
    """``args.rounds`` rounds of the zkreceipt child then the snarkjs child, same K for both."""
    print(f"measuring {files.name} ({files.n_constraints:,} constraints) …", file=sys.stderr, flush=True)
    zk_rounds, sj_rounds = [], []
    for index in range(args.rounds):
        n = verify_batch if index == 0 else batch  # the big verify_batch (and its proving) once
        export = min(n, max(2 * args.repeats, 2))
        zk = measure_zkreceipt(files, repeats=args.repeats, batch=batch, verify_batch=n, export=export)
        zk_rounds.append(zk)
        sj = measure_snarkjs(
            files, repeats=args.repeats, throughput_proofs=batch, in_flight=args.in_flight, verify=zk["exported"]
        )
        cross_check(files, sj["proofs"])
        sj_rounds.append(sj)
    cli = None if args.skip_cli else measure_clis(files, args.repeats)
    return CircuitResult(
        files.name, files.n_constraints, merge_zkreceipt(zk_rounds), merge_snarkjs(sj_rounds), cli, args.rounds
    )


def measure_zkreceipt_only(files: CircuitFiles, args: argparse.Namespace) -> CircuitResult:
    print(f"measuring {files.name} ({files.n_constraints:,} constraints), zkreceipt only …", file=sys.stderr, flush=True)
    zk = measure_zkreceipt(files, repeats=1, batch=1, verify_batch=1, export=0)
    return CircuitResult(files.name, files.n_constraints, zk, None, None, 1)


def run(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, Any], ColdStart | None, list[CircuitResult]]:
    ensure_snarkjs()
    before = machine_state()
    cold = None
    if not args.skip_cold:
        print("cold start: demo, verify, warm-up on empty kernel caches …", file=sys.stderr, flush=True)
        cold = measure_cold_start(workdir / "cold")
    results = []
    total = max(args.batch, args.verify_batch)
    receipt_files = prepare_receipts(total, workdir / "receipt")
    results.append(measure_circuit(receipt_files, args, args.batch, args.verify_batch))
    for log_n in args.chains:
        files = prepare_mul_chain(log_n, args.chain_batch, workdir / f"chain_{log_n}")
        results.append(measure_circuit(files, args, args.chain_batch, args.chain_batch))
    for log_n in args.memory_logs:
        results.append(measure_zkreceipt_only(prepare_mul_chain(log_n, 1, workdir / f"chain_{log_n}"), args))
    machine = {**before, "load_average_after": [round(x, 2) for x in os.getloadavg()]}
    return machine, cold, results


def report(
    machine: dict[str, Any], cold: ColdStart | None, results: list[CircuitResult], args: argparse.Namespace
) -> str:
    rows = (cold_rows(cold) if cold else []) + [row for result in results for row in rows_of(result)]
    header = (
        f"zkreceipt vs snarkjs {machine['snarkjs']}, {machine['date']}, {machine['nproc']} × {machine['cpu']}, "
        f"Python {machine['python']}, NumPy {machine['numpy']}, numba {machine['numba']}, Node {machine['node']}; "
        f"load average before {machine['load_average']} after {machine['load_average_after']}\n"
        f"Command: python3 benchmarks/compare.py {' '.join(sys.argv[1:])}\n"
    )
    if args.json:
        document = {
            "machine": machine,
            "measures": MEASURES,
            "cold_measures": COLD_MEASURES,
            "cold": {k: {"seconds": v.seconds, "cpu_s": v.cpu_s, "max_rss_mb": v.max_rss_mb} for k, v in vars(cold).items()}
            if cold
            else None,
            "rows": [asdict(r) for r in rows],
            "circuits": [
                {**asdict(result), "cli": {k: asdict(v) for k, v in result.cli.items()} if result.cli else None}
                for result in results
            ],
        }
        args.json.write_text(json.dumps(document, indent=1, default=str))
    return header + "\n" + markdown_table(rows) + "\n\n" + "\n".join([*notes_of(results), SNARKJS_NOTE])


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=True)
            machine, cold, results = run(args, args.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="zkreceipt-compare-") as tmp:
                machine, cold, results = run(args, Path(tmp))
    except CompareError as exc:
        raise SystemExit(f"compare.py: {exc}") from exc
    print(report(machine, cold, results, args))


if __name__ == "__main__":
    main()
