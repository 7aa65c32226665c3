"""Compiled Fq and Fq2 arithmetic for BN254's curves (device functions).

Fq elements are 4-tuples of uint64 in Montgomery form (R = 2^256); Fq2 =
Fq[u]/(u² + 1) elements are pairs ``(c0, c1)`` of those, meaning c0 + c1·u —
the tower snarkjs, circom and Ethereum use. The modulus is baked in as a
compile-time constant. Arrays: Fq vectors are ``(n, 4)``, Fq2 vectors
``(n, 2, 4)`` uint64. Plain twin: py_ecc's ``FQ`` / ``FQ2``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from ..field import Fq
from ..field import _montgomery as mont

Q = tuple(np.uint64(w) for w in Fq.modulus_words)
Q_NINV = np.uint64(Fq.ninv)
FQ_ZERO = (uint64(0), uint64(0), uint64(0), uint64(0))
FQ_ONE = tuple(np.uint64(w) for w in Fq.one_words)
FQ2_ZERO = (FQ_ZERO, FQ_ZERO)
FQ2_ONE = (FQ_ONE, FQ_ZERO)
#: q − 2 as little-endian words: the exponent of Fermat inversion.
Q_MINUS_2 = np.array(Fq.p_minus_2_words, dtype=np.uint64)


@njit(inline="always", cache=True)
def fq_mul(a, b):  # type: ignore[no-untyped-def]
    return mont.mont_mul(a, b, Q, Q_NINV)


@njit(inline="always", cache=True)
def fq_add(a, b):  # type: ignore[no-untyped-def]
    return mont.add_mod(a, b, Q)


@njit(inline="always", cache=True)
def fq_sub(a, b):  # type: ignore[no-untyped-def]
    return mont.sub_mod(a, b, Q)


@njit(inline="always", cache=True)
def fq_neg(a):  # type: ignore[no-untyped-def]
    return mont.neg_mod(a, Q)


@njit(inline="always", cache=True)
def fq_double(a):  # type: ignore[no-untyped-def]
    return mont.add_mod(a, a, Q)


@njit(inline="always", cache=True)
def fq_inv(a):  # type: ignore[no-untyped-def]
    """a⁻¹ by Fermat (a^(q−2)); 0 maps to 0."""
    return mont.mont_pow(a, Q_MINUS_2, FQ_ONE, Q, Q_NINV)


@njit(inline="always", cache=True)
def fq2_add(a, b):  # type: ignore[no-untyped-def]
    return (fq_add(a[0], b[0]), fq_add(a[1], b[1]))


@njit(inline="always", cache=True)
def fq2_sub(a, b):  # type: ignore[no-untyped-def]
    return (fq_sub(a[0], b[0]), fq_sub(a[1], b[1]))


@njit(inline="always", cache=True)
def fq2_neg(a):  # type: ignore[no-untyped-def]
    return (fq_neg(a[0]), fq_neg(a[1]))


@njit(inline="always", cache=True)
def fq2_double(a):  # type: ignore[no-untyped-def]
    return (fq_double(a[0]), fq_double(a[1]))


@njit(inline="always", cache=True)
def fq2_conj(a):  # type: ignore[no-untyped-def]
    """c0 − c1·u: the Frobenius map on Fq2."""
    return (a[0], fq_neg(a[1]))


@njit(inline="always", cache=True)
def fq2_mul(a, b):  # type: ignore[no-untyped-def]
    """Karatsuba: 3 Fq multiplications."""
    v0 = fq_mul(a[0], b[0])
    v1 = fq_mul(a[1], b[1])
    cross = fq_mul(fq_add(a[0], a[1]), fq_add(b[0], b[1]))
    return (fq_sub(v0, v1), fq_sub(fq_sub(cross, v0), v1))


@njit(inline="always", cache=True)
def fq2_square(a):  # type: ignore[no-untyped-def]
    """Complex squaring: (c0 + c1)(c0 − c1) + 2·c0·c1·u, 2 Fq multiplications."""
    c0 = fq_mul(fq_add(a[0], a[1]), fq_sub(a[0], a[1]))
    c1 = fq_mul(a[0], a[1])
    return (c0, fq_double(c1))


@njit(inline="always", cache=True)
def fq2_mul_fq(a, k):  # type: ignore[no-untyped-def]
    """An Fq2 element times an Fq element."""
    return (fq_mul(a[0], k), fq_mul(a[1], k))


@njit(inline="always", cache=True)
def fq2_mul_by_xi(a):  # type: ignore[no-untyped-def]
    """a·ξ with ξ = 9 + u, the non-residue of the Fq6 and Fq12 towers: (9c0 − c1) + (c0 + 9c1)·u."""
    n0 = fq_double(fq_double(fq_double(a[0])))
    n1 = fq_double(fq_double(fq_double(a[1])))
    return (fq_sub(fq_add(n0, a[0]), a[1]), fq_add(fq_add(n1, a[1]), a[0]))


@njit(inline="always", cache=True)
def fq2_inv(a):  # type: ignore[no-untyped-def]
    """a⁻¹ = conj(a) / (c0² + c1²); 0 maps to 0."""
    norm_inv = fq_inv(fq_add(fq_mul(a[0], a[0]), fq_mul(a[1], a[1])))
    return (fq_mul(a[0], norm_inv), fq_neg(fq_mul(a[1], norm_inv)))


@njit(inline="always", cache=True)
def fq2_is_zero(a):  # type: ignore[no-untyped-def]
    return mont.is_zero(a[0]) and mont.is_zero(a[1])


@njit(inline="always", cache=True)
def fq2_equal(a, b):  # type: ignore[no-untyped-def]
    return mont.equal(a[0], b[0]) and mont.equal(a[1], b[1])


@njit(inline="always", cache=True)
def fq2_load(arr, i):  # type: ignore[no-untyped-def]
    """Row i of an (n, 2, 4) uint64 array."""
    return (
        (arr[i, 0, 0], arr[i, 0, 1], arr[i, 0, 2], arr[i, 0, 3]),
        (arr[i, 1, 0], arr[i, 1, 1], arr[i, 1, 2], arr[i, 1, 3]),
    )


@njit(inline="always", cache=True)
def fq2_store(arr, i, v):  # type: ignore[no-untyped-def]
    for c in range(2):
        for w in range(4):
            arr[i, c, w] = v[c][w]
