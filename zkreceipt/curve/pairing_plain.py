"""Plain twin of the pairing's tower: constants from Python ints, and py_ecc conversions.

The compiled tower (``_tower.py``) is

    Fq2  = Fq[u]  / (u² + 1)
    Fq6  = Fq2[v] / (v³ − ξ),  ξ = 9 + u
    Fq12 = Fq6[w] / (w² − v)

and stores an Fq12 element as a ``(2, 3, 2, 4)`` uint64 array ``a[i, j, k]`` =
the u^k part of the coefficient of w^i·v^j = w^(i + 2j) (Montgomery words).

py_ecc's ``optimized_bn128.FQ12`` is Fq[W] / (W¹² − 18W⁶ + 82). Its W is our w:
w⁶ = v³ = ξ = 9 + u satisfies (w⁶ − 9)² = u² = −1, i.e. w¹² − 18w⁶ + 82 = 0.
So u = w⁶ − 9 and an Fq2 coefficient (x + y·u) of w^e becomes
(x − 9y)·W^e + y·W^(e+6) — the same map as py_ecc's ``twist``.

This module also computes, with Python ints, the Frobenius constants the
compiled tower bakes in, and converts py_ecc points to the raw ``xy`` arrays
the kernels take. It imports py_ecc only inside the conversion functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..errors import CurveError
from ..field import FieldVector, Fq
from ..field.bn254 import Q_MODULUS, R_MODULUS

#: The BN parameter x of BN254 (q and r are polynomials in x).
BN_X = 4965661367192848881
#: The optimal ate loop length 6x + 2.
ATE_LOOP_COUNT = 6 * BN_X + 2
#: ξ = 9 + u, the non-residue of the Fq6 and Fq12 towers (and of the D-type twist).
XI = (9, 1)

Fq2Int = tuple[int, int]


def fq2_mul(a: Fq2Int, b: Fq2Int) -> Fq2Int:
    """(a0 + a1·u)(b0 + b1·u) with u² = −1, as Python ints mod q."""
    q = Q_MODULUS
    return ((a[0] * b[0] - a[1] * b[1]) % q, (a[0] * b[1] + a[1] * b[0]) % q)


def fq2_pow(a: Fq2Int, e: int) -> Fq2Int:
    """a^e in Fq2 by square-and-multiply (e ≥ 0)."""
    result: Fq2Int = (1, 0)
    for bit in bin(e)[2:]:
        result = fq2_mul(result, result)
        if bit == "1":
            result = fq2_mul(result, a)
    return result


def fq12_frobenius_coefficients(power: int) -> list[Fq2Int]:
    """γ_i = ξ^(i·(q^power − 1)/6) for i = 0..5.

    (g·w^i)^(q^power) = φ(g)·γ_i·w^i for g in Fq2, because w^(q^k) = w·w^(q^k − 1) and
    w⁶ = ξ; φ is conjugation for odd powers and the identity for even ones.
    """
    e = (Q_MODULUS**power - 1) // 6
    return [fq2_pow(XI, i * e) for i in range(6)]


def twist_frobenius_coefficients(power: int) -> tuple[Fq2Int, Fq2Int]:
    """(ξ^((q^power − 1)/3), ξ^((q^power − 1)/2)).

    The q^power-Frobenius endomorphism of E(Fq12), pulled back through the twist
    ψ(x, y) = (x·w², y·w³), sends a twist point (x, y) to
    (φ(x)·ξ^((q^k−1)/3), φ(y)·ξ^((q^k−1)/2)).
    """
    qk = Q_MODULUS**power
    return fq2_pow(XI, (qk - 1) // 3), fq2_pow(XI, (qk - 1) // 2)


def fq2_inv(a: Fq2Int) -> Fq2Int:
    """a⁻¹ = conj(a) / (a0² + a1²) in Fq2 (a ≠ 0)."""
    q = Q_MODULUS
    n = pow(a[0] * a[0] + a[1] * a[1], -1, q)
    return (a[0] * n % q, -a[1] * n % q)


#: b' = 3/ξ, the coefficient of the D-type twist E': y² = x³ + b' that carries G2.
TWIST_B = fq2_mul((3, 0), fq2_inv(XI))


def wnaf_digits(k: int, width: int) -> list[int]:
    """The width-w non-adjacent form of k > 0, least significant digit first.

    Digits are 0 or odd with |d| < 2^(width−1); any w consecutive digits hold at most one
    non-zero. Width 2 is the NAF.
    """
    digits = []
    modulus, half = 1 << width, 1 << (width - 1)
    while k:
        d = 0
        if k & 1:
            d = k % modulus
            if d >= half:
                d -= modulus
        digits.append(d)
        k = (k - d) // 2
    return digits


def naf_digits(k: int) -> list[int]:
    """The NAF of k > 0 (digits in {−1, 0, 1}, no two adjacent non-zero), least significant first.

    6x + 2 has 66 NAF digits with 22 non-zero (65 bits with 37 ones in binary).
    """
    return wnaf_digits(k, 2)


def montgomery_words(value: int) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    """An Fq int as the 4 Montgomery words a compiled kernel bakes in as a constant."""
    words = Fq.from_int(value % Q_MODULUS).limbs[0]
    return (np.uint64(words[0]), np.uint64(words[1]), np.uint64(words[2]), np.uint64(words[3]))


def fq2_montgomery(value: Fq2Int) -> tuple[tuple[np.uint64, ...], tuple[np.uint64, ...]]:
    return (montgomery_words(value[0]), montgomery_words(value[1]))


# --- Fq12 arrays <-> tower ints <-> py_ecc ------------------------------------------


def tower_ints_from_array(arr: np.ndarray) -> list[list[int]]:
    """``(n, 2, 3, 2, 4)`` (or one ``(2, 3, 2, 4)``) Montgomery array → n lists of 12 ints.

    Entry ``6i + 2j + k`` is the u^k part of the coefficient of w^i·v^j.
    """
    a = np.asarray(arr, dtype=np.uint64).reshape(-1, 12, 4)
    flat = FieldVector(Fq, np.ascontiguousarray(a.reshape(-1, 4))).to_ints()
    return [flat[12 * n : 12 * n + 12] for n in range(a.shape[0])]


def array_from_tower_ints(values: Iterable[Sequence[int]]) -> np.ndarray:
    """Inverse of :func:`tower_ints_from_array`: lists of 12 ints in [0, q) → ``(n, 2, 3, 2, 4)``."""
    flat = [int(c) for v in values for c in v]
    if len(flat) % 12:
        raise CurveError("Fq12: an element needs exactly 12 coefficients")
    return Fq.from_ints(flat).limbs.reshape(-1, 2, 3, 2, 4)


def tower_to_py_ecc_coeffs(tower: Sequence[int]) -> list[int]:
    """12 tower ints → the 12 coefficients of py_ecc's FQ12 (powers W⁰..W¹¹)."""
    q = Q_MODULUS
    out = [0] * 12
    for i in range(2):
        for j in range(3):
            x, y = tower[6 * i + 2 * j], tower[6 * i + 2 * j + 1]
            e = i + 2 * j
            out[e] = (out[e] + x - 9 * y) % q
            out[e + 6] = (out[e + 6] + y) % q
    return out


