"""Plain twins of the curve core: Python ints and py_ecc, one point at a time.

Slow and obviously correct. Tests cross-check the compiled kernels against these,
benchmarks quote speed-ups over :func:`pippenger_msm`.

Plain affine points: G1 ``(x, y)``, G2 ``((x.c0, x.c1), (y.c0, y.c1))`` with
Python ints; ``None`` is the point at infinity (the form ``G1Points.to_ints()``
returns). Plain Jacobian points are ``(X, Y, Z)`` of field elements (ints for G1,
(c0, c1) pairs for G2) with Z = 0 at infinity. The formulas are generic over a
:class:`PlainCurve`, which bundles the coordinate field's operations.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

_recursion_limit = sys.getrecursionlimit()
from py_ecc import optimized_bn128 as ob  # noqa: E402

# Importing py_ecc raises the recursion limit to 100,000, past what the C stack holds:
# C-level recursion (the JSON decoder on a deeply nested file) would then segfault
# instead of raising RecursionError. Its functions recurse only ~256 deep.
sys.setrecursionlimit(_recursion_limit)

from ._params import G1_B, G1_GENERATOR, G2_B, G2_GENERATOR, Q, R, mont_words
from .points import PointVector

PV = TypeVar("PV", bound=PointVector)
Elem = Any
Jac = tuple[Any, Any, Any]


def _fq2_mul(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return ((a[0] * b[0] - a[1] * b[1]) % Q, (a[0] * b[1] + a[1] * b[0]) % Q)


def _fq2_inv(a: tuple[int, int]) -> tuple[int, int]:
    t = pow(a[0] * a[0] + a[1] * a[1], -1, Q)
    return (a[0] * t % Q, -a[1] * t % Q)


@dataclass(frozen=True)
class PlainCurve:
    """y² = x³ + b over a plain coordinate field, given by its operations."""

    name: str
    add: Callable[[Elem, Elem], Elem]
    sub: Callable[[Elem, Elem], Elem]
    mul: Callable[[Elem, Elem], Elem]
    inv: Callable[[Elem], Elem]
    zero: Elem
    one: Elem
    b: Elem
    generator: Any


G1 = PlainCurve(
    name="G1",
    add=lambda a, b: (a + b) % Q,
    sub=lambda a, b: (a - b) % Q,
    mul=lambda a, b: a * b % Q,
    inv=lambda a: pow(a, -1, Q),
    zero=0,
    one=1,
    b=G1_B,
    generator=G1_GENERATOR,
)
G2 = PlainCurve(
    name="G2",
    add=lambda a, b: ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q),
    sub=lambda a, b: ((a[0] - b[0]) % Q, (a[1] - b[1]) % Q),
    mul=_fq2_mul,
    inv=_fq2_inv,
    zero=(0, 0),
    one=(1, 0),
    b=G2_B,
    generator=G2_GENERATOR,
)


def curve_of(points: PointVector | type[PointVector]) -> PlainCurve:
    cls = points if isinstance(points, type) else type(points)
    return G1 if cls.spec.name == "G1" else G2


# --- Jacobian arithmetic (the formulas of _formulas.py, over Python ints) --------------


def infinity(c: PlainCurve) -> Jac:
    return (c.one, c.one, c.zero)


def from_affine(c: PlainCurve, p: Any) -> Jac:
    return infinity(c) if p is None else (p[0], p[1], c.one)


def to_affine(c: PlainCurve, p: Jac) -> Any:
    if p[2] == c.zero:
        return None
    zi = c.inv(p[2])
    zi2 = c.mul(zi, zi)
    return (c.mul(p[0], zi2), c.mul(p[1], c.mul(zi2, zi)))


def double(c: PlainCurve, p: Jac) -> Jac:
    mul, add, sub = c.mul, c.add, c.sub
    x, y, z = p
    a = mul(x, x)
    b = mul(y, y)
    cc = mul(b, b)
    t = add(x, b)
    d = sub(sub(mul(t, t), a), cc)
    d = add(d, d)
    e = add(add(a, a), a)
    x3 = sub(mul(e, e), add(d, d))
    c8 = add(cc, cc)
    c8 = add(c8, c8)
    c8 = add(c8, c8)
    y3 = sub(mul(e, sub(d, x3)), c8)
    yz = mul(y, z)
    return (x3, y3, add(yz, yz))


def add(c: PlainCurve, p: Jac, q: Jac) -> Jac:
    """Complete Jacobian addition (handles infinity, P + P, P + (−P))."""
    if p[2] == c.zero:
        return q
    if q[2] == c.zero:
        return p
    mul, sub = c.mul, c.sub
    z1z1 = mul(p[2], p[2])
    z2z2 = mul(q[2], q[2])
    u1 = mul(p[0], z2z2)
    u2 = mul(q[0], z1z1)
    s1 = mul(mul(p[1], q[2]), z2z2)
    s2 = mul(mul(q[1], p[2]), z1z1)
    h = sub(u2, u1)
    r = sub(s2, s1)
    if h == c.zero:
        return double(c, p) if r == c.zero else infinity(c)
    hh = mul(h, h)
    hhh = mul(h, hh)
    v = mul(u1, hh)
    x3 = sub(sub(mul(r, r), hhh), c.add(v, v))
    y3 = sub(mul(r, sub(v, x3)), mul(s1, hhh))
    return (x3, y3, mul(mul(p[2], q[2]), h))


def neg(c: PlainCurve, p: Jac) -> Jac:
    return (p[0], c.sub(c.zero, p[1]), p[2])


def multiply(c: PlainCurve, p: Any, k: int) -> Any:
    """[k]p for a plain affine p (k ≥ 0, not reduced mod r), double-and-add."""
    acc = infinity(c)
    base = from_affine(c, p)
    for bit in bin(k)[2:] if k else "":
        acc = double(c, acc)
        if bit == "1":
            acc = add(c, acc, base)
    return to_affine(c, acc)


def is_on_curve(c: PlainCurve, p: Any) -> bool:
    if p is None:
        return True
    x, y = p
    return c.mul(y, y) == c.add(c.mul(c.mul(x, x), x), c.b)


def naive_msm(c: PlainCurve, points: Sequence[Any], scalars: Sequence[int]) -> Any:
    """Σ k_i·P_i, one scalar multiplication at a time."""
    acc = infinity(c)
    for p, k in zip(points, scalars, strict=True):
        acc = add(c, acc, from_affine(c, multiply(c, p, k % R)))
    return to_affine(c, acc)


def signed_digits(k: int, c: int, windows: int) -> list[int]:
    """Base-2^c digits of k in [−2^(c−1), 2^(c−1)], least significant first."""
    digits = []
    half, full = 1 << (c - 1), 1 << c
    for _ in range(windows):
        d = k & (full - 1)
        k >>= c
        if d > half:
            d -= full
            k += 1
        digits.append(d)
    if k:
        raise ValueError("scalar does not fit in the given windows")
    return digits


def pippenger_msm(c: PlainCurve, points: Sequence[Any], scalars: Sequence[int], window: int | None = None) -> Any:
    """Σ k_i·P_i by Pippenger's bucket method with signed digits, Jacobian coordinates.

    The Python-int twin of ``curve.msm.msm`` and its benchmark baseline.
    """
    n = len(points)
    if window is None:
        window = max(2, (n.bit_length() * 2) // 3 + 1)
    windows = -(-(R.bit_length() + 1) // window)
    jac = [from_affine(c, p) for p in points]
    digit_rows = [signed_digits(k % R, window, windows) for k in scalars]
    total = infinity(c)
    for w in range(windows - 1, -1, -1):
        for _ in range(window):
            total = double(c, total)
        buckets = [infinity(c)] * (1 << (window - 1))
        for p, digits in zip(jac, digit_rows):
            d = digits[w]
            if d > 0:
                buckets[d - 1] = add(c, buckets[d - 1], p)
            elif d < 0:
                buckets[-d - 1] = add(c, buckets[-d - 1], neg(c, p))
        running = infinity(c)
        window_sum = infinity(c)
        for bucket in reversed(buckets):
            running = add(c, running, bucket)
            window_sum = add(c, window_sum, running)
        total = add(c, total, window_sum)
    return to_affine(c, total)


# --- G2 points outside the subgroup (for tests) ---------------------------------------


def fq_sqrt(a: int) -> int | None:
    root = pow(a, (Q + 1) // 4, Q)  # q ≡ 3 (mod 4)
    return root if root * root % Q == a % Q else None


def fq2_sqrt(a: tuple[int, int]) -> tuple[int, int] | None:
    """A square root in Fq2 = Fq[u]/(u² + 1), or None (complex method: norm, then halves)."""
    a0, a1 = a[0] % Q, a[1] % Q
    if a1 == 0:
        root = fq_sqrt(a0)
        if root is not None:
            return (root, 0)
        root = fq_sqrt(-a0 % Q)  # a0 = −s² ⇒ √a0 = s·u
        return None if root is None else (0, root)
    alpha = fq_sqrt((a0 * a0 + a1 * a1) % Q)
    if alpha is None:
        return None
    inv2 = pow(2, -1, Q)
    for delta in ((a0 + alpha) * inv2 % Q, (a0 - alpha) * inv2 % Q):
        x0 = fq_sqrt(delta)
        if x0:
            x1 = a1 * pow(2 * x0, -1, Q) % Q
            if _fq2_mul((x0, x1), (x0, x1)) == (a0, a1):
                return (x0, x1)
    return None


def random_twist_point() -> Any:
    """A uniformly random point of the twist E'(Fq2): almost surely outside G2 (cofactor 2q − r)."""
    while True:
        x = (secrets.randbelow(Q), secrets.randbelow(Q))
        rhs = G2.add(G2.mul(G2.mul(x, x), x), G2.b)
        y = fq2_sqrt(rhs)
        if y is not None:
            return (x, y)


