"""A quick self-check of the compiled core against its plain twins, with throughput.

Used by ``zkreceipt selftest``; returns results and never prints.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from .field import FieldVector, Fq, Fr, PrimeField, intt, ntt, root_of_unity
from .field import plain


@dataclass(frozen=True)
class CheckResult:
    """One cross-check: did the compiled path agree with its twin, and how fast was each."""

    name: str
    n: int
    agrees: bool
    compiled_seconds: float
    twin_seconds: float

    @property
    def speedup(self) -> float:
        return self.twin_seconds / self.compiled_seconds if self.compiled_seconds else float("inf")


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _check(name: str, n: int, fast: Callable[[], FieldVector], twin: Callable[[], list[int]]) -> CheckResult:
    """Time the compiled operation alone (conversions to ints are outside the timing)."""
    fast()  # the first call may compile; time the second
    got, fast_s = _timed(fast)
    want, twin_s = _timed(twin)
    assert isinstance(got, FieldVector)
    return CheckResult(name, n, got.to_ints() == want, fast_s, twin_s)


def _inputs(field: PrimeField, n: int) -> list[int]:
    p = field.modulus
    edges = [0, 1, 2, p - 1, p - 2]
    return edges + [secrets.randbelow(p) for _ in range(n - len(edges))]


def run_selftest(n: int = 1 << 14) -> list[CheckResult]:
    """Cross-check field arithmetic (Fr, Fq) and the NTT on n random + edge elements."""
    results = []
    for field in (Fr, Fq):
        p = field.modulus
        a, b = _inputs(field, n), _inputs(field, n)[::-1]
        va, vb = field.from_ints(a), field.from_ints(b)
        results.append(_check(f"{field.name} mul", n, lambda: va * vb, lambda: plain.mul(a, b, p)))
        results.append(_check(f"{field.name} add", n, lambda: va + vb, lambda: plain.add(a, b, p)))
        nonzero = [x or 1 for x in a]
        vn = field.from_ints(nonzero)
        results.append(
            _check(f"{field.name} batch inverse", n, vn.inv, lambda: plain.batch_inverse(nonzero, p))
        )
    size = 1 << (n.bit_length() - 1)
    coeffs = _inputs(Fr, size)
    vc = Fr.from_ints(coeffs)
    omega = root_of_unity(size)
    results.append(
        _check("Fr NTT", size, lambda: ntt(vc), lambda: plain.radix2_ntt(coeffs, omega, Fr.modulus))
    )
    evaluations = plain.radix2_ntt(coeffs, omega, Fr.modulus)
    inverse_omega = pow(omega, -1, Fr.modulus)
    n_inv = pow(size, -1, Fr.modulus)
    ve = Fr.from_ints(evaluations)
    results.append(
        _check(
            "Fr inverse NTT",
            size,
            lambda: intt(ve),
            lambda: [x * n_inv % Fr.modulus for x in plain.radix2_ntt(evaluations, inverse_omega, Fr.modulus)],
        )
    )
    return results
