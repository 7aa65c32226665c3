"""zkreceipt in-process measurements for ``compare.py``, run in a child process of its own.

Run: python3 benchmarks/compare_zkreceipt.py JOB.json   (JOB written by compare_runs.py)

A process of its own so that its peak RSS (``VmHWM``) is this run's alone: NumPy's
buffers are invisible to tracemalloc. Steps, after one warm-up of each call:

1. key load: ``read_proving_key`` on the snarkjs-format zkey, twice: first with the G2
   subgroup checks (the parent gives a fresh ``ZKRECEIPT_CACHE_DIR``), then again (the
   key's G2 points recorded as checked: ``curve.subgroup_cache``);
2. ``prove`` one at a time (``repeats`` times) and ``prove_batch`` of the first ``batch``
   witnesses, once as usual and once with ``shared_wires=False`` (no wire summed once for
   the batch: the figure without the data's shared wires), then the remaining witnesses
   (up to ``verify_batch``) in a second, untimed batch;
3. for receipts: ``receipt_statements`` + ``solve`` for the batch's receipts, checked
   equal to the .wtns files (the same witnesses snarkjs proves);
4. ``verify`` one at a time, and ``verify_batch`` on ``verify_batch`` proofs: every
   proof must verify (the run fails otherwise);
5. the first ``export`` proofs are written as snarkjs JSON for snarkjs to verify.

Prints one JSON line (seconds, counts, ``vm_hwm_kb``: peak RSS).
"""

from __future__ import annotations

import inspect
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as the CLI: idle OpenMP threads must not spin

from compare_inputs import receipt_statements

from zkreceipt.formats import read_wtns, snarkjs_json
from zkreceipt.formats.zkey_keys import read_proving_key
from zkreceipt.groth16 import prove, prove_batch, verify, verify_batch
from zkreceipt.groth16.prover_bases import shared_columns


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def _peak_rss_kb() -> int | None:
    """VmHWM of this process (Linux); not ru_maxrss, which starts at the parent's RSS after exec."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)


def _batch_options() -> dict[str, int]:
    """``workers=2`` when this zkreceipt's prove_batch can spread a batch over both cores."""
    return {"workers": 2} if "workers" in inspect.signature(prove_batch).parameters else {}


def measure(job: dict[str, Any]) -> dict[str, Any]:
    _, key_load_s = _timed(read_proving_key, job["zkey"])
    pk, key_reload_s = _timed(read_proving_key, job["zkey"])
    witnesses = [read_wtns(path) for path in job["witnesses"]]
    publics = [w[1 : pk.n_public + 1].to_ints() for w in witnesses]
    batch, total = job["batch"], max(job["batch"], job["verify_batch"])
    options = _batch_options()
    shared = int(shared_columns(witnesses[:batch]).sum()) if batch > 1 else pk.n_wires

    warm = prove(pk, witnesses[0])
    verify(pk.vk, publics[0], warm)
    prove_batch(pk, witnesses[:2], **options)
    single_s = [_timed(prove, pk, witnesses[i % len(witnesses)])[1] for i in range(job["repeats"])]
    proofs, batch_s = _timed(prove_batch, pk, witnesses[:batch], **options)
    unshared = {**options, "shared_wires": False} if "shared_wires" in inspect.signature(prove_batch).parameters else None
    batch_unshared_s = _timed(prove_batch, pk, witnesses[:batch], **unshared)[1] if unshared is not None else None
    if total > batch:
        proofs += prove_batch(pk, witnesses[batch:total], **options)

    witness_s = None
    if job["receipts"]:
        statements, statements_s = _timed(receipt_statements, batch)
        solved, solve_s = _timed(lambda: [statement.solve().values for statement in statements])
        witness_s = statements_s + solve_s
        if any(a.to_ints() != b.to_ints() for a, b in zip(solved, witnesses, strict=False)):
            raise SystemExit("compare_zkreceipt: re-solved receipt witnesses differ from the .wtns files")

    verify_s, verdicts = [], []
    for i in range(min(job["repeats"] * 2, total)):
        verdict, seconds = _timed(verify, pk.vk, publics[i], proofs[i])
        verify_s.append(seconds)
        verdicts.append(verdict)
    verify_batch(pk.vk, publics[:2], proofs[:2])  # warm-up
    checked, verify_batch_s = _timed(verify_batch, pk.vk, publics[:total], proofs[:total])
    if not (all(verdicts) and checked.all_valid):
        raise SystemExit(f"compare_zkreceipt: zkreceipt proofs failed to verify: {checked.invalid_indices}")

    exported = []
    out = Path(job["export_dir"])
    for i in range(min(job["export"], total)):
        proof_path, public_path = out / f"zkreceipt_proof_{i}.json", out / f"zkreceipt_public_{i}.json"
        snarkjs_json.write_proof(proof_path, proofs[i])
        snarkjs_json.write_public_signals(public_path, publics[i])
        exported.append({"proof": str(proof_path), "public": str(public_path)})
    return {
        "key_load_s": key_load_s,
        "key_reload_s": key_reload_s,
        "n_wires": pk.n_wires,
        "shared_wires": shared,
        "batch_unshared_s": batch_unshared_s,
        "prove_s": single_s,
        "prove_median_s": statistics.median(single_s),
        "batch": batch,
        "batch_s": batch_s,
        "batch_options": options,
        "witness_s": witness_s,
        "verify_s": verify_s,
        "verify_median_s": statistics.median(verify_s),
        "verify_batch": total,
        "verify_batch_s": verify_batch_s,
        "proofs_verified": total,
        "exported": exported,
        "vm_hwm_kb": _peak_rss_kb(),
    }


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    print(json.dumps(measure(job)))


if __name__ == "__main__":
    main()
