"""G2-only kernels: the endomorphism ψ and the fast subgroup test built on it.

Arrays are G2 affine ``(n, 2, 2, 4)`` uint64, Montgomery Fq2, infinity = zeros.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..field._montgomery import device
from ..field.parallel import parallel_for
from . import _fq
from ._formulas import (
    affine_is_inf,
    affine_load,
    jac_add,
    jac_double,
    jac_is_inf,
    jac_madd,
    jac_mul_words,
    jac_neg,
)
from ._params import PSI_X, PSI_Y, SEED, mont_words


def _fq2_const(value: tuple[int, int]) -> tuple[tuple[np.uint64, ...], ...]:
    words = mont_words(list(value))
    return tuple(tuple(np.uint64(w) for w in row) for row in words)  # type: ignore[return-value]


_PSI_X = _fq2_const(PSI_X)
_PSI_Y = _fq2_const(PSI_Y)
_SEED_WORDS = np.array([SEED, 0, 0, 0], dtype=np.uint64)
_SEED_BITS = SEED.bit_length()


@device
def jac_psi(p):  # type: ignore[no-untyped-def]
    """ψ on a Jacobian G2 point: (conj(X)·ψx, conj(Y)·ψy, conj(Z))."""
    return (
        _fq.fq2_mul(_fq.fq2_conj(p[0]), _PSI_X),
        _fq.fq2_mul(_fq.fq2_conj(p[1]), _PSI_Y),
        _fq.fq2_conj(p[2]),
    )


@njit(cache=True, nogil=True)
def _in_subgroup_range(lo, hi, a, out):  # type: ignore[no-untyped-def]
    for i in range(lo, hi):
        p = affine_load(a, i)
        if affine_is_inf(p):
            out[i] = True
            continue
        xp = jac_mul_words(p, _SEED_WORDS, _SEED_BITS)
        psi1 = jac_psi(xp)
        psi2 = jac_psi(psi1)
        lhs = jac_add(jac_add(jac_madd(xp, p), psi1), psi2)
        rhs = jac_double(jac_psi(psi2))
        out[i] = jac_is_inf(jac_add(rhs, jac_neg(lhs)))


def in_subgroup(a: np.ndarray) -> np.ndarray:
    """Bool (n,): point i (on the twist) has order dividing r; all cores.

    El Housni–Guillevic–Piellard (ePrint 2022/348, §3 and §5.1), as in gnark-crypto:
    [r]P = 0 ⟺ [x₀+1]P + ψ([x₀]P) + ψ²([x₀]P) = ψ³([2x₀]P). One 63-bit scalar
    multiplication instead of a 254-bit one.
    """
    out = np.empty(a.shape[0], dtype=np.bool_)
    parallel_for(_in_subgroup_range, a.shape[0], a, out)
    return out
