"""Fixed-base table subsets and short-scalar multiplication, against their plain twins."""

from __future__ import annotations

import secrets

import numpy as np
import pytest
from curve_helpers import (
    GROUPS,
    Group,
    R,
    edge_scalars,
    group_id,
    known_log_points,
    random_scalars,
)

from zkreceipt.curve import plain
from zkreceipt.curve.fixed_base import FixedBaseTable, bases_digest
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.pippenger import mul_short_scalars
from zkreceipt.errors import CurveError
from zkreceipt.field import Fr

by_group = pytest.mark.parametrize("group", GROUPS, ids=group_id)


@by_group
def test_subset_table_is_the_table_of_the_subset(group: Group) -> None:
    n = 30
    logs = random_scalars(n)
    logs[4] = 0  # a base at infinity
    bases = known_log_points(group, logs)
    table = FixedBaseTable.build(bases.points, window=7)
    columns = np.array([29, 4, 0, 17, 17, 3])  # unordered, repeated, the infinity base
    sub = table.subset(columns)
    rebuilt = FixedBaseTable.build(bases.points[columns], window=7)
    assert sub.count == len(columns) and sub.window == 7
    assert np.array_equal(sub.table, rebuilt.table)
    assert sub.digest == bases_digest(bases.points[columns])
    scalar_lists = [random_scalars(len(columns)), [R - 1] * len(columns), edge_scalars()[: len(columns)]]
    got = sub.msm_many([Fr.from_ints(s) for s in scalar_lists])
    sub_logs = [logs[i] for i in columns]
    for point, scalars in zip(got.to_ints(), scalar_lists, strict=True):
        exponent = sum(k * a for k, a in zip(scalars, sub_logs, strict=True)) % R
        assert point == plain.multiply(group.curve, group.curve.generator, exponent)


def test_empty_and_out_of_range_subsets() -> None:
    table = FixedBaseTable.build(G1Points.random(5), window=6)
    empty = table.subset(np.array([], dtype=np.int64))
    assert empty.count == 0 and empty.msm_many([Fr.zeros(0), Fr.zeros(0)]).is_infinity().all()
    for bad in ([5], [-1]):
        with pytest.raises(CurveError, match=r"table columns must lie in \[0, 5\)"):
            table.subset(np.array(bad))


@by_group
def test_short_scalar_multiplication_matches_the_full_one(group: Group) -> None:
    bits = 128
    scalars = [0, 1, 2, (1 << bits) - 1, 1 << (bits - 1)] + [secrets.randbits(bits) for _ in range(11)]
    points = group.cls.concatenate([group.cls.random(len(scalars) - 1), group.cls.infinity(1)])
    got = mul_short_scalars(points, Fr.from_ints(scalars), bits)
    assert (got == points * Fr.from_ints(scalars)).all()
    first = points.to_ints()[3]
    assert got.to_ints()[3] == plain.multiply(group.curve, first, scalars[3])


def test_short_scalar_multiplication_refuses_long_scalars() -> None:
    points = G1Points.random(3)
    with pytest.raises(CurveError, match="more than 128 bits"):
        mul_short_scalars(points, Fr.from_ints([1, 1 << 128, 5]), 128)
    with pytest.raises(CurveError, match="more than 64 bits"):
        mul_short_scalars(points, Fr.from_ints([1, 2, (1 << 64) + 1]), 64)
    with pytest.raises(CurveError, match="do not match"):
        mul_short_scalars(points, Fr.from_ints([1, 2]), 128)
    for bits in (0, 255, True, 12.0):
        with pytest.raises(CurveError, match="bits must be an int"):
            mul_short_scalars(points, Fr.from_ints([1, 2, 3]), bits)  # type: ignore[arg-type]
    assert (mul_short_scalars(points, Fr.from_ints([R - 1] * 3), 254) == -points).all()


def test_saved_tables_are_private_and_replaced_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    points = G1Points.random(4)
    path = tmp_path / "a_query.table.npz"
    FixedBaseTable.build(points, window=5).save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    FixedBaseTable.build(points, window=6).save(path)  # overwrite in place
    assert FixedBaseTable.load(path, points).window == 6
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
