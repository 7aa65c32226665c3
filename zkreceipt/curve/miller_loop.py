"""The optimal ate Miller loop of BN254, for one or many (P, Q) pairs (compiled).

For P in G1 and Q in G2 (on the D-type twist E': y² = x³ + 3/ξ over Fq2) the
optimal ate pairing is

    e(P, Q) = ( f_{6x+2,Q}(P) · l_{[6x+2]Q, π(Q)}(P) · l_{[6x+2]Q + π(Q), −π²(Q)}(P) )^((q¹²−1)/r)

with x = 4965661367192848881 and π the q-power Frobenius. The loop runs over the
66 signed (NAF) digits of 6x + 2, most significant first: every digit squares
the accumulator and doubles R (a tangent line), every non-zero digit adds ±Q
(a chord line) — 65 doublings and 21 additions, then the two Frobenius lines:
:data:`LINE_COUNT` = 88 lines per pair.

R is kept in homogeneous projective coordinates (X : Y : Z), x = X/Z, y = Y/Z,
so no step inverts anything; the formulas are those of Costello–Lange–Naehrig
(PKC 2010) as written in arkworks. Under the twist ψ(x, y) = (x·w², y·w³) a line
through points of E' evaluated at P = (p_x, p_y) is, up to a factor in Fq2 that
the final exponentiation removes, the sparse element

    c0·p_y + c1·p_x·w + c2·w³     (c0, c1, c2 in Fq2)

multiplied into the accumulator with ``fq12_mul_by_034``. Vertical lines lie in
Fq6 and vanish under the final exponentiation, so signed digits are safe.

A multi-Miller loop shares one accumulator (one squaring per step) among all
pairs: Π_i f_i = the Miller loop of the product. The line coefficients of a
fixed Q do not depend on P, so they can be computed once (:func:`prepare_kernel`,
a ``(LINE_COUNT, 3, 2, 4)`` table per point) and a loop over prepared points does
no G2 arithmetic at all.

Arrays (uint64, Montgomery form): G1 ``(n, 2, 4)`` affine (x, y); G2
``(n, 2, 2, 4)`` affine ((x0, x1), (y0, y1)); line tables ``(t, LINE_COUNT, 3,
2, 4)``; Fq12 ``(2, 3, 2, 4)``. The kernels take index arrays selecting the pairs
to use, so callers drop pairs with a point at infinity (which contribute 1).
Plain twin: py_ecc's ``pairing(Q, P, final_exponentiate=False)`` up to factors
removed by the final exponentiation (compared after it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..field._montgomery import device
from ..field.bn254 import Q_MODULUS
from ._fq import FQ2_ONE
from ._tower import (
    FQ12_ONE,
    fq2_add,
    fq2_conj,
    fq2_double,
    fq2_mul,
    fq2_mul_fq,
    fq2_neg,
    fq2_square,
    fq2_sub,
    fq12_load,
    fq12_mul,
    fq12_mul_by_034,
    fq12_square,
    fq12_store,
)
from .pairing_plain import (
    ATE_LOOP_COUNT,
    TWIST_B,
    fq2_montgomery,
    montgomery_words,
    naf_digits,
    twist_frobenius_coefficients,
)

#: Signed digits of 6x + 2 after the leading 1, most significant first.
LOOP_DIGITS = np.array(naf_digits(ATE_LOOP_COUNT)[::-1][1:], dtype=np.int8)
#: Lines per pair: one per doubling, one per non-zero digit, two Frobenius additions.
LINE_COUNT = int(LOOP_DIGITS.size + np.count_nonzero(LOOP_DIGITS) + 2)

_THREE_B = fq2_montgomery((3 * TWIST_B[0], 3 * TWIST_B[1]))
_TWO_INV = montgomery_words((Q_MODULUS + 1) // 2)
_FROB1_X, _FROB1_Y = (fq2_montgomery(c) for c in twist_frobenius_coefficients(1))
_FROB2_X, _FROB2_Y = (fq2_montgomery(c) for c in twist_frobenius_coefficients(2))


# --- G2 steps (homogeneous projective R = (X, Y, Z), affine Q) ------------------------------


@device
def doubling_step(r):  # type: ignore[no-untyped-def]
    """R ← 2R and the tangent line at R: 3 Fq2 mul + 6 squarings.

    A = XY/2, B = Y², C = Z², E = 3b'·C, F = 3E, G = (B + F)/2, H = (Y + Z)² − B − C:
    2R = (A(B − F), G² − 3E², B·H); line (c0, c1, c2) = (−H, 3X², E − B).
    """
    x, y, z = r
    a = fq2_mul_fq(fq2_mul(x, y), _TWO_INV)
    b = fq2_square(y)
    c = fq2_square(z)
    e = fq2_mul(c, _THREE_B)
    f = fq2_add(fq2_double(e), e)
    g = fq2_mul_fq(fq2_add(b, f), _TWO_INV)
    h = fq2_sub(fq2_square(fq2_add(y, z)), fq2_add(b, c))
    j = fq2_square(x)
    e2 = fq2_square(e)
    r2 = (fq2_mul(a, fq2_sub(b, f)), fq2_sub(fq2_square(g), fq2_add(fq2_double(e2), e2)), fq2_mul(b, h))
    return r2, (fq2_neg(h), fq2_add(fq2_double(j), j), fq2_sub(e, b))


@device
def addition_step(r, qx, qy):  # type: ignore[no-untyped-def]
    """R ← R + Q (Q affine) and the chord line through R and Q: 11 Fq2 mul + 2 squarings.

    θ = Y − y_Q·Z, λ = X − x_Q·Z, C = θ², D = λ², E = λD, F = ZC, G = XD, H = E + F − 2G:
    R + Q = (λH, θ(G − H) − E·Y, Z·E); line (c0, c1, c2) = (λ, −θ, θ·x_Q − λ·y_Q).
    """
    x, y, z = r
    theta = fq2_sub(y, fq2_mul(qy, z))
    lam = fq2_sub(x, fq2_mul(qx, z))
    c = fq2_square(theta)
    d = fq2_square(lam)
    e = fq2_mul(lam, d)
    f = fq2_mul(z, c)
    g = fq2_mul(x, d)
    h = fq2_sub(fq2_add(e, f), fq2_double(g))
    r2 = (fq2_mul(lam, h), fq2_sub(fq2_mul(theta, fq2_sub(g, h)), fq2_mul(e, y)), fq2_mul(z, e))
    j = fq2_sub(fq2_mul(theta, qx), fq2_mul(lam, qy))
    return r2, (lam, fq2_neg(theta), j)


@device
def frobenius_points(qx, qy):  # type: ignore[no-untyped-def]
    """π(Q) and −π²(Q) on the twist: (φ(x)·ξ^((q^k−1)/3), ±φ(y)·ξ^((q^k−1)/2)), φ = conj for k = 1."""
    q1 = (fq2_mul(fq2_conj(qx), _FROB1_X), fq2_mul(fq2_conj(qy), _FROB1_Y))
    q2 = (fq2_mul(qx, _FROB2_X), fq2_neg(fq2_mul(qy, _FROB2_Y)))
    return q1, q2


@device
def ell(f, line, px, py):  # type: ignore[no-untyped-def]
    """f · (c0·p_y + c1·p_x·w + c2·w³)."""
    return fq12_mul_by_034(f, fq2_mul_fq(line[0], py), fq2_mul_fq(line[1], px), line[2])


# --- array access ------------------------------------------------------------------------


@device
def _g1_load(g1, i):  # type: ignore[no-untyped-def]
    return (
        (g1[i, 0, 0], g1[i, 0, 1], g1[i, 0, 2], g1[i, 0, 3]),
        (g1[i, 1, 0], g1[i, 1, 1], g1[i, 1, 2], g1[i, 1, 3]),
    )


@device
def _fq2_at(a, i, j):  # type: ignore[no-untyped-def]
    """The Fq2 element a[i, j] of an array whose last two axes are (2, 4)."""
    return (
        (a[i, j, 0, 0], a[i, j, 0, 1], a[i, j, 0, 2], a[i, j, 0, 3]),
        (a[i, j, 1, 0], a[i, j, 1, 1], a[i, j, 1, 2], a[i, j, 1, 3]),
    )


@device
def _fq2_put(a, i, j, v):  # type: ignore[no-untyped-def]
    for c in range(2):
        for w in range(4):
            a[i, j, c, w] = v[c][w]


@device
def _table_line(table, row, k):  # type: ignore[no-untyped-def]
    t = table[row]
    return (_fq2_at(t, k, 0), _fq2_at(t, k, 1), _fq2_at(t, k, 2))


@device
def _table_put(table, row, k, line):  # type: ignore[no-untyped-def]
    t = table[row]
    for m in range(3):
        _fq2_put(t, k, m, line[m])


# --- kernels -----------------------------------------------------------------------------


@device
def g2_lines(g2, i, table, row):  # type: ignore[no-untyped-def]
    """Write the LINE_COUNT line coefficients of Q = g2[i] into table[row]."""
    qx = _fq2_at(g2, i, 0)
    qy = _fq2_at(g2, i, 1)
    neg_qy = fq2_neg(qy)
    r = (qx, qy, FQ2_ONE)
    k = 0
    for d in LOOP_DIGITS:
        r, line = doubling_step(r)
        _table_put(table, row, k, line)
        k += 1
        if d != 0:
            r, line = addition_step(r, qx, qy if d > 0 else neg_qy)
            _table_put(table, row, k, line)
            k += 1
    q1, q2 = frobenius_points(qx, qy)
    r, line = addition_step(r, q1[0], q1[1])
    _table_put(table, row, k, line)
    r, line = addition_step(r, q2[0], q2[1])
    _table_put(table, row, k + 1, line)


@njit(cache=True, nogil=True)
def prepare_kernel(lo, hi, g2, ids, table):  # type: ignore[no-untyped-def]
    """table[i] ← the lines of g2[ids[i]] for lo ≤ i < hi (points must not be at infinity)."""
    for i in range(lo, hi):
        g2_lines(g2, ids[i], table, i)


@device
def accumulate(g1, g2, raw_ids, pg1, prep_rows, prep_ids, table):  # type: ignore[no-untyped-def]
    """Π over the selected pairs of their Miller functions, with one shared accumulator.

    Raw pairs: (g1[i], g2[i]) for i in ``raw_ids``, lines computed on the fly.
    Prepared pairs: (pg1[j], the point of table[prep_rows[j]]) for j in ``prep_ids``.
    Returns an Fq12 tuple (not yet final-exponentiated).
    """
    n = raw_ids.shape[0]
    m = prep_ids.shape[0]
    state = np.empty((n, 3, 2, 4), dtype=np.uint64)  # R of each raw pair
    for s in range(n):
        i = raw_ids[s]
        _fq2_put(state, s, 0, _fq2_at(g2, i, 0))
        _fq2_put(state, s, 1, _fq2_at(g2, i, 1))
        _fq2_put(state, s, 2, FQ2_ONE)
    f = FQ12_ONE
    k = 0
    first = True
    for d in LOOP_DIGITS:
        if not first:
            f = fq12_square(f)
        first = False
        for s in range(n):
            i = raw_ids[s]
            r = (_fq2_at(state, s, 0), _fq2_at(state, s, 1), _fq2_at(state, s, 2))
            r, line = doubling_step(r)
            p = _g1_load(g1, i)
            f = ell(f, line, p[0], p[1])
            if d != 0:
                qx = _fq2_at(g2, i, 0)
                qy = _fq2_at(g2, i, 1)
                r, line = addition_step(r, qx, qy if d > 0 else fq2_neg(qy))
                f = ell(f, line, p[0], p[1])
            for c in range(3):
                _fq2_put(state, s, c, r[c])
        for s in range(m):
            j = prep_ids[s]
            p = _g1_load(pg1, j)
            f = ell(f, _table_line(table, prep_rows[j], k), p[0], p[1])
            if d != 0:
                f = ell(f, _table_line(table, prep_rows[j], k + 1), p[0], p[1])
        k += 2 if d != 0 else 1
    for s in range(n):
        i = raw_ids[s]
        r = (_fq2_at(state, s, 0), _fq2_at(state, s, 1), _fq2_at(state, s, 2))
        p = _g1_load(g1, i)
        q1, q2 = frobenius_points(_fq2_at(g2, i, 0), _fq2_at(g2, i, 1))
        r, line = addition_step(r, q1[0], q1[1])
        f = ell(f, line, p[0], p[1])
        r, line = addition_step(r, q2[0], q2[1])
        f = ell(f, line, p[0], p[1])
    for s in range(m):
        j = prep_ids[s]
        p = _g1_load(pg1, j)
        f = ell(f, _table_line(table, prep_rows[j], k), p[0], p[1])
        f = ell(f, _table_line(table, prep_rows[j], k + 1), p[0], p[1])
    return f


@njit(cache=True, nogil=True)
def partial_miller_kernel(lo, hi, g1, g2, raw_ids, pg1, prep_rows, prep_ids, table, chunks, partial):  # type: ignore[no-untyped-def]
    """partial[c] ← :func:`accumulate` over chunk c's share of the raw and prepared pairs,
    for lo ≤ c < hi: ``chunks`` partial loops whose product is the whole Miller loop (with
    one chunk, partial[0] is the loop itself: one kernel serves both, compiled once)."""
    n = raw_ids.shape[0]
    m = prep_ids.shape[0]
    for c in range(lo, hi):
        raw = raw_ids[c * n // chunks : (c + 1) * n // chunks]
        prep = prep_ids[c * m // chunks : (c + 1) * m // chunks]
        fq12_store(partial, c, accumulate(g1, g2, raw, pg1, prep_rows, prep, table))


@njit(cache=True)
def product_kernel(partial):  # type: ignore[no-untyped-def]
    """The product of the (k, 2, 3, 2, 4) Fq12 array's elements, as a ``(2, 3, 2, 4)`` array."""
    f = fq12_load(partial, 0)
    for c in range(1, partial.shape[0]):
        f = fq12_mul(f, fq12_load(partial, c))
    out = np.empty((1, 2, 3, 2, 4), dtype=np.uint64)
    fq12_store(out, 0, f)
    return out[0]
