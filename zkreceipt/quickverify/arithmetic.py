"""BN254 on Python ints, for one verification without the compiled core: fields, curves, pairing.

Fq2 = Fq[u]/(u² + 1), Fq6 = Fq2[v]/(v³ − ξ), Fq12 = Fq6[w]/(w² − v), ξ = 9 + u: the tower
of Ethereum and snarkjs, elements as nested tuples of ints (Fq12 = ((g0, g2, g4), (g1, g3, g5))
with g_i the Fq2 coefficient of w^i). Points are affine tuples, None for infinity. The
pairing is the optimal ate pairing with the same steps as the compiled one
(``zkreceipt.curve.miller_loop`` / ``final_exponentiation``): homogeneous projective twist
points, sparse lines c0·p_y + c1·p_x·w + c2·w³, the exact final exponent. Only what a Groth16
check needs; every function is cross-checked against py_ecc and the compiled core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
BN_X = 4965661367192848881

Fq2 = tuple[int, int]
Fq6 = tuple[Fq2, Fq2, Fq2]
Fq12 = tuple[Fq6, Fq6]

# --- Fq2 -----------------------------------------------------------------------------


def f2_add(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q)


def f2_sub(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] - b[0]) % Q, (a[1] - b[1]) % Q)


def f2_neg(a: Fq2) -> Fq2:
    return (-a[0] % Q, -a[1] % Q)


def f2_mul(a: Fq2, b: Fq2) -> Fq2:
    a0, a1 = a
    b0, b1 = b
    v0, v1 = a0 * b0, a1 * b1
    return ((v0 - v1) % Q, ((a0 + a1) * (b0 + b1) - v0 - v1) % Q)


def f2_square(a: Fq2) -> Fq2:
    a0, a1 = a
    return ((a0 + a1) * (a0 - a1) % Q, 2 * a0 * a1 % Q)


def f2_scale(a: Fq2, k: int) -> Fq2:
    return (a[0] * k % Q, a[1] * k % Q)


def f2_conj(a: Fq2) -> Fq2:
    return (a[0], -a[1] % Q)


def f2_mul_xi(a: Fq2) -> Fq2:
    """a·(9 + u)."""
    return ((9 * a[0] - a[1]) % Q, (a[0] + 9 * a[1]) % Q)


def f2_inv(a: Fq2) -> Fq2:
    """a⁻¹ = conj(a)/(a0² + a1²); a ≠ 0."""
    norm = pow((a[0] * a[0] + a[1] * a[1]) % Q, -1, Q)
    return (a[0] * norm % Q, -a[1] * norm % Q)


def f2_pow(a: Fq2, e: int) -> Fq2:
    result = (1, 0)
    while e:
        if e & 1:
            result = f2_mul(result, a)
        a = f2_square(a)
        e >>= 1
    return result


XI = (9, 1)
F2_ZERO: Fq2 = (0, 0)
F2_ONE: Fq2 = (1, 0)

# --- Fq6 and Fq12 --------------------------------------------------------------------------


def f6_add(a: Fq6, b: Fq6) -> Fq6:
    return (f2_add(a[0], b[0]), f2_add(a[1], b[1]), f2_add(a[2], b[2]))


def f6_sub(a: Fq6, b: Fq6) -> Fq6:
    return (f2_sub(a[0], b[0]), f2_sub(a[1], b[1]), f2_sub(a[2], b[2]))


def f6_neg(a: Fq6) -> Fq6:
    return (f2_neg(a[0]), f2_neg(a[1]), f2_neg(a[2]))


def f6_mul_v(a: Fq6) -> Fq6:
    return (f2_mul_xi(a[2]), a[0], a[1])


def f6_mul(a: Fq6, b: Fq6) -> Fq6:
    v0, v1, v2 = f2_mul(a[0], b[0]), f2_mul(a[1], b[1]), f2_mul(a[2], b[2])
    t0 = f2_sub(f2_sub(f2_mul(f2_add(a[1], a[2]), f2_add(b[1], b[2])), v1), v2)
    t1 = f2_sub(f2_sub(f2_mul(f2_add(a[0], a[1]), f2_add(b[0], b[1])), v0), v1)
    t2 = f2_sub(f2_mul(f2_add(a[0], a[2]), f2_add(b[0], b[2])), f2_add(v0, v2))
    return (f2_add(v0, f2_mul_xi(t0)), f2_add(t1, f2_mul_xi(v2)), f2_add(t2, v1))


def f6_mul_f2(a: Fq6, k: Fq2) -> Fq6:
    return (f2_mul(a[0], k), f2_mul(a[1], k), f2_mul(a[2], k))


def f6_mul_01(a: Fq6, b0: Fq2, b1: Fq2) -> Fq6:
    """a·(b0 + b1·v)."""
    v0, v1 = f2_mul(a[0], b0), f2_mul(a[1], b1)
    c0 = f2_add(v0, f2_mul_xi(f2_mul(a[2], b1)))
    c1 = f2_sub(f2_mul(f2_add(a[0], a[1]), f2_add(b0, b1)), f2_add(v0, v1))
    return (c0, c1, f2_add(f2_mul(a[2], b0), v1))


def f6_inv(a: Fq6) -> Fq6:
    t0 = f2_sub(f2_square(a[0]), f2_mul_xi(f2_mul(a[1], a[2])))
    t1 = f2_sub(f2_mul_xi(f2_square(a[2])), f2_mul(a[0], a[1]))
    t2 = f2_sub(f2_square(a[1]), f2_mul(a[0], a[2]))
    d = f2_add(f2_mul(a[0], t0), f2_mul_xi(f2_add(f2_mul(a[2], t1), f2_mul(a[1], t2))))
    d_inv = f2_inv(d)
    return (f2_mul(t0, d_inv), f2_mul(t1, d_inv), f2_mul(t2, d_inv))


F6_ZERO: Fq6 = (F2_ZERO, F2_ZERO, F2_ZERO)
F12_ONE: Fq12 = ((F2_ONE, F2_ZERO, F2_ZERO), F6_ZERO)


def f12_mul(a: Fq12, b: Fq12) -> Fq12:
    t0, t1 = f6_mul(a[0], b[0]), f6_mul(a[1], b[1])
    cross = f6_mul(f6_add(a[0], a[1]), f6_add(b[0], b[1]))
    return (f6_add(t0, f6_mul_v(t1)), f6_sub(cross, f6_add(t0, t1)))


def f12_square(a: Fq12) -> Fq12:
    t = f6_mul(a[0], a[1])
    s = f6_mul(f6_add(a[0], a[1]), f6_add(a[0], f6_mul_v(a[1])))
    return (f6_sub(f6_sub(s, t), f6_mul_v(t)), f6_add(t, t))


def f12_conj(a: Fq12) -> Fq12:
    return (a[0], f6_neg(a[1]))


def f12_inv(a: Fq12) -> Fq12:
    n_inv = f6_inv(f6_sub(f6_mul(a[0], a[0]), f6_mul_v(f6_mul(a[1], a[1]))))
    return (f6_mul(a[0], n_inv), f6_neg(f6_mul(a[1], n_inv)))


def f12_mul_034(a: Fq12, d0: Fq2, d3: Fq2, d4: Fq2) -> Fq12:
    """a·(d0 + d3·w + d4·w³)."""
    x = f6_mul_f2(a[0], d0)
    y = f6_mul_01(a[1], d3, d4)
    cross = f6_mul_01(f6_add(a[0], a[1]), f2_add(d0, d3), d4)
    return (f6_add(x, f6_mul_v(y)), f6_sub(cross, f6_add(x, y)))


def _frobenius_gammas(power: int) -> tuple[Fq2, ...]:
    e = (Q**power - 1) // 6
    return tuple(f2_pow(XI, i * e) for i in range(6))


_GAMMAS = {k: _frobenius_gammas(k) for k in (1, 2, 3)}


def f12_frobenius(a: Fq12, power: int) -> Fq12:
    """a^(q^power) for power 1, 2, 3: g_i·w^i ↦ φ(g_i)·γ_i·w^i, φ = conjugation for odd powers."""
    (g0, g2, g4), (g1, g3, g5) = a
    g = [g0, g1, g2, g3, g4, g5]
    if power % 2:
        g = [f2_conj(x) for x in g]
    g = [f2_mul(x, gamma) for x, gamma in zip(g, _GAMMAS[power])]
    return ((g[0], g[2], g[4]), (g[1], g[3], g[5]))


def _fq4_square(a: Fq2, b: Fq2) -> tuple[Fq2, Fq2]:
    """(a + b·s)² in Fq4 = Fq2[s]/(s² − ξ)."""
    t = f2_mul(a, b)
    full = f2_mul(f2_add(a, b), f2_add(a, f2_mul_xi(b)))
    return f2_sub(f2_sub(full, t), f2_mul_xi(t)), f2_add(t, t)


def f12_cyclotomic_square(a: Fq12) -> Fq12:
    """a² for a of norm 1 (after the easy part): Granger–Scott, as the compiled tower."""
    z0, z4, z3 = a[0]
    z2, z1, z5 = a[1]
    t0, t1 = _fq4_square(z0, z1)
    t2, t3 = _fq4_square(z2, z3)
    t4, t5 = _fq4_square(z4, z5)

    def minus(t: Fq2, z: Fq2) -> Fq2:  # 3t − 2z
        return ((3 * t[0] - 2 * z[0]) % Q, (3 * t[1] - 2 * z[1]) % Q)

    def plus(t: Fq2, z: Fq2) -> Fq2:  # 3t + 2z
        return ((3 * t[0] + 2 * z[0]) % Q, (3 * t[1] + 2 * z[1]) % Q)

    return (
        (minus(t0, z0), minus(t2, z4), minus(t4, z3)),
        (plus(f2_mul_xi(t5), z2), plus(t1, z1), plus(t3, z5)),
    )


def f12_cyclotomic_pow(a: Fq12, e: int) -> Fq12:
    """a^e (e ≥ 1) for a of norm 1."""
    result = a
    for bit in bin(e)[3:]:
        result = f12_cyclotomic_square(result)
        if bit == "1":
            result = f12_mul(result, a)
    return result


# --- curves (affine, None = infinity) ------------------------------------------------------


def g1_on_curve(p: Any) -> bool:
    return p is None or (p[1] * p[1] - p[0] * p[0] * p[0] - 3) % Q == 0


TWIST_B = f2_mul((3, 0), f2_inv(XI))


def g2_on_curve(p: Any) -> bool:
    if p is None:
        return True
    x, y = p
    return f2_sub(f2_square(y), f2_add(f2_mul(f2_square(x), x), TWIST_B)) == F2_ZERO


class _Field:
    """Fq or Fq2 operations for the curve formulas, so one double-and-add serves G1 and G2."""

    def __init__(self, add, sub, mul, square, inv, zero, one):  # type: ignore[no-untyped-def]
        self.add, self.sub, self.mul, self.square, self.inv, self.zero, self.one = add, sub, mul, square, inv, zero, one


_FQ = _Field(
    lambda a, b: (a + b) % Q, lambda a, b: (a - b) % Q, lambda a, b: a * b % Q, lambda a: a * a % Q,
    lambda a: pow(a, -1, Q), 0, 1,
)
_FQ2 = _Field(f2_add, f2_sub, f2_mul, f2_square, f2_inv, F2_ZERO, F2_ONE)


def _jacobian_double(k: _Field, p: Any) -> Any:
    """dbl-2009-l for y² = x³ + b (Z = 0 stays infinity)."""
    x, y, z = p
    a, b = k.square(x), k.square(y)
    c = k.square(b)
    d = k.sub(k.sub(k.square(k.add(x, b)), a), c)
    d = k.add(d, d)
    e = k.add(k.add(a, a), a)
    x3 = k.sub(k.square(e), k.add(d, d))
    c8 = k.add(c, c)
    c8 = k.add(c8, c8)
    c8 = k.add(c8, c8)
    yz = k.mul(y, z)
    return (x3, k.sub(k.mul(e, k.sub(d, x3)), c8), k.add(yz, yz))


def _jacobian_add_affine(k: _Field, p: Any, q: Any) -> Any:
    """Jacobian p + affine q (madd-2007-bl), exceptional cases included."""
    x1, y1, z1 = p
    if z1 == k.zero:
        return (q[0], q[1], k.one)
    z1z1 = k.square(z1)
    u2 = k.mul(q[0], z1z1)
    s2 = k.mul(k.mul(q[1], z1), z1z1)
    h = k.sub(u2, x1)
    r = k.sub(s2, y1)
    r = k.add(r, r)
    if h == k.zero:
        return _jacobian_double(k, p) if r == k.zero else (k.one, k.one, k.zero)
    hh = k.square(h)
    i = k.add(hh, hh)
    i = k.add(i, i)
    j = k.mul(h, i)
    v = k.mul(x1, i)
    x3 = k.sub(k.sub(k.square(r), j), k.add(v, v))
    y1j = k.mul(y1, j)
    y3 = k.sub(k.mul(r, k.sub(v, x3)), k.add(y1j, y1j))
    return (x3, y3, k.sub(k.sub(k.square(k.add(z1, h)), z1z1), hh))


def _affine_add(k: _Field, p: Any, q: Any) -> Any:
    if p is None:
        return q
    if q is None:
        return p
    return _to_affine(k, _jacobian_add_affine(k, (p[0], p[1], k.one), q))


def _to_affine(k: _Field, p: Any) -> Any:
    x, y, z = p
    if z == k.zero:
        return None
    z_inv = k.inv(z)
    z2 = k.square(z_inv)
    return (k.mul(x, z2), k.mul(y, k.mul(z2, z_inv)))


def _multiply(k: _Field, p: Any, scalar: int) -> Any:
    """[scalar]p by double-and-add in Jacobian coordinates, one inversion at the end."""
    if p is None or scalar == 0:
        return None
    acc = (k.one, k.one, k.zero)
    for bit in bin(scalar)[2:]:
        acc = _jacobian_double(k, acc)
        if bit == "1":
            acc = _jacobian_add_affine(k, acc, p)
    return _to_affine(k, acc)


def g1_add(p: Any, q: Any) -> Any:
    return _affine_add(_FQ, p, q)


def g1_mul(p: Any, scalar: int) -> Any:
    return _multiply(_FQ, p, scalar)


def g2_add(p: Any, q: Any) -> Any:
    return _affine_add(_FQ2, p, q)


def g2_mul(p: Any, scalar: int) -> Any:
    return _multiply(_FQ2, p, scalar)


_PSI_X = f2_pow(XI, (Q - 1) // 3)
_PSI_Y = f2_pow(XI, (Q - 1) // 2)


def _psi(p: Any) -> Any:
    """The untwist-Frobenius-twist endomorphism: multiplication by q on G2."""
    return None if p is None else (f2_mul(f2_conj(p[0]), _PSI_X), f2_mul(f2_conj(p[1]), _PSI_Y))


def g2_in_subgroup(p: Any) -> bool:
    """[r]P = 0 for a twist point, by [x₀+1]P + ψ([x₀]P) + ψ²([x₀]P) = ψ³([2x₀]P) (ePrint 2022/348)."""
    xp = g2_mul(p, BN_X)
    psi1 = _psi(xp)
    psi2 = _psi(psi1)
    lhs = g2_add(g2_add(g2_add(xp, p), psi1), psi2)
    rhs = _psi(psi2)
    return g2_add(rhs, rhs) == lhs


# --- the pairing ---------------------------------------------------------------------------


def _naf(k: int) -> list[int]:
    digits = []
    while k:
        d = (2 - k % 4) if k % 2 else 0
        digits.append(d)
        k = (k - d) // 2
    return digits


_LOOP_DIGITS = _naf(6 * BN_X + 2)[::-1][1:]
_TWO_INV = (Q + 1) // 2
_THREE_B = f2_scale(TWIST_B, 3)
_FROB1 = (f2_pow(XI, (Q - 1) // 3), f2_pow(XI, (Q - 1) // 2))
_FROB2 = (f2_pow(XI, (Q**2 - 1) // 3), f2_pow(XI, (Q**2 - 1) // 2))

Line = tuple[Fq2, Fq2, Fq2]
Projective = tuple[Fq2, Fq2, Fq2]


def _doubling(r: Projective) -> tuple[Projective, Line]:
    x, y, z = r
    a = f2_scale(f2_mul(x, y), _TWO_INV)
    b, c = f2_square(y), f2_square(z)
    e = f2_mul(c, _THREE_B)
    f = f2_scale(e, 3)
    g = f2_scale(f2_add(b, f), _TWO_INV)
    h = f2_sub(f2_square(f2_add(y, z)), f2_add(b, c))
    doubled = (f2_mul(a, f2_sub(b, f)), f2_sub(f2_square(g), f2_scale(f2_square(e), 3)), f2_mul(b, h))
    return doubled, (f2_neg(h), f2_scale(f2_square(x), 3), f2_sub(e, b))


def _addition(r: Projective, qx: Fq2, qy: Fq2) -> tuple[Projective, Line]:
    x, y, z = r
    theta = f2_sub(y, f2_mul(qy, z))
    lam = f2_sub(x, f2_mul(qx, z))
    c, d = f2_square(theta), f2_square(lam)
    e = f2_mul(lam, d)
    f, g = f2_mul(z, c), f2_mul(x, d)
    h = f2_sub(f2_add(e, f), f2_scale(g, 2))
    added = (f2_mul(lam, h), f2_sub(f2_mul(theta, f2_sub(g, h)), f2_mul(e, y)), f2_mul(z, e))
    return added, (lam, f2_neg(theta), f2_sub(f2_mul(theta, qx), f2_mul(lam, qy)))


def _ell(f: Fq12, line: Line, p: tuple[int, int]) -> Fq12:
    return f12_mul_034(f, f2_scale(line[0], p[1]), f2_scale(line[1], p[0]), line[2])


def miller_loop(pairs: Sequence[tuple[Any, Any]]) -> Fq12:
    """Π f_{P,Q}: the product of the pairs' Miller functions (pairs with a point at infinity skipped)."""
    active = [(p, q) for p, q in pairs if p is not None and q is not None]
    state = [(q[0], q[1], F2_ONE) for _, q in active]
    f = F12_ONE
    for step, digit in enumerate(_LOOP_DIGITS):
        if step:
            f = f12_square(f)
        for i, (p, q) in enumerate(active):
            state[i], line = _doubling(state[i])
            f = _ell(f, line, p)
            if digit:
                state[i], line = _addition(state[i], q[0], q[1] if digit > 0 else f2_neg(q[1]))
                f = _ell(f, line, p)
    for i, (p, q) in enumerate(active):
        q1 = (f2_mul(f2_conj(q[0]), _FROB1[0]), f2_mul(f2_conj(q[1]), _FROB1[1]))
        q2 = (f2_mul(q[0], _FROB2[0]), f2_neg(f2_mul(q[1], _FROB2[1])))
        state[i], line = _addition(state[i], *q1)
        f = _ell(f, line, p)
        state[i], line = _addition(state[i], *q2)
        f = _ell(f, line, p)
    return f


