"""``sparse_sums`` (the compiled per-segment Σ kᵢ·Pᵢ of phase-2 setup) against its plain twin."""

from __future__ import annotations

import numpy as np
import pytest

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.curve.sparse_sums import sparse_sums, sparse_sums_plain
from zkreceipt.errors import CurveError
from zkreceipt.field import Fr

R = Fr.modulus
#: Edge scalars: 0, ±1 (one addition), ±2, just either side of (r−1)/2 (where the
#: kernel switches to −(r − k)), a 64-bit and a 65-bit value.
EDGE_SCALARS = [0, 1, R - 1, 2, R - 2, (R - 1) // 2, (R + 1) // 2, 2**64 - 1, 2**64 + 3]


@pytest.mark.parametrize("cls", [G1Points, G2Points])
def test_matches_plain_twin_on_edge_and_random_scalars(cls: type[G1Points | G2Points]) -> None:
    rng = np.random.default_rng(7)
    m, n_segments = 24, 6  # segment 5 stays empty: its sum is infinity
    points = cls.random(m)
    scalars = EDGE_SCALARS + [int(v) for v in Fr.random(m - len(EDGE_SCALARS)).to_ints()]
    segments = [int(s) for s in rng.integers(0, n_segments - 1, size=m)]
    fast = sparse_sums(points, Fr.from_ints(scalars), np.array(segments), n_segments)
    assert fast.to_ints() == sparse_sums_plain(points, scalars, segments, n_segments)
    assert fast.to_ints()[n_segments - 1] is None


def test_infinity_points_and_cancellation() -> None:
    """P + (−1)·P cancels to infinity; a point at infinity contributes nothing."""
    p = G1Points.random(1)
    points = G1Points.concatenate([p, p, G1Points.infinity(1), p])
    scalars = [1, R - 1, 5, 3]
    out = sparse_sums(points, Fr.from_ints(scalars), np.array([0, 0, 1, 1]), 2)
    assert out.to_ints() == sparse_sums_plain(points, scalars, [0, 0, 1, 1], 2)
    assert out.to_ints()[0] is None
    assert (out[1] == p * 3).all()


def test_unsorted_segments_equal_per_segment_sums() -> None:
    points = G1Points.random(10)
    scalars = Fr.random(10)
    segments = np.array([3, 0, 3, 1, 0, 2, 3, 1, 0, 2])
    out = sparse_sums(points, scalars, segments, 4)
    for s in range(4):
        sel = np.flatnonzero(segments == s)
        assert (out[s] == (points[sel] * scalars[sel]).sum()).all()


def test_bad_arguments_raise_curve_error() -> None:
    points = G1Points.random(3)
    with pytest.raises(CurveError, match="segment index"):
        sparse_sums(points, Fr.ones(3), np.array([0, 1, 2]), 2)
    with pytest.raises(CurveError, match="3 points, 2 scalars"):
        sparse_sums(points, Fr.ones(2), np.array([0, 0, 0]), 1)
