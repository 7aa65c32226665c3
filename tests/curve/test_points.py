"""Point-vector operations cross-checked against py_ecc (random and edge inputs)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from curve_helpers import (
    GROUPS,
    Group,
    R,
    edge_scalars,
    group_id,
    py_ecc_equal,
    random_scalars,
)
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import _group_kernels as gk
from zkreceipt.curve import plain
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.errors import CurveError
from zkreceipt.field import FieldVector, Fq, Fr

pytestmark = pytest.mark.parametrize("group", GROUPS, ids=group_id)


def sample(group: Group, n: int = 6):  # type: ignore[no-untyped-def]
    """Random points, with py_ecc's versions."""
    points = group.cls.random(n)
    return points, plain.to_py_ecc(points)


def all_equal(ours, theirs) -> bool:  # type: ignore[no-untyped-def]
    converted = plain.to_py_ecc(ours)
    return len(converted) == len(theirs) and all(py_ecc_equal(a, b) for a, b in zip(converted, theirs))


def test_generator_matches_py_ecc(group: Group) -> None:
    g = group.cls.generator()
    assert len(g) == 1
    assert all_equal(g, [group.py_ecc_generator])
    assert g.is_on_curve().all() and g.is_in_subgroup().all()


def test_scalar_mul_each_point_matches_py_ecc(group: Group) -> None:
    points, ref = sample(group, len(edge_scalars()) + 4)
    scalars = edge_scalars() + random_scalars(4)
    got = points * Fr.from_ints(scalars)
    assert all_equal(got, [ob.multiply(p, k) for p, k in zip(ref, scalars)])
    assert got.is_infinity()[0] and not got.is_infinity()[1:].any()


@pytest.mark.parametrize("count", [3, 40, 1100])  # scalar_mul, comb width 4, comb width 8
def test_one_point_times_many_scalars(group: Group, count: int) -> None:
    scalars = edge_scalars() + random_scalars(count - len(edge_scalars())) if count > 7 else [0, 1, R - 1]
    got = group.cls.generator() * Fr.from_ints(scalars)
    assert len(got) == len(scalars)
    picks = list(range(7)) + [len(scalars) - 1] if count > 7 else [0, 1, 2]
    for i in picks:
        assert got[i].to_ints()[0] == plain.multiply(group.curve, group.curve.generator, scalars[i])


def test_many_points_times_one_scalar(group: Group) -> None:
    points, ref = sample(group, 4)
    k = random_scalars(1)[0]
    assert all_equal(points * k, [ob.multiply(p, k) for p in ref])
    assert all_equal(k * points, [ob.multiply(p, k) for p in ref])
    assert (points * Fr.from_int(k) == points * k).all()


def test_ints_are_taken_mod_r(group: Group) -> None:
    p = group.cls.generator()
    assert (p * (R + 5) == p * 5).all()
    assert (p * -1 == -p).all()


def test_add_sub_neg_double_match_py_ecc(group: Group) -> None:
    a, ra = sample(group)
    b, rb = sample(group)
    assert all_equal(a + b, [ob.add(x, y) for x, y in zip(ra, rb)])
    assert all_equal(a - b, [ob.add(x, ob.neg(y)) for x, y in zip(ra, rb)])
    assert all_equal(-a, [ob.neg(x) for x in ra])
    assert all_equal(a.double(), [ob.double(x) for x in ra])


def test_add_edge_cases(group: Group) -> None:
    p, rp = sample(group, 3)
    inf = group.cls.infinity(3)
    assert (p + p == p.double()).all()  # P + P through the addition path
    assert all_equal(p + p, [ob.double(x) for x in rp])
    assert (p + (-p)).is_infinity().all()
    assert (p + inf == p).all() and (inf + p == p).all()
    assert (inf + inf).is_infinity().all()
    assert (inf.double()).is_infinity().all() and (-inf).is_infinity().all()
    mixed = group.cls.concatenate([p[0], p[1], inf[0], p[2]])
    other = group.cls.concatenate([-p[0], p[1], p[1], inf[0]])
    got = mixed + other
    assert got.is_infinity()[0]
    assert (got[1] == p[1].double()).all() and (got[2] == p[1]).all() and (got[3] == p[2]).all()


def test_length_one_broadcasts(group: Group) -> None:
    p, rp = sample(group, 4)
    g = group.cls.generator()
    assert all_equal(p + g, [ob.add(x, group.py_ecc_generator) for x in rp])
    assert all_equal(g + p, [ob.add(x, group.py_ecc_generator) for x in rp])
    assert (p == g).shape == (4,)


