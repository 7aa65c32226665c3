"""Multi-scalar multiplication Σ kᵢ·Pᵢ over G1 or G2 (Pippenger, signed digits).

``msm(points, scalars)`` returns one point (a vector of length 1);
``msm_many(points, [scalars_1, …, scalars_K])`` returns K points, sharing the
digit extraction and running the K·W window tasks on all cores. For bases reused
across many MSMs (a proving key's), ``fixed_base.FixedBaseTable`` removes the
doublings and all but one bucket reduction per MSM.

Algorithm: scalars are cut into W = ⌈255/c⌉ signed base-2^c digits in
[−2^(c−1), 2^(c−1)] (2^(c−1) buckets, half of the unsigned count; 255 bits so
the last carry always fits). Each window is a task of ``_msm_kernels``: bucket
sort, bucket sums by batched affine additions (one inversion per round for all
buckets), running-sum reduction in Jacobian coordinates. Windows run in
parallel; the results are combined by Horner's rule with c doublings per window.
The window c minimizes a cost model calibrated on this machine (see
:func:`default_window`). The plain twin is ``plain.pippenger_msm`` /
``plain.naive_msm``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numba
import numpy as np

from ..errors import CurveError
from . import _msm_kernels as mk
from .points import PointVector, Scalars, scalar_words

P = TypeVar("P", bound=PointVector)

#: Scalar bits covered by the signed digits (r < 2^254, plus room for the last carry).
DIGIT_BITS = 255
MIN_WINDOW = 1
MAX_WINDOW = 24

# Cost model (relative units, measured): one point added into a bucket by the batched
# affine tree, and one bucket of the running-sum reduction (a mixed plus a Jacobian add).
_ADD_COST = 1.0
_BUCKET_COST = 2.5


def window_count(c: int) -> int:
    return -(-DIGIT_BITS // c)


def check_window(c: int) -> int:
    if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not MIN_WINDOW <= c <= MAX_WINDOW:
        raise CurveError(f"window must be an int in [{MIN_WINDOW}, {MAX_WINDOW}], got {c!r}")
    return int(c)


def default_window(n: int) -> int:
    """The window c minimizing ⌈W(c)/threads⌉·(n·add + 2^(c−1)·bucket) for n points
    (windows run in parallel, so a window count the threads divide evenly pays)."""
    threads = numba.get_num_threads()
    best, best_cost = 1, float("inf")
    for c in range(MIN_WINDOW, 21):
        rounds = -(-window_count(c) // threads)
        cost = rounds * (n * _ADD_COST + (1 << (c - 1)) * _BUCKET_COST)
        if cost < best_cost:
            best, best_cost = c, cost
    return best


def scalar_matrix(scalars_list: Sequence[Scalars], n: int) -> np.ndarray:
    """K scalar vectors of length n as (K·n, 4) uint64 standard-form words."""
    rows = []
    for index, scalars in enumerate(scalars_list):
        words = scalar_words(scalars)
        if words.shape[0] != n:
            raise CurveError(f"scalar vector {index} has {words.shape[0]} scalars for {n} points")
        rows.append(words)
    if not rows:
        return np.zeros((0, 4), dtype=np.uint64)
    return np.concatenate(rows)


def digits_for(k: np.ndarray, count: int, n: int, c: int) -> np.ndarray:
    """(count, W, n) int32 signed digits of ``count`` scalar vectors of length n."""
    windows = window_count(c)
    digits = np.empty((count, windows, n), dtype=np.int32)
    mk.signed_digits(np.ascontiguousarray(k), c, windows, digits)
    return digits


def run_tasks(
    cls: type[PointVector],
    bases: np.ndarray,
    digits: np.ndarray,
    c: int,
    point_start: np.ndarray,
    digit_row: np.ndarray,
    digit_start: np.ndarray,
    length: np.ndarray,
) -> np.ndarray:
    """Jacobian (T, 3, …) sums of T tasks over affine ``bases`` and 2-D ``digits``.

    Task t: Σ_{i < length[t]} digits[digit_row[t], digit_start[t] + i]·bases[point_start[t] + i]
    (see ``_msm_kernels.run_tasks``); the tasks run in parallel.
    """
    partial = np.empty(cls.spec.jacobian_shape(point_start.shape[0]), dtype=np.uint64)
    mk.run_tasks(
        bases,
        digits,
        1 << (c - 1),
        point_start.astype(np.int64),
        digit_row.astype(np.int64),
        digit_start.astype(np.int64),
        length.astype(np.int64),
        partial,
    )
    return partial


def combine(cls: type[P], partial: np.ndarray, count: int, shift: int) -> P:
    """``count`` points Σ_s 2^(shift·s)·partial[k, s] from (count·S, 3, …) Jacobian rows."""
    grouped = partial.reshape((count, -1) + partial.shape[1:])
    out = np.empty(cls.spec.jacobian_shape(count), dtype=np.uint64)
    mk.combine(grouped, shift, out)
    return cls._from_jacobian(out)


def msm_many(points: P, scalars_list: Sequence[Scalars], window: int | None = None) -> P:
    """K MSMs over the same bases: [Σᵢ k_{j,i}·Pᵢ for each j], as a vector of length K."""
    n, count = len(points), len(scalars_list)
    k = scalar_matrix(scalars_list, n)
    if count == 0:
        return type(points).infinity(0)
    if n == 0:
        return type(points).infinity(count)
    c = check_window(window) if window is not None else default_window(n)
    digits = digits_for(k, count, n, c)
    windows = digits.shape[1]
    tasks = count * windows
    partial = run_tasks(
        type(points),
        np.ascontiguousarray(points.xy),
        digits.reshape(tasks, n),
        c,
        point_start=np.zeros(tasks),
        digit_row=np.arange(tasks),
        digit_start=np.zeros(tasks),
        length=np.full(tasks, n),
    )
    return combine(type(points), partial, count, c)


def msm(points: P, scalars: Scalars, window: int | None = None) -> P:
    """Σᵢ kᵢ·Pᵢ as a vector of length 1 (scalars: an Fr vector or ints, one per point)."""
    return msm_many(points, [scalars], window)
