"""Subgroup membership: G2's ψ-based test against py_ecc's multiplication by r."""

from __future__ import annotations

import pytest
from curve_helpers import R
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import plain
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.errors import CurveError


def order_divides_r(p) -> bool:  # type: ignore[no-untyped-def]
    """py_ecc twin: [r]P = 0."""
    if p is None:
        return True
    return bool(ob.is_inf(ob.multiply((ob.FQ2(list(p[0])), ob.FQ2(list(p[1])), ob.FQ2.one()), R)))


def test_g2_subgroup_check_matches_multiplication_by_r() -> None:
    outside = [plain.random_twist_point() for _ in range(3)]
    inside = G2Points.random(2).to_ints()
    candidates = outside + inside + [None]
    points = plain.unchecked_points(G2Points, candidates)
    assert points.is_on_curve().all()
    expected = [order_divides_r(p) for p in candidates]
    assert expected == [False, False, False, True, True, True]
    assert points.is_in_subgroup().tolist() == expected
    with pytest.raises(CurveError, match="G2 point 0 is not in the subgroup of order r"):
        points.validate()


def test_cleared_twist_points_are_in_g2() -> None:
    """A twist point times the cofactor 2q − r lands in G2; times r it does not vanish."""
    p = plain.random_twist_point()
    cleared = plain.multiply(plain.G2, p, 2 * plain.Q - R)
    points = plain.unchecked_points(G2Points, [cleared, p])
    assert points.is_in_subgroup().tolist() == [True, False]
    assert order_divides_r(cleared)


def test_off_curve_points_are_not_in_the_subgroup() -> None:
    g = G2Points.generator().to_ints()[0]
    off = plain.unchecked_points(G2Points, [(g[0], g[0])])
    assert not off.is_in_subgroup().any()


def test_g1_on_curve_means_in_subgroup() -> None:
    """G1 has cofactor 1: every curve point has order r."""
    x = 5
    while True:
        y = plain.fq_sqrt((x**3 + 3) % plain.Q)
        if y is not None:
            break
        x += 1
    p = plain.unchecked_points(G1Points, [(x, y)])
    assert p.is_on_curve().all() and p.is_in_subgroup().all()
    assert plain.multiply(plain.G1, (x, y), R) is None
