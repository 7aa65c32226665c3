"""Portable twin of the field core: Python ints, one element at a time.

Slow and obviously correct; tests cross-check the compiled kernels against it,
and benchmarks quote speed-ups over it.
"""

from __future__ import annotations

from collections.abc import Sequence


def mul(a: Sequence[int], b: Sequence[int], p: int) -> list[int]:
    return [(x * y) % p for x, y in zip(a, b, strict=True)]


def add(a: Sequence[int], b: Sequence[int], p: int) -> list[int]:
    return [(x + y) % p for x, y in zip(a, b, strict=True)]


def sub(a: Sequence[int], b: Sequence[int], p: int) -> list[int]:
    return [(x - y) % p for x, y in zip(a, b, strict=True)]


def neg(a: Sequence[int], p: int) -> list[int]:
    return [(-x) % p for x in a]


def batch_inverse(a: Sequence[int], p: int) -> list[int]:
    """Montgomery's trick with Python ints (the twin of ``FieldVector.inv``)."""
    prefix = []
    acc = 1
    for x in a:
        prefix.append(acc)
        acc = acc * x % p
    inv = pow(acc, -1, p)
    out = [0] * len(a)
    for i in range(len(a) - 1, -1, -1):
        out[i] = inv * prefix[i] % p
        inv = inv * a[i] % p
    return out


def naive_dft(coeffs: Sequence[int], omega: int, p: int) -> list[int]:
    """O(n²) evaluation of the polynomial at omega^0 … omega^(n−1)."""
    n = len(coeffs)
    out = []
    for i in range(n):
        x = pow(omega, i, p)
        acc = 0
        for c in reversed(coeffs):
            acc = (acc * x + c) % p
        out.append(acc)
    return out


def radix2_ntt(coeffs: Sequence[int], omega: int, p: int) -> list[int]:
    """Iterative radix-2 NTT with Python ints: the benchmark twin of ``ntt``."""
    n = len(coeffs)
    a = list(coeffs)
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            a[i], a[j] = a[j], a[i]
    length = 2
    while length <= n:
        w_len = pow(omega, n // length, p)
        half = length // 2
        twiddles = [1] * half
        for k in range(1, half):
            twiddles[k] = twiddles[k - 1] * w_len % p
        for start in range(0, n, length):
            for k in range(half):
                u = a[start + k]
                t = a[start + k + half] * twiddles[k] % p
                a[start + k] = (u + t) % p
                a[start + k + half] = (u - t) % p
        length *= 2
    return a
