"""Compiled kernel behind :func:`zkreceipt.curve.sparse_sums.sparse_sums`.

Shapes as in ``_group_kernels``: affine points ``(m, 2, 4)`` (G1) or ``(m, 2, 2, 4)``
(G2), Montgomery Fq; Jacobian output ``(s, 3, …)``. Scalars are ``(m, 4)`` uint64
standard-form words, already reduced to the smaller of k and r − k (``negate`` says
which), so a small coefficient such as −1 costs one addition, not 254 doublings.
"""

from __future__ import annotations

from numba import njit, uint64

from ._coords import coord_zero
from ._formulas import affine_load, affine_neg, jac_add, jac_infinity, jac_madd, jac_mul_words, jac_neg, jac_store


@njit(cache=True)
def _bit_length(k):  # type: ignore[no-untyped-def]
    """Bits of a scalar given as 4 little-endian uint64 words (0 for k = 0)."""
    for word in range(3, -1, -1):
        w = k[word]
        if w != 0:
            bits = 0
            while w != 0:
                w >>= uint64(1)
                bits += 1
            return 64 * word + bits
    return 0


@njit(cache=True, nogil=True)
def segment_scaled_sums(lo, hi, points, k, negate, starts, out):  # type: ignore[no-untyped-def]
    """out[s] = Σ_{starts[s] ≤ i < starts[s+1]} ±[k[i]]points[i] (Jacobian) for segments lo ≤ s < hi."""
    for s in range(lo, hi):
        acc = jac_infinity(coord_zero(points))
        for i in range(starts[s], starts[s + 1]):
            p = affine_load(points, i)
            nbits = _bit_length(k[i])
            if nbits == 0:
                continue
            if nbits == 1:  # k = ±1: one mixed addition
                acc = jac_madd(acc, affine_neg(p) if negate[i] else p)
                continue
            term = jac_mul_words(p, k[i], nbits)
            acc = jac_add(acc, jac_neg(term) if negate[i] else term)
        jac_store(out, s, acc)