def tower_from_py_ecc_coeffs(coeffs: Sequence[int]) -> list[int]:
    """Inverse of :func:`tower_to_py_ecc_coeffs`."""
    q = Q_MODULUS
    tower = [0] * 12
    for e in range(6):
        y = int(coeffs[e + 6]) % q
        x = (int(coeffs[e]) + 9 * y) % q
        i, j = e % 2, e // 2
        tower[6 * i + 2 * j] = x
        tower[6 * i + 2 * j + 1] = y
    return tower


def array_to_py_ecc(arr: np.ndarray) -> list[Any]:
    """``(n, 2, 3, 2, 4)`` Montgomery Fq12 array → n py_ecc ``optimized_bn128.FQ12``."""
    from py_ecc.optimized_bn128 import FQ12

    return [FQ12(tower_to_py_ecc_coeffs(t)) for t in tower_ints_from_array(arr)]


def array_from_py_ecc(elements: Iterable[Any]) -> np.ndarray:
    """py_ecc FQ12 elements → ``(n, 2, 3, 2, 4)`` Montgomery array."""
    return array_from_tower_ints(
        tower_from_py_ecc_coeffs([int(c) for c in e.coeffs]) for e in elements
    )


# --- py_ecc points -> xy arrays -------------------------------------------------------


def g1_xy_from_py_ecc(points: Iterable[Any]) -> np.ndarray:
    """py_ecc optimized_bn128 G1 points (x, y, z) or None → ``(n, 2, 4)`` affine Montgomery.

    The point at infinity becomes all zeros.
    """
    from py_ecc.optimized_bn128 import is_inf, normalize

    ints: list[int] = []
    for p in points:
        if p is None or is_inf(p):
            ints += [0, 0]
        else:
            x, y = normalize(p)
            ints += [int(x), int(y)]
    return Fq.from_ints(ints).limbs.reshape(-1, 2, 4)


def g2_xy_from_py_ecc(points: Iterable[Any]) -> np.ndarray:
    """py_ecc optimized_bn128 G2 points or None → ``(n, 2, 2, 4)``: ((x0, x1), (y0, y1))."""
    from py_ecc.optimized_bn128 import is_inf, normalize

    ints: list[int] = []
    for p in points:
        if p is None or is_inf(p):
            ints += [0, 0, 0, 0]
        else:
            x, y = normalize(p)
            ints += [int(c) for c in x.coeffs] + [int(c) for c in y.coeffs]
    return Fq.from_ints(ints).limbs.reshape(-1, 2, 2, 4)


def hard_part_exponent() -> int:
    """(q⁴ − q² + 1) / r, the hard part of the final exponentiation."""
    q = Q_MODULUS
    return (q**4 - q**2 + 1) // R_MODULUS