def final_exponentiation(f: Fq12) -> Fq12:
    """f^((q¹² − 1)/r): easy part, then the hard part's chain in x (as the compiled kernel)."""
    f = f12_mul(f12_conj(f), f12_inv(f))
    f = f12_mul(f12_frobenius(f, 2), f)
    fx = f12_cyclotomic_pow(f, BN_X)
    fx2 = f12_cyclotomic_pow(fx, BN_X)
    fx3 = f12_cyclotomic_pow(fx2, BN_X)
    y0 = f12_mul(f12_mul(f12_frobenius(f, 1), f12_frobenius(f, 2)), f12_frobenius(f, 3))
    y1 = f12_conj(f)
    y2 = f12_frobenius(fx2, 2)
    y3 = f12_conj(f12_frobenius(fx, 1))
    y4 = f12_conj(f12_mul(fx, f12_frobenius(fx2, 1)))
    y5 = f12_conj(fx2)
    y6 = f12_conj(f12_mul(fx3, f12_frobenius(fx3, 1)))
    t0 = f12_mul(f12_mul(f12_cyclotomic_square(y6), y4), y5)
    t1 = f12_mul(f12_mul(y3, y5), t0)
    t0 = f12_mul(t0, y2)
    t1 = f12_cyclotomic_square(f12_mul(f12_cyclotomic_square(t1), t0))
    t0 = f12_mul(t1, y1)
    t1 = f12_mul(t1, y0)
    return f12_mul(f12_cyclotomic_square(t0), t1)


def pairing_product_is_one(pairs: Sequence[tuple[Any, Any]]) -> bool:
    """Π e(P_i, Q_i) == 1 for G1 points P_i and G2 points Q_i (affine, None = infinity)."""
    return final_exponentiation(miller_loop(pairs)) == F12_ONE
