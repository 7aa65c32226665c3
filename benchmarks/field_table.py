"""Print ns per element of the compiled field core beside its Python-int twin.

Run: python3 benchmarks/field_table.py [--quick]
Each row times both implementations interleaved in one process (best of k runs),
so the ratio is measured side by side on the same (noisy) machine.
"""

from __future__ import annotations

import argparse
import secrets
import time
from collections.abc import Callable

from zkreceipt.field import Fr, ntt, root_of_unity
from zkreceipt.field import plain

R = Fr.modulus


def best_of(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def row(name: str, n: int, fast: Callable[[], object], twin: Callable[[], object], repeats: int) -> str:
    fast()  # compile / warm up
    fast_s, twin_s = [], []
    for _ in range(repeats):  # interleave so both see the same machine load
        fast_s.append(best_of(fast, 1))
        twin_s.append(best_of(twin, 1))
    f, t = min(fast_s), min(twin_s)
    return f"| {name} | {n:,} | {f / n * 1e9:,.1f} | {t / n * 1e9:,.1f} | {t / f:,.1f}× |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    sizes = [2**10, 2**16] if args.quick else [2**10, 2**16, 2**20]
    print("| operation | n | compiled ns/elem | Python-int ns/elem | speed-up |")
    print("| --- | --- | --- | --- | --- |")
    for n in sizes:
        a, b = [secrets.randbelow(R) for _ in range(n)], [secrets.randbelow(R) for _ in range(n)]
        va, vb = Fr.from_ints(a), Fr.from_ints(b)
        print(row("Fr mul", n, lambda: va * vb, lambda: plain.mul(a, b, R), repeats), flush=True)
        print(row("Fr add", n, lambda: va + vb, lambda: plain.add(a, b, R), repeats), flush=True)
    n = 2**16
    a = [secrets.randbelow(R - 1) + 1 for _ in range(n)]
    va = Fr.from_ints(a)
    print(row("Fr batch inverse", n, va.inv, lambda: plain.batch_inverse(a, R), repeats), flush=True)
    for log_n in [12, 16] if args.quick else [12, 16, 18]:
        n = 1 << log_n
        a = [secrets.randbelow(R) for _ in range(n)]
        va, w = Fr.from_ints(a), root_of_unity(n)
        print(row(f"NTT 2^{log_n}", n, lambda: ntt(va), lambda: plain.radix2_ntt(a, w, R), max(2, repeats // 2)),
              flush=True)


if __name__ == "__main__":
    main()
