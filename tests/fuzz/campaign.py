"""A long mutation campaign over every reader, run by hand (not part of the test suite).

    python tests/fuzz/campaign.py --inputs 100000 [--seed 1] [--workers 2] [--out DIR]

Builds the seed corpus (:mod:`fuzz_corpus`), splits the inputs evenly over the readers
and runs them in worker processes, each input rebuilt from (seed, reader, index) by
:func:`fuzz_mutations.input_for`. A worker runs under an address-space limit
(``--memory-gib``), so a huge allocation from a forged length shows up as a MemoryError
(an untyped exception: a finding) instead of thrashing the machine. A worker that dies
(a segfault, an abort) breaks its chunk; every input of that chunk is then replayed in
a process of its own to find the one that crashes. Inputs slower than ``--slow`` seconds
are reported too.

Findings (untyped exceptions, crashes, slow inputs) are written to ``DIR/findings/``
with the input that caused them; ``DIR/report.json`` holds the figures. Exit status 0
when there are no untyped exceptions and no crashes, else 1. Replay inputs with
``--replay READER START STOP`` (same ``--seed``).
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_corpus import READERS, SEED_LIST, build_corpus, outcome  # noqa: E402
from fuzz_mutations import input_for  # noqa: E402

CHUNK = 200
_corpus: Path | None = None
_work: Path | None = None
_seeds: dict[str, bytes] = {}


def _init_worker(corpus: str, memory_gib: float) -> None:
    global _corpus, _work
    if memory_gib > 0:
        limit = int(memory_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _corpus = Path(corpus)
    _work = Path(tempfile.mkdtemp(prefix="zkreceipt-fuzz-"))
    seeds = json.loads((_corpus / SEED_LIST).read_text())
    _seeds.update({name: Path(path).read_bytes() for name, path in seeds.items()})
    for name, reader in READERS.items():  # load the compiled kernels now, not during the first timed input
        outcome(reader, _seeds[name], _work / f"warm-{name}", _corpus)


def run_chunk(name: str, seed: int, start: int, stop: int, slow: float) -> dict[str, Any]:
    """Inputs start..stop-1 of ``name``: counts, findings (index, kind, detail), the slowest input."""
    assert _corpus is not None and _work is not None
    reader = READERS[name]
    counts: collections.Counter[str] = collections.Counter()
    findings = []
    slowest = 0.0
    for index in range(start, stop):
        data = input_for(_seeds[name], reader.kind, f"{seed}:{name}", index)
        started = time.perf_counter()
        result = outcome(reader, data, _work / f"input-{name}", _corpus)
        elapsed = time.perf_counter() - started
        slowest = max(slowest, elapsed)
        counts[result.kind] += 1
        if result.kind == "untyped":
            findings.append((index, "untyped", result.detail))
        elif elapsed > slow:
            findings.append((index, "slow", f"{elapsed:.1f} s ({result.kind}: {result.detail[:200]})"))
    return {"name": name, "counts": dict(counts), "findings": findings, "slowest": slowest}


def replay_in_subprocesses(
    name: str, seed: int, start: int, stop: int, corpus: Path, memory_gib: float
) -> tuple[collections.Counter[str], list[tuple[int, int, str]]]:
    """Run inputs start..stop-1 in a fresh process that announces each input before running it;
    when it dies, the announced input is the crash, and the rest run in a new process."""
    counts: collections.Counter[str] = collections.Counter()
    crashes = []
    while start < stop:
        command = [sys.executable, __file__, "--replay", name, str(start), str(stop), "--seed", str(seed)]
        command += ["--corpus", str(corpus), "--memory-gib", str(memory_gib)]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        begun, ended = None, start
        for line in completed.stdout.splitlines():
            word, index, *rest = line.split(" ", 2) + [""]
            if word == "BEGIN":
                begun = int(index)
            elif word == "END":
                counts[rest[0].strip()] += 1
                ended = int(index) + 1
        if completed.returncode == 0:
            break
        crash_index = begun if begun is not None and begun >= ended else ended
        crashes.append((crash_index, completed.returncode, completed.stderr[-3000:]))
        counts["crash"] += 1
        start = crash_index + 1
    return counts, crashes


def save_finding(out: Path, name: str, seed: int, index: int, kind: str, detail: str) -> None:
    folder = out / "findings"
    folder.mkdir(parents=True, exist_ok=True)
    reader = READERS[name]
    seed_bytes = Path(json.loads((out / "corpus" / SEED_LIST).read_text())[name]).read_bytes()
    stem = f"{name}-{index}-{kind}"
    (folder / f"{stem}.input").write_bytes(input_for(seed_bytes, reader.kind, f"{seed}:{name}", index))
    (folder / f"{stem}.txt").write_text(detail)


def campaign(args: argparse.Namespace) -> int:
    out = Path(args.out)
    corpus = out / "corpus"
    started = time.perf_counter()
    if not (corpus / SEED_LIST).exists():
        build_corpus(corpus)
    corpus_seconds = time.perf_counter() - started
    names = args.readers.split(",") if args.readers else list(READERS)
    per_reader = -(-args.inputs // len(names))
    tasks = [(name, start, min(start + CHUNK, per_reader)) for name in names for start in range(0, per_reader, CHUNK)]
    counts: dict[str, collections.Counter[str]] = {name: collections.Counter() for name in names}
    slowest = dict.fromkeys(names, 0.0)
    findings: list[tuple[str, int, str, str]] = []
    crashes: list[tuple[str, int, int]] = []
    fuzz_started = time.perf_counter()
    done = 0
    pending = list(tasks)
    while pending:
        try:
            # spawn, not fork: the corpus build ran numba's OpenMP kernels in this process
            context = multiprocessing.get_context("spawn")
            init = (str(corpus), args.memory_gib)
            with ProcessPoolExecutor(args.workers, mp_context=context, initializer=_init_worker, initargs=init) as pool:
                futures = {pool.submit(run_chunk, name, args.seed, a, b, args.slow): (name, a, b) for name, a, b in pending}
                for future in as_completed(futures):
                    task = futures[future]
                    result = future.result()
                    pending.remove(task)
                    counts[result["name"]].update(result["counts"])
                    slowest[result["name"]] = max(slowest[result["name"]], result["slowest"])
                    for index, kind, detail in result["findings"]:
                        findings.append((result["name"], index, kind, detail))
                        save_finding(out, result["name"], args.seed, index, kind, detail)
                    done += task[2] - task[1]
                    if done % 5000 < CHUNK:
                        rate = done / (time.perf_counter() - fuzz_started)
                        print(f"{done} / {per_reader * len(names)} inputs, {rate:.0f}/s", file=sys.stderr, flush=True)
        except BrokenProcessPool:
            # A worker died (segfault, abort, OOM kill). The chunks still pending include the one
            # it was running: replay the first few (those the pool had started or queued) input by
            # input in processes of their own to find the crashing input; the rest go back to a new pool.
            suspects = pending[: args.workers + 1]
            for task in suspects:
                name, a, b = task
                pending.remove(task)
                replayed, found = replay_in_subprocesses(name, args.seed, a, b, corpus, args.memory_gib)
                counts[name].update(replayed)
                for index, code, output in found:
                    crashes.append((name, index, code))
                    save_finding(out, name, args.seed, index, "crash", f"exit {code}\n{output}")
                done += b - a
    fuzz_seconds = time.perf_counter() - fuzz_started
    total = sum(sum(c.values()) for c in counts.values())
    untyped = sum(1 for f in findings if f[2] == "untyped")
    slow = sum(1 for f in findings if f[2] == "slow")
    report = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "seed": args.seed,
        "inputs": total,
        "seconds": round(fuzz_seconds, 1),
        "corpus_seconds": round(corpus_seconds, 1),
        "workers": args.workers,
        "memory_gib": args.memory_gib,
        "untyped": untyped,
        "crashes": len(crashes),
        "slow": slow,
        "readers": {
            name: {**dict(counts[name]), "slowest_seconds": round(slowest[name], 3)} for name in names
        },
        "findings": [{"reader": n, "index": i, "kind": k, "detail": d.splitlines()[0][:300]} for n, i, k, d in findings],
        "crashes_found": [{"reader": n, "index": i, "exit": c} for n, i, c in crashes],
    }
    (out / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    width = max(len(name) for name in names)
    print(f"{'reader':{width}}  inputs      ok   typed  untyped  crash  slowest")
    for name in names:
        c = counts[name]
        print(
            f"{name:{width}}  {sum(c.values()):6}  {c['ok']:6}  {c['typed']:6}  {c['untyped']:7}  {c['crash']:5}"
            f"  {slowest[name]:6.2f} s"
        )
    print(
        f"{total} inputs in {fuzz_seconds:.0f} s ({total / fuzz_seconds:.0f}/s, {args.workers} workers; corpus "
        f"{corpus_seconds:.0f} s): {untyped} untyped exceptions, {len(crashes)} crashes, {slow} inputs over "
        f"{args.slow} s; report {out / 'report.json'}"
    )
    return 0 if untyped == 0 and not crashes else 1


def replay(args: argparse.Namespace) -> int:
    """Run inputs START..STOP-1 of READER here, printing "BEGIN i" before and "END i kind" after each."""
    name, start, stop = args.replay[0], int(args.replay[1]), int(args.replay[2])
    corpus = Path(args.corpus) if args.corpus else Path(args.out) / "corpus"
    _init_worker(str(corpus), args.memory_gib)
    assert _work is not None
    reader = READERS[name]
    for index in range(start, stop):
        print(f"BEGIN {index}", flush=True)
        data = input_for(_seeds[name], reader.kind, f"{args.seed}:{name}", index)
        result = outcome(reader, data, _work / f"input-{name}", corpus)
        print(f"END {index} {result.kind}", flush=True)
        if result.kind == "untyped":
            print(result.detail, file=sys.stderr)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs in all, split evenly over the readers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "zkreceipt-fuzz"))
    parser.add_argument("--corpus", help="corpus directory (for --replay; default OUT/corpus)")
    parser.add_argument("--readers", help="comma-separated reader names (default: all)")
    parser.add_argument("--memory-gib", type=float, default=4.0, help="address-space limit per worker (0: none)")
    parser.add_argument("--slow", type=float, default=5.0, help="report inputs slower than this many seconds")
    parser.add_argument(
        "--replay", nargs=3, metavar=("READER", "START", "STOP"), help="run inputs START..STOP-1 here, one by one"
    )
    args = parser.parse_args()
    return replay(args) if args.replay else campaign(args)


if __name__ == "__main__":
    sys.exit(main())
