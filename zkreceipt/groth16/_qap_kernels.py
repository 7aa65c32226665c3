"""Compiled QAP quotient for many witnesses at once (callers spread the witnesses over the cores).

Shapes: witnesses ``(K, n_wires, 4)``, results ``(K, n, 4)``, sparse matrix entries as in
``r1cs.SparseMatrix`` (rows, cols int64; coefficients ``(nnz, 4)``); all field values
Montgomery-form Fr limbs. The plain twin is ``r1cs_to_qap.quotient_evaluations``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..field import _montgomery as mont
from ..field.ntt import _ntt_in_place
from ..r1cs import _sparse_mul_vector


@njit(cache=True)
def _to_odd_coset(v, inverse_twiddles, scale, twiddles, log_n, p, ninv):  # type: ignore[no-untyped-def]
    """In place: evaluations on the n roots → evaluations at ω₂ₙ·ωⁱ (iNTT, ·scale, NTT).

    ``scale[i]`` = ω₂ₙ^i / n folds the iNTT's 1/n into the coset shift.
    """
    pt = (p[0], p[1], p[2], p[3])
    _ntt_in_place(v, inverse_twiddles, log_n, p, ninv)
    for i in range(v.shape[0]):
        mont.store(v, i, mont.mont_mul(mont.load(v, i), mont.load(scale, i), pt, ninv))
    _ntt_in_place(v, twiddles, log_n, p, ninv)


@njit(cache=True, nogil=True)
def quotients(lo, hi, a_rows, a_cols, a_coeffs, b_rows, b_cols, b_coeffs, w, inverse_twiddles, scale, twiddles, log_n, p, ninv, out):  # type: ignore[no-untyped-def]
    """out[k] = A·B − C at the odd 2n-th roots for witness w[k], C·w taken as (A·w)∘(B·w), lo ≤ k < hi."""
    pt = (p[0], p[1], p[2], p[3])
    n = out.shape[1]
    for k in range(lo, hi):
        aw = np.zeros((n, 4), dtype=np.uint64)
        bw = np.zeros((n, 4), dtype=np.uint64)
        cw = np.empty((n, 4), dtype=np.uint64)
        _sparse_mul_vector(a_rows, a_cols, a_coeffs, w[k], aw, p, ninv)
        _sparse_mul_vector(b_rows, b_cols, b_coeffs, w[k], bw, p, ninv)
        for i in range(n):
            mont.store(cw, i, mont.mont_mul(mont.load(aw, i), mont.load(bw, i), pt, ninv))
        _to_odd_coset(aw, inverse_twiddles, scale, twiddles, log_n, p, ninv)
        _to_odd_coset(bw, inverse_twiddles, scale, twiddles, log_n, p, ninv)
        _to_odd_coset(cw, inverse_twiddles, scale, twiddles, log_n, p, ninv)
        for i in range(n):
            ab = mont.mont_mul(mont.load(aw, i), mont.load(bw, i), pt, ninv)
            mont.store(out[k], i, mont.sub_mod(ab, mont.load(cw, i), pt))
