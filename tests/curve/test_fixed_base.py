"""Fixed-base tables: contents, MSMs against the twins, persistence and validation on load."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from curve_helpers import GROUPS, Group, R, group_id, known_log_points, random_scalars

from zkreceipt.curve import plain
from zkreceipt.curve.fixed_base import FixedBaseTable, default_window
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.curve.pippenger import msm, window_count
from zkreceipt.errors import CurveError, FormatError
from zkreceipt.field import Fr

by_group = pytest.mark.parametrize("group", GROUPS, ids=group_id)


@by_group
def test_table_rows_are_shifted_bases(group: Group) -> None:
    points = group.cls.concatenate([group.cls.random(3), group.cls.infinity(1)])
    table = FixedBaseTable.build(points, window=9)
    assert table.windows == window_count(9) == 29
    assert table.table.shape == group.cls.spec.affine_shape(29 * 4)
    rows = group.cls(table.table)
    for w in (0, 1, 28):
        for i in range(4):
            expected = plain.multiply(group.curve, points.to_ints()[i], 1 << (9 * w)) if i < 3 else None
            assert rows[w * 4 + i].to_ints()[0] == expected


@by_group
@pytest.mark.parametrize("window", [1, 4, 10, 15])
def test_fixed_base_msm_matches_oracle(group: Group, window: int) -> None:
    n = 40
    logs = random_scalars(n)
    logs[5] = 0  # a base at infinity
    logs[6] = logs[7]  # a repeated base
    bases = known_log_points(group, logs)
    table = FixedBaseTable.build(bases.points, window=window)
    scalar_lists = [random_scalars(n), [R - 1] * n, [0] * n, [3] * n]
    got = table.msm_many([Fr.from_ints(s) for s in scalar_lists])
    assert got.to_ints() == [bases.expected_msm(group, s) for s in scalar_lists]
    assert (table.msm(scalar_lists[0]) == got[0]).all()


def test_fixed_base_matches_plain_pippenger_at_a_few_thousand() -> None:
    n = 2000
    points = G1Points.random(n)
    scalars = random_scalars(n)
    table = FixedBaseTable.build(points)
    got = table.msm(Fr.from_ints(scalars))
    assert got.to_ints()[0] == plain.pippenger_msm(plain.G1, points.to_ints(), scalars)
    assert (got == msm(points, Fr.from_ints(scalars))).all()


@by_group
def test_empty_inputs(group: Group) -> None:
    table = FixedBaseTable.build(group.cls.infinity(0))
    assert table.msm(Fr.random(0)).is_infinity().all()
    assert len(FixedBaseTable.build(group.cls.random(2), window=3).msm_many([])) == 0


def test_default_window_respects_the_memory_cap() -> None:
    n = 1 << 12
    unlimited = default_window(n, 64, max_bytes=1 << 40)
    capped = default_window(n, 64, max_bytes=4 << 20)
    assert window_count(capped) * n * 64 <= 4 << 20
    assert capped > unlimited
    with pytest.raises(CurveError, match="needs at least"):
        default_window(n, 64, max_bytes=1 << 20)
    with pytest.raises(CurveError, match="needs at least"):
        FixedBaseTable.build(G1Points.random(300), max_bytes=1000)


@pytest.fixture()
def saved(tmp_path: Path) -> tuple[Path, G2Points, FixedBaseTable]:  # type: ignore[type-arg]
    points = G2Points.random(5)
    table = FixedBaseTable.build(points, window=6)
    path = tmp_path / "key.g2table.npz"
    table.save(path)
    return path, points, table


def test_save_load_round_trip(saved) -> None:  # type: ignore[no-untyped-def]
    path, points, table = saved
    loaded = FixedBaseTable.load(path, points)
    assert loaded.window == 6 and loaded.count == 5 and loaded.group is G2Points
    assert np.array_equal(loaded.table, table.table)
    scalars = Fr.random(5)
    assert (loaded.msm(scalars) == msm(points, scalars)).all()


def test_load_rejects_other_bases_and_group(saved) -> None:  # type: ignore[no-untyped-def]
    path, points, _ = saved
    with pytest.raises(FormatError, match="built from different bases"):
        FixedBaseTable.load(path, G2Points.random(5))
    with pytest.raises(FormatError, match="count is 5, expected 4"):
        FixedBaseTable.load(path, points[:4])
    with pytest.raises(FormatError, match="group is 'G2', expected 'G1'"):
        FixedBaseTable.load(path, G1Points.random(5))


def rewrite(path: Path, table: np.ndarray | None = None, meta_changes: dict | None = None) -> None:  # type: ignore[type-arg]
    with zipfile.ZipFile(path) as archive, archive.open("meta.npy") as f:
        meta = json.loads(str(np.lib.format.read_array(f)))
    with np.load(path) as data:
        stored = data["table"]
    meta.update(meta_changes or {})
    with open(path, "wb") as f:
        np.savez(f, table=stored if table is None else table, meta=np.array(json.dumps(meta)))


def test_load_rejects_tampered_tables(saved) -> None:  # type: ignore[no-untyped-def]
    path, points, table = saved
    tampered = table.table.copy()
    tampered[7] = table.table[8]
    rewrite(path, tampered)
    with pytest.raises(FormatError, match="table_sha256"):
        FixedBaseTable.load(path, points)
    # A consistent digest over wrong rows: the spot checks and the curve check catch it.
    import hashlib

    swapped = table.table[::-1].copy()
    rewrite(path, swapped, {"table_sha256": hashlib.sha256(swapped.tobytes()).hexdigest()})
    for _ in range(5):  # each load spot-checks random rows; all rows are wrong here
        with pytest.raises(FormatError, match="is not 2\\^"):
            FixedBaseTable.load(path, points)
    off_curve = table.table.copy()
    off_curve[3, 1] = off_curve[3, 0]
    rewrite(path, off_curve, {"table_sha256": hashlib.sha256(off_curve.tobytes()).hexdigest()})
    with pytest.raises(FormatError, match="table point 3 is not on the curve"):
        FixedBaseTable.load(path, points)


def test_load_rejects_wrong_shapes_and_sizes(saved) -> None:  # type: ignore[no-untyped-def]
    path, points, table = saved
    rewrite(path, table.table[:10])
    with pytest.raises(FormatError, match="table is .* bytes, expected"):
        FixedBaseTable.load(path, points)
    rewrite(path, table.table[:-1])  # within the header's slack: the shape check catches it
    with pytest.raises(FormatError, match="expected uint64"):
        FixedBaseTable.load(path, points)
    rewrite(path, table.table.reshape(-1, 4))
    with pytest.raises(FormatError, match="expected uint64"):
        FixedBaseTable.load(path, points)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "other"}, "format is 'other'"),
        ({"version": 2}, "version is 2"),
        ({"window": 99}, "window must be"),
        ({"window": 7}, "table is .* bytes"),
    ],
)
def test_load_rejects_bad_metadata(saved, changes: dict, message: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    path, points, _ = saved
    rewrite(path, meta_changes=changes)
    with pytest.raises(FormatError, match=message):
        FixedBaseTable.load(path, points)


def test_load_rejects_non_table_files(tmp_path: Path) -> None:
    points = G1Points.random(2)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file")
    with pytest.raises(FormatError, match="not a fixed-base table file"):
        FixedBaseTable.load(garbage, points)
    with pytest.raises(FormatError, match="not a fixed-base table file"):
        FixedBaseTable.load(tmp_path / "missing.npz", points)
    other = tmp_path / "other.npz"
    np.savez(other, something=np.zeros(3))
    with pytest.raises(FormatError, match="not a fixed-base table file"):
        FixedBaseTable.load(other, points)