# --- py_ecc conversions ---------------------------------------------------------------


def to_py_ecc(points: PointVector) -> list[Any]:
    """py_ecc.optimized_bn128 points (projective, infinity = (1, 1, 0))."""
    g1 = points.spec.name == "G1"
    out = []
    for p in points.to_ints():
        if p is None:
            out.append(ob.Z1 if g1 else ob.Z2)
        elif g1:
            out.append((ob.FQ(p[0]), ob.FQ(p[1]), ob.FQ.one()))
        else:
            out.append((ob.FQ2(list(p[0])), ob.FQ2(list(p[1])), ob.FQ2.one()))
    return out


def unchecked_points(cls: type[PV], points: Sequence[Any]) -> PV:
    """A point vector from plain affine points *without* validation (coordinates taken mod q).

    For tests that need points off the curve or outside the subgroup.
    """
    k = cls.spec.fq_per_point
    flat: list[int] = []
    for p in points:
        if p is None:
            flat.extend([0] * k)
        elif k == 2:
            flat.extend([p[0] % Q, p[1] % Q])
        else:
            flat.extend([p[0][0] % Q, p[0][1] % Q, p[1][0] % Q, p[1][1] % Q])
    return cls(mont_words(flat).reshape(cls.spec.affine_shape(len(points))))


def from_py_ecc(cls: type[PV], points: Sequence[Any]) -> PV:
    """From py_ecc points: optimized_bn128 (projective triples) or bn128 (affine pairs, None)."""
    plain: list[Any] = []
    for p in points:
        if p is None:
            plain.append(None)
            continue
        if len(p) == 3:
            if ob.is_inf(p):
                plain.append(None)
                continue
            p = ob.normalize(p)
        x, y = p
        if cls.spec.name == "G1":
            plain.append((int(x), int(y)))
        else:
            plain.append((tuple(int(v) for v in x.coeffs), tuple(int(v) for v in y.coeffs)))
    return cls.from_ints(plain)


__all__ = [
    "G1",
    "G2",
    "PlainCurve",
    "add",
    "curve_of",
    "double",
    "fq2_sqrt",
    "fq_sqrt",
    "from_affine",
    "from_py_ecc",
    "infinity",
    "is_on_curve",
    "multiply",
    "naive_msm",
    "neg",
    "pippenger_msm",
    "random_twist_point",
    "signed_digits",
    "to_affine",
    "to_py_ecc",
    "unchecked_points",
]