def test_sum_matches_py_ecc(group: Group) -> None:
    p, rp = sample(group, 5)
    assert all_equal(p.sum(), [functools.reduce(ob.add, rp)])
    q = p[0]
    assert (group.cls.concatenate([q, q]).sum() == q.double()).all()  # Jacobian P + P
    assert group.cls.concatenate([q, -q]).sum().is_infinity().all()  # Jacobian P + (−P)
    assert group.cls.infinity(0).sum().is_infinity().all()


def scaled_jacobian(points, scale: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Jacobian coordinates (λ²x, λ³y, λ) of affine points: a representation with Z ≠ 1."""
    jac = np.empty(points.spec.jacobian_shape(len(points)), dtype=np.uint64)
    gk.from_affine(np.ascontiguousarray(points.xy), jac)
    components = jac.reshape(len(points), 3, -1, 4)
    for coordinate, power in ((0, 2), (1, 3), (2, 1)):
        block = FieldVector(Fq, np.ascontiguousarray(components[:, coordinate].reshape(-1, 4)))
        scaled = block * Fq.from_int(pow(scale, power, Fq.modulus))
        components[:, coordinate] = scaled.limbs.reshape(components[:, coordinate].shape)
    return jac


def test_jacobian_kernels_match_py_ecc(group: Group) -> None:
    """add / mixed add / double on Jacobian inputs with Z ≠ 1, including every exceptional case."""
    p, rp = sample(group, 4)
    inf = group.cls.infinity(1)
    a = group.cls.concatenate([p[0], p[1], p[2], inf, p[3], inf])
    b = group.cls.concatenate([p[1], p[1], -p[2], p[0], inf, inf])
    expected = [ob.add(rp[0], rp[1]), ob.double(rp[1]), None, rp[0], rp[3], None]
    out = np.empty(group.cls.spec.jacobian_shape(len(a)), dtype=np.uint64)
    for kernel, rhs in ((gk.jacobian_add, scaled_jacobian(b, 7)), (gk.jacobian_madd, b.xy)):
        kernel(scaled_jacobian(a, 5), rhs, out)
        got = group.cls._from_jacobian(out)
        assert got.is_infinity().tolist() == [e is None for e in expected]
        assert all_equal(got[[0, 1, 3, 4]], [expected[i] for i in (0, 1, 3, 4)])
    gk.jacobian_double(scaled_jacobian(a, 3), out)
    assert (group.cls._from_jacobian(out) == a.double()).all()


def test_equality_and_infinity_flags(group: Group) -> None:
    p, _ = sample(group, 3)
    q = p.copy()
    assert (p == q).all() and not (p != q).any()
    assert not (p == p.double()).any()
    assert group.cls.infinity(2).is_infinity().all()
    assert not p.is_infinity().any()


def test_container_protocol(group: Group) -> None:
    p, _ = sample(group, 5)
    assert len(p) == 5 and len(p[1:3]) == 2 and len(p[-1]) == 1
    assert (p[-1] == p[4]).all()
    assert (p[np.array([0, 2])] == group.cls.concatenate([p[0], p[2]])).all()
    assert len(list(p)) == 5
    assert len(group.cls.concatenate([])) == 0
    with pytest.raises(IndexError):
        p[5]
    assert "n=5" in repr(p)


def test_random_points_are_distinct_and_in_the_group(group: Group) -> None:
    p = group.cls.random(20)
    assert p.is_on_curve().all() and p.is_in_subgroup().all()
    assert len({str(x) for x in p.to_ints()}) == 20
    assert not p.is_infinity().any()


def test_on_curve_rejects_modified_points(group: Group) -> None:
    good = group.cls.random(2).to_ints()
    bad = plain.unchecked_points(group.cls, [(good[0][0], good[0][0]), good[1]])  # y := x
    assert bad.is_on_curve().tolist() == [False, True]
    with pytest.raises(CurveError, match="point 0 is not on the curve"):
        bad.validate()


def test_misuse_raises(group: Group) -> None:
    p, _ = sample(group, 3)
    other = G2Points.generator() if group.cls is G1Points else G1Points.generator()
    with pytest.raises(CurveError, match="expected"):
        p + other  # type: ignore[operator]
    with pytest.raises(CurveError, match="lengths differ"):
        p + p[:2]
    with pytest.raises(CurveError, match="do not match"):
        p * Fr.random(2)
    with pytest.raises(CurveError, match="in Fr"):
        p * Fq.random(3)
    with pytest.raises(CurveError, match="not an int"):
        p * [1, 2.0, 3]
    with pytest.raises(CurveError, match="uint64 array"):
        group.cls(np.zeros((2, 3), dtype=np.uint64))
