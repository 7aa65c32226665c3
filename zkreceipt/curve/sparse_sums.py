"""Sparse point combinations: many short sums Σ kᵢ·Pᵢ, one per segment.

Phase-2 setup (``zkey new``) builds each wire's key point as Σ_rows coef·L_row(τ)·G
over the few constraints the wire appears in: thousands of tiny MSMs whose
coefficients are mostly ±1 or small. :func:`sparse_sums` does them all in one
parallel kernel pass (``_sparse_kernels``): each scalar k is replaced by the smaller
of k and r − k (negating the point for the latter), so ±1 costs one addition and a
64-bit coefficient 64 doublings. :func:`sparse_sums_plain` is the plain twin
(Python ints and ``curve.plain``), for the cross-check test.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from ..errors import CurveError
from ..field import FieldVector, Fr
from ..field.parallel import parallel_for
from . import plain
from ._sparse_kernels import segment_scaled_sums
from .g1 import G1Points
from .g2 import G2Points

P = TypeVar("P", G1Points, G2Points)

#: (r − 1)/2 as 4 little-endian words: scalars above it are taken as −(r − k).
_HALF_WORDS = np.array([(((Fr.modulus - 1) // 2) >> (64 * i)) & (2**64 - 1) for i in range(4)], dtype=np.uint64)


def _above_half(words: np.ndarray) -> np.ndarray:
    """Bool (m,): each row of (m, 4) little-endian words is > (r − 1)/2."""
    greater = np.zeros(words.shape[0], dtype=bool)
    equal = np.ones(words.shape[0], dtype=bool)
    for limb in range(3, -1, -1):
        column = words[:, limb]
        greater |= equal & (column > _HALF_WORDS[limb])
        equal &= column == _HALF_WORDS[limb]
    return greater


def segment_starts(segments: np.ndarray, n_segments: int) -> tuple[np.ndarray, np.ndarray]:
    """The stable order that groups ``segments`` ((m,) ints in [0, n_segments)) and the
    (n_segments + 1,) offsets of each group in that order."""
    segments = np.asarray(segments, dtype=np.int64)
    if segments.size and (segments.min() < 0 or segments.max() >= n_segments):
        raise CurveError(f"sparse sums: a segment index is outside [0, {n_segments})")
    order = np.argsort(segments, kind="stable")
    starts = np.searchsorted(segments[order], np.arange(n_segments + 1), side="left").astype(np.int64)
    return order, starts


def sparse_sums(points: P, scalars: FieldVector, segments: np.ndarray, n_segments: int) -> P:
    """out[s] = Σ_{i : segments[i] = s} scalars[i]·points[i] for s < n_segments.

    ``points``: m affine points; ``scalars``: Fr vector of length m; ``segments``:
    (m,) int segment of each term. Empty segments give the point at infinity.
    """
    m = len(points)
    if len(scalars) != m or len(segments) != m:
        raise CurveError(f"sparse sums: {m} points, {len(scalars)} scalars, {len(segments)} segment ids")
    order, starts = segment_starts(segments, n_segments)
    words = scalars.to_standard_words()
    negate = _above_half(words)
    reduced = np.where(negate[:, None], (-scalars).to_standard_words(), words)
    cls = type(points)
    out = np.empty(cls.spec.jacobian_shape(n_segments), dtype=np.uint64)
    parallel_for(
        segment_scaled_sums,
        n_segments,
        np.ascontiguousarray(points.xy[order]),
        np.ascontiguousarray(reduced[order]),
        negate[order],
        starts,
        out,
    )
    return cls._from_jacobian(out)


def sparse_sums_plain(points: P, scalars: list[int], segments: list[int], n_segments: int) -> list[Any]:
    """Plain twin of :func:`sparse_sums`: plain affine points (``None`` = infinity), one
    double-and-add per term with Python ints."""
    curve = plain.curve_of(points)
    sums = [plain.infinity(curve) for _ in range(n_segments)]
    for point, k, s in zip(points.to_ints(), scalars, segments, strict=True):
        if point is None:
            continue
        term = plain.from_affine(curve, plain.multiply(curve, point, k % Fr.modulus))
        sums[s] = plain.add(curve, sums[s], term)
    return [plain.to_affine(curve, p) for p in sums]
