"""Print MSM timings: zkreceipt beside snarkjs's MSM (ffjavascript multiExpAffine) and the
Python-int Pippenger twin, on the same points in one run.

Run: python3 benchmarks/msm_table.py [--quick] [--no-python] [--no-snarkjs]
Ours is the best of k runs taken before and after the other implementations run
(so all see the same machine load); ffjavascript runs in one Node process (2
worker threads here) after a warm-up, best of k; the Python-int twin runs once.
The first run installs ffjavascript under benchmarks/node_modules (see snarkjs_msm.py).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import snarkjs_msm

from zkreceipt.curve import plain
from zkreceipt.curve.fixed_base import FixedBaseTable
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.curve.pippenger import default_window, msm, msm_many
from zkreceipt.field import Fr

GROUPS = {"G1": G1Points, "G2": G2Points}


def best_of(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1e3:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def ratio(other: float | None, ours: float) -> str:
    return "—" if other is None else f"{other / ours:,.1f}×"


def msm_row(group: str, log_n: int, repeats: int, python_max_log: int, snarkjs: bool) -> str:
    n = 1 << log_n
    points, scalars = GROUPS[group].random(n), Fr.random(n)
    ours = lambda: msm(points, scalars)
    expected = ours()
    first = best_of(ours, repeats)
    node_s = None
    if snarkjs:
        try:
            node = snarkjs_msm.run(points, scalars, repeats)
            if node.result != expected.to_json()[0]:
                raise SystemExit(f"{group} 2^{log_n}: ffjavascript's result differs from ours")
            node_s = min(node.seconds)
        except snarkjs_msm.Unavailable as exc:
            print(f"(ffjavascript unavailable: {exc})")
    python_s = None
    if log_n <= python_max_log:
        curve = plain.curve_of(points)
        plain_points, ints = points.to_ints(), scalars.to_ints()
        start = time.perf_counter()
        twin = plain.pippenger_msm(curve, plain_points, ints)
        python_s = time.perf_counter() - start
        if twin != expected.to_ints()[0]:
            raise SystemExit(f"{group} 2^{log_n}: the Python-int twin's result differs from ours")
    ours_s = min(first, best_of(ours, repeats))
    return (
        f"| {group} MSM | 2^{log_n} | {default_window(n)} | {fmt(ours_s)} | {fmt(node_s)} | {fmt(python_s)} "
        f"| {ratio(node_s, ours_s)} | {ratio(python_s, ours_s)} |"
    )


def many_rows(count: int, log_n: int, repeats: int, snarkjs: bool) -> list[str]:
    n = 1 << log_n
    points = G1Points.random(n)
    scalar_lists = [Fr.random(n) for _ in range(count)]
    start = time.perf_counter()
    table = FixedBaseTable.build(points)
    build_s = time.perf_counter() - start
    variants = {
        f"{count} × msm": lambda: [msm(points, s) for s in scalar_lists],
        "msm_many": lambda: msm_many(points, scalar_lists),
        f"fixed-base msm_many (c = {table.window}, build {fmt(build_s)})": lambda: table.msm_many(scalar_lists),
    }
    for fn in variants.values():
        fn()
    node_s = None
    if snarkjs:
        try:
            node_s = min(snarkjs_msm.run(points, scalar_lists[0], repeats=max(repeats, 5)).seconds)
        except snarkjs_msm.Unavailable:
            pass
    rows = []
    for name, fn in variants.items():
        per_msm = best_of(fn, repeats) / count
        rows.append(
            f"| G1 {name} | {count} × 2^{log_n} | — | {fmt(per_msm)} / MSM | {fmt(node_s)} / MSM | — "
            f"| {ratio(node_s, per_msm)} | — |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="sizes up to 2^14, fewer repeats")
    parser.add_argument("--no-python", action="store_true", help="skip the Python-int twin")
    parser.add_argument("--no-snarkjs", action="store_true", help="skip ffjavascript")
    parser.add_argument("--python-max-log", type=int, default=16, help="largest log2 size for the Python twin")
    args = parser.parse_args()
    repeats = 2 if args.quick else 3
    python_max = -1 if args.no_python else args.python_max_log
    snarkjs = not args.no_snarkjs
    print("| operation | n | window | zkreceipt | ffjavascript multiExpAffine | Python-int Pippenger "
          "| vs ffjavascript | vs Python-int |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    cases = [("G1", 10), ("G1", 14), ("G2", 10), ("G2", 14)]
    if not args.quick:
        cases = [("G1", 10), ("G1", 14), ("G1", 16), ("G1", 18), ("G2", 10), ("G2", 14), ("G2", 16)]
    for group, log_n in cases:
        print(msm_row(group, log_n, repeats, python_max if group == "G1" else min(python_max, 14), snarkjs),
              flush=True)
    for line in many_rows(64, 10, repeats, snarkjs):
        print(line, flush=True)


if __name__ == "__main__":
    main()
