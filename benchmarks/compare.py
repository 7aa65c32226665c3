"""zkreceipt against snarkjs 0.7.6, side by side in one run, on the same files.

Run: python3 benchmarks/compare.py [--max-log 16] [--receipts 256] [--verify-batch 1000]
                                   [--repeats 3] [--skip-cli] [--quick] [--json PATH]

Circuits: the receipt circuit (default disclosure: 2,339 constraints) with many different
receipts, and multiplication chains of 2^10 … 2^max-log constraints. Each is written once
(.r1cs, a snarkjs .zkey from zkreceipt's development setup, verification_key.json, one .wtns
per witness; see compare_inputs.py) and then measured by

* zkreceipt in a child process: key load, ``prove`` (median), ``prove_batch`` of K,
  witness solving of the K receipts, ``verify`` (median), ``verify_batch`` of N proofs;
* snarkjs as a library in one Node process (its fair best): ``groth16.prove`` after a warm-up
  (median), throughput with 1, 2, 4 proofs in flight (best), ``groth16.verify`` one by one;
* both CLIs as whole processes (median of ``--repeats``): ``groth16 prove`` and ``verify``.

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
from compare_report import MEASURES, CircuitResult, markdown_table, notes_of, rows_of
from compare_runs import (
    SNARKJS_VERSION,
    CompareError,
    ensure_snarkjs,
    measure_clis,
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
QUICK = {"chains": [6], "receipts": 2, "verify_batch": 4, "repeats": 1, "node_proofs": 2, "chain_batch": 2}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-log", type=int, default=16, help="largest multiplication chain, 2^k constraints")
    parser.add_argument("--receipts", type=int, default=256, help="K: receipts proved in one prove_batch")
    parser.add_argument("--verify-batch", type=int, default=1000, help="N: receipt proofs made and batch-verified")
    parser.add_argument("--repeats", type=int, default=3, help="single proofs / CLI runs per tool (median)")
    parser.add_argument("--node-proofs", type=int, default=64, help="receipt proofs per snarkjs throughput run")
    parser.add_argument("--chain-batch", type=int, default=16, help="proofs per prove_batch on the chains")
    parser.add_argument("--in-flight", default="1,2,4", help="snarkjs proofs in flight, comma-separated")
    parser.add_argument("--skip-cli", action="store_true", help="skip the whole-process CLI timings")
    parser.add_argument("--quick", action="store_true", help="a tiny run (2^6 chain, 2 receipts) to check the script")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON to this file")
    parser.add_argument("--workdir", type=Path, help="keep the circuit files here (default: a temporary directory)")
    args = parser.parse_args(argv)
    args.chains = list(range(10, args.max_log + 1, 2))
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


def measure_circuit(
    files: CircuitFiles, args: argparse.Namespace, batch: int, verify_batch: int, node_proofs: int
) -> CircuitResult:
    print(f"measuring {files.name} ({files.n_constraints:,} constraints) …", file=sys.stderr, flush=True)
    export = min(verify_batch, max(2 * args.repeats, 2))
    zk = measure_zkreceipt(files, repeats=args.repeats, batch=batch, verify_batch=verify_batch, export=export)
    sj = measure_snarkjs(
        files, repeats=args.repeats, throughput_proofs=node_proofs, in_flight=args.in_flight, verify=zk["exported"]
    )
    cross_check(files, sj["proofs"])
    cli = None if args.skip_cli else measure_clis(files, args.repeats)
    return CircuitResult(files.name, files.n_constraints, zk, sj, cli)


def run(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, Any], list[CircuitResult]]:
    ensure_snarkjs()
    before = machine_state()
    results = []
    total = max(args.receipts, args.verify_batch)
    receipt_files = prepare_receipts(total, workdir / "receipt")
    results.append(measure_circuit(receipt_files, args, args.receipts, args.verify_batch, min(args.node_proofs, total)))
    for log_n in args.chains:
        files = prepare_mul_chain(log_n, args.chain_batch, workdir / f"chain_{log_n}")
        results.append(measure_circuit(files, args, args.chain_batch, args.chain_batch, min(args.chain_batch, 4)))
    machine = {**before, "load_average_after": [round(x, 2) for x in os.getloadavg()]}
    return machine, results


def report(machine: dict[str, Any], results: list[CircuitResult], args: argparse.Namespace) -> str:
    rows = [row for result in results for row in rows_of(result)]
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
            machine, results = run(args, args.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="zkreceipt-compare-") as tmp:
                machine, results = run(args, Path(tmp))
    except CompareError as exc:
        raise SystemExit(f"compare.py: {exc}") from exc
    print(report(machine, results, args))


if __name__ == "__main__":
    main()
