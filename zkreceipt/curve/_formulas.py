"""Point formulas for y² = x³ + b (a = 0) over Fq or Fq2, as numba device functions.

Written once against ``_coords`` (type-dispatched field operations), they compile
for G1 and for G2. Representations:

* affine ``(x, y)``; the point at infinity is ``(0, 0)`` (not on the curve, since b ≠ 0);
* Jacobian ``(X, Y, Z)`` meaning (X/Z², Y/Z³); infinity is any point with Z = 0.

Formulas are the EFD's for a = 0: ``dbl-2009-l`` (2M + 5S), ``add-2007-bl``
(11M + 5S) and ``madd-2007-bl`` (7M + 4S), with the exceptional cases (an
operand at infinity, P + P, P + (−P)) handled explicitly. Every returned
coordinate is fully reduced, as all ``_fq`` operations are.

The affine addition is split in two so that many additions can share one
inversion: ``affine_add_denominator`` gives the value to invert, and
``affine_add_with_inverse`` finishes with its inverse.
"""

from __future__ import annotations

from numba import uint64

from ..field._montgomery import device
from ._coords import (
    c_add,
    c_double,
    c_equal,
    c_is_zero,
    c_mul,
    c_neg,
    c_one,
    c_square,
    c_sub,
    c_zero,
    coord_load,
    coord_store,
)


@device
def affine_is_inf(p):  # type: ignore[no-untyped-def]
    return c_is_zero(p[0]) and c_is_zero(p[1])


@device
def affine_load(arr, i):  # type: ignore[no-untyped-def]
    """Point i of an affine array ``(n, 2, 4)`` / ``(n, 2, 2, 4)``."""
    return (coord_load(arr, i, 0), coord_load(arr, i, 1))


@device
def affine_store(arr, i, p):  # type: ignore[no-untyped-def]
    coord_store(arr, i, 0, p[0])
    coord_store(arr, i, 1, p[1])


@device
def jac_load(arr, i):  # type: ignore[no-untyped-def]
    """Point i of a Jacobian array ``(n, 3, 4)`` / ``(n, 3, 2, 4)``."""
    return (coord_load(arr, i, 0), coord_load(arr, i, 1), coord_load(arr, i, 2))


@device
def jac_store(arr, i, p):  # type: ignore[no-untyped-def]
    coord_store(arr, i, 0, p[0])
    coord_store(arr, i, 1, p[1])
    coord_store(arr, i, 2, p[2])


@device
def affine_neg(p):  # type: ignore[no-untyped-def]
    return (p[0], c_neg(p[1]))


@device
def jac_infinity(like):  # type: ignore[no-untyped-def]
    """Jacobian infinity (1, 1, 0) in the field of ``like`` (a coordinate)."""
    one = c_one(like)
    return (one, one, c_zero(like))


@device
def jac_is_inf(p):  # type: ignore[no-untyped-def]
    return c_is_zero(p[2])


@device
def jac_from_affine(p):  # type: ignore[no-untyped-def]
    if affine_is_inf(p):
        return jac_infinity(p[0])
    return (p[0], p[1], c_one(p[0]))


@device
def jac_neg(p):  # type: ignore[no-untyped-def]
    return (p[0], c_neg(p[1]), p[2])


@device
def jac_double(p):  # type: ignore[no-untyped-def]
    """dbl-2009-l; infinity (Z = 0) doubles to Z = 0."""
    a = c_square(p[0])
    b = c_square(p[1])
    c = c_square(b)
    d = c_double(c_sub(c_sub(c_square(c_add(p[0], b)), a), c))
    e = c_add(c_double(a), a)
    f = c_square(e)
    x3 = c_sub(f, c_double(d))
    eight_c = c_double(c_double(c_double(c)))
    y3 = c_sub(c_mul(e, c_sub(d, x3)), eight_c)
    z3 = c_double(c_mul(p[1], p[2]))
    return (x3, y3, z3)


