"""The plain twins themselves, checked against py_ecc (they are the reference for the rest)."""

from __future__ import annotations

import functools
import secrets

import pytest
from curve_helpers import (
    GROUPS,
    Group,
    Q,
    R,
    edge_scalars,
    group_id,
    py_ecc_equal,
    random_scalars,
)
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import plain

by_group = pytest.mark.parametrize("group", GROUPS, ids=group_id)


def to_py_ecc(group: Group, p):  # type: ignore[no-untyped-def]
    if p is None:
        return ob.Z1 if group.name == "G1" else ob.Z2
    if group.name == "G1":
        return (ob.FQ(p[0]), ob.FQ(p[1]), ob.FQ.one())
    return (ob.FQ2(list(p[0])), ob.FQ2(list(p[1])), ob.FQ2.one())


def from_py_ecc(group: Group, p):  # type: ignore[no-untyped-def]
    if ob.is_inf(p):
        return None
    x, y = ob.normalize(p)
    if group.name == "G1":
        return (int(x), int(y))
    return (tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))


@by_group
def test_generator_on_curve(group: Group) -> None:
    assert plain.is_on_curve(group.curve, group.curve.generator)
    assert from_py_ecc(group, group.py_ecc_generator) == group.curve.generator


@by_group
def test_multiply_matches_py_ecc(group: Group) -> None:
    for k in edge_scalars()[:4] + random_scalars(2) + [R]:
        expected = from_py_ecc(group, ob.multiply(group.py_ecc_generator, k))
        assert plain.multiply(group.curve, group.curve.generator, k) == expected


@by_group
def test_add_and_double_match_py_ecc(group: Group) -> None:
    c = group.curve
    a = plain.multiply(c, c.generator, secrets.randbelow(R))
    b = plain.multiply(c, c.generator, secrets.randbelow(R))
    ja, jb = plain.from_affine(c, a), plain.from_affine(c, b)
    pa, pb = to_py_ecc(group, a), to_py_ecc(group, b)
    assert plain.to_affine(c, plain.add(c, ja, jb)) == from_py_ecc(group, ob.add(pa, pb))
    assert plain.to_affine(c, plain.add(c, ja, ja)) == from_py_ecc(group, ob.double(pa))
    assert plain.to_affine(c, plain.double(c, ja)) == from_py_ecc(group, ob.double(pa))
    assert plain.to_affine(c, plain.add(c, ja, plain.neg(c, ja))) is None
    assert plain.to_affine(c, plain.add(c, plain.infinity(c), jb)) == b


@by_group
@pytest.mark.parametrize("window", [1, 2, 5, None])
def test_pippenger_matches_naive_and_py_ecc(group: Group, window: int | None) -> None:
    c = group.curve
    n = 6
    points = [plain.multiply(c, c.generator, secrets.randbelow(R)) for _ in range(n - 2)] + [None, c.generator]
    scalars = [R - 1, 0, 1] + random_scalars(n - 3)
    got = plain.pippenger_msm(c, points, scalars, window)
    assert got == plain.naive_msm(c, points, scalars)
    expected = functools.reduce(ob.add, [ob.multiply(to_py_ecc(group, p), k) for p, k in zip(points, scalars)])
    assert py_ecc_equal(to_py_ecc(group, got), expected)


@pytest.mark.parametrize("c", [1, 2, 7, 16])
def test_signed_digits_reconstruct_the_scalar(c: int) -> None:
    windows = -(-255 // c)
    for k in edge_scalars() + random_scalars(5):
        digits = plain.signed_digits(k, c, windows)
        assert all(-(1 << (c - 1)) <= d <= 1 << (c - 1) for d in digits)
        assert sum(d << (c * i) for i, d in enumerate(digits)) == k


def test_square_roots() -> None:
    for _ in range(5):
        a = (secrets.randbelow(Q), secrets.randbelow(Q))
        square = plain.G2.mul(a, a)
        root = plain.fq2_sqrt(square)
        assert root is not None and plain.G2.mul(root, root) == square
    assert plain.fq2_sqrt((Q - 4, 0)) in ((0, 2), (0, Q - 2))
    non_residue = next(x for x in range(2, 100) if plain.fq_sqrt(x) is None)
    assert plain.fq_sqrt(4) in (2, Q - 2) and plain.fq_sqrt(non_residue) is None
    p = plain.random_twist_point()
    assert plain.is_on_curve(plain.G2, p)
