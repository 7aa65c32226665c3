"""Number-theoretic transform over Fr (radix-2, sizes 2^0 … 2^28).

``ntt(v)`` evaluates the polynomial with coefficients v at ω^0 … ω^(n−1), with
ω = 5^((r−1)/n) the primitive n-th root of unity ark-bn254 and snarkjs use;
``intt`` interpolates back. The coset forms evaluate at shift·ω^i. Each kernel
works in place on an ``(n, 4) uint64`` Montgomery array; twiddle tables are
cached per size; transforms from 2^13 points on use all cores (:func:`ntt_in_place`). The
plain twin is ``zkreceipt.field.plain.naive_dft``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit

from ..errors import FieldError
from . import _montgomery as mont
from . import parallel
from .bn254 import FR_GENERATOR
from .parallel import parallel_for
from .prime_field import FieldVector, PrimeField


@njit(cache=True)
def _bit_reverse(a, log_n):  # type: ignore[no-untyped-def]
    n = a.shape[0]
    for i in range(n):
        j = 0
        x = i
        for _ in range(log_n):
            j = (j << 1) | (x & 1)
            x >>= 1
        if j > i:
            for w in range(4):
                a[i, w], a[j, w] = a[j, w], a[i, w]


@njit(inline="always", cache=True)
def _butterfly(a, top, half, w, pt, ninv):  # type: ignore[no-untyped-def]
    """(a[top], a[top + half]) ← (u + w·v, u − w·v) with u, v their old values."""
    u = mont.load(a, top)
    t = mont.mont_mul(w, mont.load(a, top + half), pt, ninv)
    mont.store(a, top, mont.add_mod(u, t, pt))
    mont.store(a, top + half, mont.sub_mod(u, t, pt))


@njit(cache=True)
def _ntt_in_place(a, twiddles, log_n, p, ninv):  # type: ignore[no-untyped-def]
    """Cooley–Tukey DIT on a bit-reversed input; twiddles[j] = ω^j for j < n/2."""
    pt = (p[0], p[1], p[2], p[3])
    n = a.shape[0]
    _bit_reverse(a, log_n)
    half = 1
    while half < n:
        stride = n // (2 * half)
        for start in range(0, n, 2 * half):
            for j in range(half):
                _butterfly(a, start + j, half, mont.load(twiddles, j * stride), pt, ninv)
        half *= 2


@njit(cache=True, nogil=True)
def _ntt_blocks(lo, hi, a, twiddles, block_log, p, ninv):  # type: ignore[no-untyped-def]
    """The first ``block_log`` DIT stages on blocks lo … hi − 1 of 2^block_log rows (input bit-reversed):
    the stages below the block size never mix blocks, so blocks run on different cores."""
    pt = (p[0], p[1], p[2], p[3])
    n = a.shape[0]
    size = 1 << block_log
    for block in range(lo, hi):
        base = block * size
        half = 1
        while half < size:
            stride = n // (2 * half)
            for start in range(base, base + size, 2 * half):
                for j in range(half):
                    _butterfly(a, start + j, half, mont.load(twiddles, j * stride), pt, ninv)
            half *= 2


@njit(cache=True, nogil=True)
def _ntt_stage(lo, hi, a, twiddles, half, p, ninv):  # type: ignore[no-untyped-def]
    """Butterflies lo … hi − 1 (of n/2) of the DIT stage that joins runs of ``half`` rows."""
    pt = (p[0], p[1], p[2], p[3])
    stride = a.shape[0] // (2 * half)
    mask = half - 1  # half is a power of two
    for k in range(lo, hi):
        j = k & mask
        _butterfly(a, ((k - j) << 1) + j, half, mont.load(twiddles, j * stride), pt, ninv)


#: Fewest rows a core transforms on its own: transforms of twice this size or more use two
#: cores (four from four times, …); smaller ones stay on one (a stage is then too short).
PARALLEL_MIN_SIZE = 1 << 13


def ntt_in_place(a: np.ndarray, twiddles: np.ndarray, log_n: int, p: np.ndarray, ninv: np.uint64) -> None:
    """The transform of ``_ntt_in_place`` on all cores for large sizes: with 2^s threads, the
    first log n − s stages run on 2^s independent blocks, and each of the last s stages is
    split by butterflies (a bit reversal first, on one core)."""
    n = a.shape[0]
    spread = min(parallel.threads(), n // PARALLEL_MIN_SIZE).bit_length() - 1
    if n < PARALLEL_MIN_SIZE or spread < 1:
        _ntt_in_place(a, twiddles, log_n, p, ninv)
        return
    _bit_reverse(a, log_n)
    parallel_for(_ntt_blocks, 1 << spread, a, twiddles, log_n - spread, p, ninv)
    for stage in range(log_n - spread, log_n):
        parallel_for(_ntt_stage, n // 2, a, twiddles, 1 << stage, p, ninv)


@njit(cache=True)
def _geometric(first, ratio, n, p, ninv):  # type: ignore[no-untyped-def]
    """(n, 4) array first·ratio^i, Montgomery form."""
    pt = (p[0], p[1], p[2], p[3])
    out = np.empty((n, 4), dtype=np.uint64)
    acc = (first[0], first[1], first[2], first[3])
    r = (ratio[0], ratio[1], ratio[2], ratio[3])
    for i in range(n):
        mont.store(out, i, acc)
        acc = mont.mont_mul(acc, r, pt, ninv)
    return out


def _fr() -> PrimeField:
    from . import Fr

    return Fr


def _log2_size(n: int) -> int:
    fr = _fr()
    if n < 1 or n & (n - 1):
        raise FieldError(f"NTT size must be a power of two, got {n}")
    log_n = n.bit_length() - 1
    if log_n > fr.two_adicity:
        raise FieldError(f"NTT size 2^{log_n} exceeds Fr's 2-adicity {fr.two_adicity}")
    return log_n


def root_of_unity(n: int) -> int:
    """The primitive n-th root of unity 5^((r−1)/n) of Fr, n a power of two."""
    _log2_size(n)
    r = _fr().modulus
    return pow(FR_GENERATOR, (r - 1) // n, r)


def powers(first: int, ratio: int, n: int) -> FieldVector:
    """The Fr vector first·ratio^i for i < n."""
    fr = _fr()
    start = fr.from_int(first % fr.modulus).limbs[0]
    step = fr.from_int(ratio % fr.modulus).limbs[0]
    return FieldVector(fr, _geometric(start, step, n, fr.modulus_words, fr.ninv))


@lru_cache(maxsize=32)
def _twiddles(n: int, inverse: bool) -> np.ndarray:
    omega = root_of_unity(n)
    if inverse:
        omega = pow(omega, -1, _fr().modulus)
    table = powers(1, omega, max(1, n // 2)).limbs
    table.setflags(write=False)
    return table


def _transform(v: FieldVector, inverse: bool) -> FieldVector:
    fr = _fr()
    fr._check_same(v)
    n = len(v)
    log_n = _log2_size(n)
    a = np.array(v.limbs, dtype=np.uint64, order="C")
    ntt_in_place(a, _twiddles(n, inverse), log_n, fr.modulus_words, fr.ninv)
    out = FieldVector(fr, a)
    if inverse and n > 1:
        out = out * pow(n, -1, fr.modulus)
    return out


def ntt(v: FieldVector) -> FieldVector:
    """Evaluations of the coefficient vector v at ω^i, i < n (natural order)."""
    return _transform(v, inverse=False)


def intt(v: FieldVector) -> FieldVector:
    """Coefficients of the polynomial whose evaluations at ω^i are v."""
    return _transform(v, inverse=True)


def coset_ntt(v: FieldVector, shift: int = FR_GENERATOR) -> FieldVector:
    """Evaluations of v at shift·ω^i (scale coefficient i by shift^i, then NTT)."""
    return ntt(v * powers(1, shift, len(v)))


def coset_intt(v: FieldVector, shift: int = FR_GENERATOR) -> FieldVector:
    """Inverse of :func:`coset_ntt` for the same shift."""
    r = _fr().modulus
    return intt(v) * powers(1, pow(shift, -1, r), len(v))
