"""The final exponentiation f ↦ f^((q¹² − 1)/r) of the BN254 pairing (compiled).

(q¹² − 1)/r = (q⁶ − 1)·(q² + 1)·(q⁴ − q² + 1)/r.

Easy part: f ← f^(q⁶ − 1) = conj(f)·f⁻¹ (one Fq12 inversion), then
f ← f^(q² + 1) = f^(q²)·f. The result lies in the cyclotomic subgroup (norm 1), where
inversion is conjugation and squaring is Granger–Scott's 18m cyclotomic squaring.

Hard part: exactly (q⁴ − q² + 1)/r = λ0 + λ1·q + λ2·q² + λ3·q³ with (Scott, Benger,
Charlemagne, Dominguez Perez, Kachisa, "On the final exponentiation for calculating
pairings on ordinary elliptic curves", Pairing 2009)

    λ3 = 1, λ2 = 6x² + 1, λ1 = −36x³ − 18x² − 12x + 1, λ0 = −36x³ − 30x² − 18x − 2,

evaluated from f^x, f^(x²), f^(x³) (three exponentiations by x with width-4 signed
windows: 62 cyclotomic squarings and 16 multiplications each) and Frobenius maps with their vectorial
addition chain: y0 = f^(q + q² + q³), y1 = f⁻¹, y2 = (f^(x²))^(q²), y3 = (f^x)^(−q),
y4 = f^(−x − x²q), y5 = f^(−x²), y6 = f^(−x³ − x³q); result = y0·y1²·y2⁶·y3¹²·y4¹⁸·y5³⁰·y6³⁶.
Computing the exact exponent (rather than a multiple of it, as some libraries do)
keeps pairing values identical to py_ecc's. Cost ≈ 190 cyclotomic squarings,
~ 62 Fq12 multiplications, 7 Frobenius maps and one inversion.

Arrays: Fq12 ``(n, 2, 3, 2, 4)`` uint64 Montgomery. Plain twin: py_ecc's
``final_exponentiate`` (f ** ((q¹² − 1) // r)).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..field._montgomery import device
from ._tower import (
    fq12_conj,
    fq12_cyclotomic_square,
    fq12_frobenius,
    fq12_frobenius2,
    fq12_frobenius3,
    fq12_inv,
    fq12_load,
    fq12_mul,
    fq12_store,
)
from .pairing_plain import BN_X, wnaf_digits

#: Width-4 signed-window digits of x, most significant first: 0, ±1, ±3, ±5 or ±7.
#: 14 non-zero digits: 62 squarings and 13 + 3 multiplications per exponentiation
#: (the plain NAF needs 23).
X_WINDOW_DIGITS = np.array(wnaf_digits(BN_X, 4)[::-1], dtype=np.int8)


@device
def _odd_power(d, f1, f3, f5, f7):  # type: ignore[no-untyped-def]
    """f^d for an odd digit d, |d| ≤ 7, from f, f³, f⁵, f⁷ (f⁻¹ = conj(f) in the cyclotomic subgroup)."""
    m = abs(d)
    t = f1 if m == 1 else (f3 if m == 3 else (f5 if m == 5 else f7))
    return fq12_conj(t) if d < 0 else t


@device
def cyclotomic_exp_by_x(f):  # type: ignore[no-untyped-def]
    """f^x for f in the cyclotomic subgroup, by signed sliding windows of width 4."""
    f2 = fq12_cyclotomic_square(f)
    f3 = fq12_mul(f, f2)
    f5 = fq12_mul(f3, f2)
    f7 = fq12_mul(f5, f2)
    r = _odd_power(X_WINDOW_DIGITS[0], f, f3, f5, f7)
    for i in range(1, X_WINDOW_DIGITS.shape[0]):
        r = fq12_cyclotomic_square(r)
        d = X_WINDOW_DIGITS[i]
        if d != 0:
            r = fq12_mul(r, _odd_power(d, f, f3, f5, f7))
    return r


@device
def easy_part(f):  # type: ignore[no-untyped-def]
    """f^((q⁶ − 1)(q² + 1)); 0 maps to 0."""
    f = fq12_mul(fq12_conj(f), fq12_inv(f))
    return fq12_mul(fq12_frobenius2(f), f)


@device
def hard_part(f):  # type: ignore[no-untyped-def]
    """f^((q⁴ − q² + 1)/r) for f in the cyclotomic subgroup."""
    fx = cyclotomic_exp_by_x(f)
    fx2 = cyclotomic_exp_by_x(fx)
    fx3 = cyclotomic_exp_by_x(fx2)
    y0 = fq12_mul(fq12_mul(fq12_frobenius(f), fq12_frobenius2(f)), fq12_frobenius3(f))
    y1 = fq12_conj(f)
    y2 = fq12_frobenius2(fx2)
    y3 = fq12_conj(fq12_frobenius(fx))
    y4 = fq12_conj(fq12_mul(fx, fq12_frobenius(fx2)))
    y5 = fq12_conj(fx2)
    y6 = fq12_conj(fq12_mul(fx3, fq12_frobenius(fx3)))
    t0 = fq12_mul(fq12_mul(fq12_cyclotomic_square(y6), y4), y5)
    t1 = fq12_mul(fq12_mul(y3, y5), t0)
    t0 = fq12_mul(t0, y2)
    t1 = fq12_mul(fq12_cyclotomic_square(t1), t0)
    t1 = fq12_cyclotomic_square(t1)
    t0 = fq12_mul(t1, y1)
    t1 = fq12_mul(t1, y0)
    t0 = fq12_cyclotomic_square(t0)
    return fq12_mul(t0, t1)


@device
def final_exponentiation(f):  # type: ignore[no-untyped-def]
    """f^((q¹² − 1)/r) of an Fq12 tuple."""
    return hard_part(easy_part(f))


@njit(cache=True)
def final_exponentiation_kernel(f, out):  # type: ignore[no-untyped-def]
    """out[i] = f[i]^((q¹² − 1)/r) for an (n, 2, 3, 2, 4) array (one thread: a check or a
    batch needs one final exponentiation, and waking a second thread costs more than it
    saves on a busy machine)."""
    for i in range(f.shape[0]):
        fq12_store(out, i, final_exponentiation(fq12_load(f, i)))
