"""Field core benchmarks, each beside its plain Python-int twin in the same run.

Run: python3 -m pytest benchmarks/bench_field.py --benchmark-enable --benchmark-group-by=param:n
"""

from __future__ import annotations

import secrets

import pytest

from zkreceipt.field import Fr, ntt, root_of_unity
from zkreceipt.field import plain

R = Fr.modulus


def _ints(n: int) -> list[int]:
    return [secrets.randbelow(R) for _ in range(n)]


@pytest.mark.parametrize("n", [2**10, 2**16, 2**20])
@pytest.mark.parametrize("impl", ["compiled", "python-int"])
@pytest.mark.parametrize("op", ["mul", "add"])
def test_elementwise(benchmark, n: int, impl: str, op: str) -> None:
    a, b = _ints(n), _ints(n)
    benchmark.group = f"Fr {op} n={n}"
    if impl == "compiled":
        va, vb = Fr.from_ints(a), Fr.from_ints(b)
        fn = (lambda: va * vb) if op == "mul" else (lambda: va + vb)
    else:
        fn = (lambda: plain.mul(a, b, R)) if op == "mul" else (lambda: plain.add(a, b, R))
    benchmark.pedantic(fn, rounds=3 if n >= 2**20 else 10, warmup_rounds=1)


@pytest.mark.parametrize("impl", ["compiled", "python-int"])
def test_batch_inverse(benchmark, impl: str) -> None:
    a = _ints(2**16)
    benchmark.group = "Fr batch inverse n=65536"
    fn = Fr.from_ints(a).inv if impl == "compiled" else (lambda: plain.batch_inverse(a, R))
    benchmark.pedantic(fn, rounds=5, warmup_rounds=1)


@pytest.mark.parametrize("log_n", [12, 16, 18])
@pytest.mark.parametrize("impl", ["compiled", "python-int"])
def test_ntt(benchmark, log_n: int, impl: str) -> None:
    n = 1 << log_n
    a = _ints(n)
    benchmark.group = f"NTT n=2^{log_n}"
    if impl == "compiled":
        v = Fr.from_ints(a)
        fn = lambda: ntt(v)  # noqa: E731
    else:
        w = root_of_unity(n)
        fn = lambda: plain.radix2_ntt(a, w, R)  # noqa: E731
    benchmark.pedantic(fn, rounds=3 if log_n >= 16 else 10, warmup_rounds=1)