@device
def jac_add(p, q):  # type: ignore[no-untyped-def]
    """add-2007-bl, complete: infinity operands, P + P and P + (−P) included."""
    if jac_is_inf(p):
        return q
    if jac_is_inf(q):
        return p
    z1z1 = c_square(p[2])
    z2z2 = c_square(q[2])
    u1 = c_mul(p[0], z2z2)
    u2 = c_mul(q[0], z1z1)
    s1 = c_mul(c_mul(p[1], q[2]), z2z2)
    s2 = c_mul(c_mul(q[1], p[2]), z1z1)
    h = c_sub(u2, u1)
    r = c_double(c_sub(s2, s1))
    if c_is_zero(h):
        if c_is_zero(r):
            return jac_double(p)
        return jac_infinity(p[0])
    i = c_square(c_double(h))
    j = c_mul(h, i)
    v = c_mul(u1, i)
    x3 = c_sub(c_sub(c_square(r), j), c_double(v))
    y3 = c_sub(c_mul(r, c_sub(v, x3)), c_double(c_mul(s1, j)))
    z3 = c_mul(c_sub(c_sub(c_square(c_add(p[2], q[2])), z1z1), z2z2), h)
    return (x3, y3, z3)


@device
def jac_madd(p, q):  # type: ignore[no-untyped-def]
    """Jacobian p plus affine q (madd-2007-bl), complete."""
    if affine_is_inf(q):
        return p
    if jac_is_inf(p):
        return (q[0], q[1], c_one(q[0]))
    z1z1 = c_square(p[2])
    u2 = c_mul(q[0], z1z1)
    s2 = c_mul(c_mul(q[1], p[2]), z1z1)
    h = c_sub(u2, p[0])
    r = c_double(c_sub(s2, p[1]))
    if c_is_zero(h):
        if c_is_zero(r):
            return jac_double(p)
        return jac_infinity(p[0])
    hh = c_square(h)
    i = c_double(c_double(hh))
    j = c_mul(h, i)
    v = c_mul(p[0], i)
    x3 = c_sub(c_sub(c_square(r), j), c_double(v))
    y3 = c_sub(c_mul(r, c_sub(v, x3)), c_double(c_mul(p[1], j)))
    z3 = c_sub(c_sub(c_square(c_add(p[2], h)), z1z1), hh)
    return (x3, y3, z3)


@device
def jac_to_affine(p, z_inv):  # type: ignore[no-untyped-def]
    """Affine form of p given Z⁻¹ (any value when p is infinity)."""
    if jac_is_inf(p):
        zero = c_zero(p[0])
        return (zero, zero)
    z_inv2 = c_square(z_inv)
    return (c_mul(p[0], z_inv2), c_mul(p[1], c_mul(z_inv2, z_inv)))


@device
def affine_add_denominator(p, q):  # type: ignore[no-untyped-def]
    """The value whose inverse ``affine_add_with_inverse`` needs: x_q − x_p, or 2y for P + P; 1 if none."""
    one = c_one(p[0])
    if affine_is_inf(p) or affine_is_inf(q):
        return one
    if not c_equal(p[0], q[0]):
        return c_sub(q[0], p[0])
    if c_equal(p[1], q[1]):
        return c_double(p[1])  # non-zero: no point of order 2 on either curve
    return one


@device
def affine_add_with_inverse(p, q, inv):  # type: ignore[no-untyped-def]
    """p + q in affine form, given the inverse of ``affine_add_denominator(p, q)``."""
    if affine_is_inf(p):
        return q
    if affine_is_inf(q):
        return p
    if c_equal(p[0], q[0]):
        if not c_equal(p[1], q[1]):
            zero = c_zero(p[0])
            return (zero, zero)
        x2 = c_square(p[0])
        lam = c_mul(c_add(c_double(x2), x2), inv)
    else:
        lam = c_mul(c_sub(q[1], p[1]), inv)
    x3 = c_sub(c_sub(c_square(lam), p[0]), q[0])
    y3 = c_sub(c_mul(lam, c_sub(p[0], x3)), p[1])
    return (x3, y3)


@device
def affine_on_curve(p, b):  # type: ignore[no-untyped-def]
    """y² = x³ + b, or p is the point at infinity (0, 0)."""
    if affine_is_inf(p):
        return True
    x = p[0]
    return c_equal(c_square(p[1]), c_add(c_mul(c_square(x), x), b))


@device
def jac_mul_words(p, k, nbits):  # type: ignore[no-untyped-def]
    """[k]p for an affine p and k given as little-endian uint64 words (top ``nbits`` bits used)."""
    acc = jac_infinity(p[0])
    for bit in range(nbits - 1, -1, -1):
        acc = jac_double(acc)
        if (k[bit >> 6] >> uint64(bit & 63)) & uint64(1):
            acc = jac_madd(acc, p)
    return acc
