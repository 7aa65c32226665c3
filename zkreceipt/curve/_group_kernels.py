"""Array kernels on point vectors, shared by G1 and G2.

Shapes (uint64, Montgomery form): G1 affine ``(n, 2, 4)``, Jacobian ``(n, 3, 4)``;
G2 affine ``(n, 2, 2, 4)``, Jacobian ``(n, 3, 2, 4)``; the point at infinity is
all zeros in affine arrays and Z = 0 in Jacobian ones. Field-element arrays
(denominators, the curve constant) are ``(n, 4)`` / ``(n, 2, 4)``. Scalars are
``(n, 4)`` uint64 little-endian words in standard (not Montgomery) form. Every
kernel compiles once per group from the same source (see ``_coords``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from ..field._montgomery import device
from ..field.parallel import parallel_for
from ._coords import (
    c_equal,
    c_inv,
    c_is_zero,
    c_mul,
    coord_one,
    coord_zero,
    elem_load,
    elem_store,
)
from ._formulas import (
    affine_add_denominator,
    affine_add_with_inverse,
    affine_load,
    affine_neg,
    affine_on_curve,
    affine_store,
    jac_add,
    jac_double,
    jac_from_affine,
    jac_infinity,
    jac_load,
    jac_madd,
    jac_mul_words,
    jac_store,
    jac_to_affine,
)


@device
def invert_in_place(den, prefix, count):  # type: ignore[no-untyped-def]
    """Replace den[0:count] (all non-zero) by their inverses: Montgomery's trick, one inversion.

    ``prefix`` is scratch of at least ``count`` rows, same shape as ``den``.
    """
    if count == 0:
        return
    acc = elem_load(den, 0)
    elem_store(prefix, 0, acc)
    for i in range(1, count):
        acc = c_mul(acc, elem_load(den, i))
        elem_store(prefix, i, acc)
    inv = c_inv(acc)
    for i in range(count - 1, 0, -1):
        d = elem_load(den, i)
        elem_store(den, i, c_mul(inv, elem_load(prefix, i - 1)))
        inv = c_mul(inv, d)
    elem_store(den, 0, inv)


@njit(cache=True)
def affine_add(a, b, out):  # type: ignore[no-untyped-def]
    """out[i] = a[i] + b[i] for affine arrays, all additions sharing one inversion."""
    n = a.shape[0]
    den = np.empty((n,) + a.shape[2:], dtype=np.uint64)
    prefix = np.empty_like(den)
    for i in range(n):
        elem_store(den, i, affine_add_denominator(affine_load(a, i), affine_load(b, i)))
    invert_in_place(den, prefix, n)
    for i in range(n):
        p = affine_load(a, i)
        q = affine_load(b, i)
        affine_store(out, i, affine_add_with_inverse(p, q, elem_load(den, i)))


@njit(cache=True)
def affine_negate(a, out):  # type: ignore[no-untyped-def]
    for i in range(a.shape[0]):
        affine_store(out, i, affine_neg(affine_load(a, i)))


@njit(cache=True)
def to_affine(jac, out):  # type: ignore[no-untyped-def]
    """Normalize a Jacobian array into an affine one, sharing one inversion."""
    n = jac.shape[0]
    den = np.empty((n,) + jac.shape[2:], dtype=np.uint64)
    prefix = np.empty_like(den)
    one = coord_one(jac)
    for i in range(n):
        z = jac_load(jac, i)[2]
        elem_store(den, i, one if c_is_zero(z) else z)
    invert_in_place(den, prefix, n)
    for i in range(n):
        affine_store(out, i, jac_to_affine(jac_load(jac, i), elem_load(den, i)))


@njit(cache=True)
def from_affine(a, out):  # type: ignore[no-untyped-def]
    for i in range(a.shape[0]):
        jac_store(out, i, jac_from_affine(affine_load(a, i)))


@njit(cache=True)
def on_curve(a, b):  # type: ignore[no-untyped-def]
    """Bool (n,): point i satisfies y² = x³ + b[0], or is infinity (all zeros)."""
    out = np.empty(a.shape[0], dtype=np.bool_)
    bb = elem_load(b, 0)
    for i in range(a.shape[0]):
        out[i] = affine_on_curve(affine_load(a, i), bb)
    return out


@njit(cache=True)
def affine_equal(a, b):  # type: ignore[no-untyped-def]
    """Bool (n,): a[i] == b[i] (coordinates are canonical, so limb equality is point equality)."""
    out = np.empty(a.shape[0], dtype=np.bool_)
    for i in range(a.shape[0]):
        p = affine_load(a, i)
        q = affine_load(b, i)
        out[i] = c_equal(p[0], q[0]) and c_equal(p[1], q[1])
    return out


@njit(cache=True)
def jacobian_add(a, b, out):  # type: ignore[no-untyped-def]
    """out[i] = a[i] + b[i] for Jacobian arrays (complete addition)."""
    for i in range(a.shape[0]):
        jac_store(out, i, jac_add(jac_load(a, i), jac_load(b, i)))


@njit(cache=True)
def jacobian_madd(a, b, out):  # type: ignore[no-untyped-def]
    """out[i] = a[i] + b[i] for a Jacobian a and an affine b (complete mixed addition)."""
    for i in range(a.shape[0]):
        jac_store(out, i, jac_madd(jac_load(a, i), affine_load(b, i)))


@njit(cache=True)
def jacobian_double(a, out):  # type: ignore[no-untyped-def]
    for i in range(a.shape[0]):
        jac_store(out, i, jac_double(jac_load(a, i)))


@njit(cache=True, nogil=True)
def _scalar_mul_range(lo, hi, a, k, nbits, out):  # type: ignore[no-untyped-def]
    broadcast = k.shape[0] == 1
    for i in range(lo, hi):
        row = k[0] if broadcast else k[i]
        jac_store(out, i, jac_mul_words(affine_load(a, i), row, nbits))


def scalar_mul(a: np.ndarray, k: np.ndarray, nbits: int, out: np.ndarray) -> None:
    """out[i] = [k[i]]a[i] (Jacobian) by double-and-add, on all cores; k is (n, 4) or (1, 4) (broadcast)."""
    parallel_for(_scalar_mul_range, a.shape[0], a, k, nbits, out)


@njit(cache=True)
def comb_table(a, width, windows, out):  # type: ignore[no-untyped-def]
    """Jacobian table for fixed-base multiplication of the affine point a[0]:

    out[j·2^width + d] = [d·2^(width·j)]a[0] for j < windows, d < 2^width.
    """
    size = 1 << width
    base = jac_from_affine(affine_load(a, 0))
    for j in range(windows):
        acc = jac_infinity(coord_one(a))
        for d in range(size):
            jac_store(out, j * size + d, acc)
            acc = jac_add(acc, base)
        for _ in range(width):
            base = jac_double(base)


@njit(cache=True, nogil=True)
def _comb_mul_range(lo, hi, table, width, windows, k, out):  # type: ignore[no-untyped-def]
    size = 1 << width
    mask = uint64(size - 1)
    for i in range(lo, hi):
        acc = jac_infinity(coord_one(table))
        for j in range(windows):
            bit = j * width
            word = bit >> 6
            shift = uint64(bit & 63)
            d = k[i, word] >> shift
            if (bit & 63) + width > 64 and word + 1 < 4:
                d |= k[i, word + 1] << uint64(64 - (bit & 63))
            d &= mask
            if d != 0:
                acc = jac_madd(acc, affine_load(table, j * size + int(d)))
        jac_store(out, i, acc)


def comb_mul(table: np.ndarray, width: int, windows: int, k: np.ndarray, out: np.ndarray) -> None:
    """out[i] = [k[i]]P (Jacobian) from an affine ``comb_table`` of P: one addition per window; all cores."""
    parallel_for(_comb_mul_range, k.shape[0], table, width, windows, k, out)


@njit(cache=True)
def jac_sum(jac):  # type: ignore[no-untyped-def]
    """(1, 3, …) Jacobian array: the sum of all points of a Jacobian array."""
    out = np.empty((1,) + jac.shape[1:], dtype=np.uint64)
    acc = jac_infinity(coord_zero(jac))
    for i in range(jac.shape[0]):
        acc = jac_add(acc, jac_load(jac, i))
    jac_store(out, 0, acc)
    return out
