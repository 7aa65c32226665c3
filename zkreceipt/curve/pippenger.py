"""Multi-scalar multiplication Σ kᵢ·Pᵢ over G1 or G2 (Pippenger, signed digits).

``msm(points, scalars)`` returns one point (a vector of length 1);
``msm_many(points, [scalars_1, …, scalars_K])`` returns K points over the same
bases, with the K MSMs' window tasks spread over all cores. For bases reused
across many MSMs (a proving key's), ``fixed_base.FixedBaseTable`` removes the
doublings and all but one bucket reduction per core and MSM.

Algorithm: scalars are cut into W = ⌈255/c⌉ signed base-2^c digits in
[−2^(c−1), 2^(c−1)] (2^(c−1) buckets, half of the unsigned count; 255 bits so
the last carry always fits), computed on the fly. The windows of an MSM are split
into one task per core (``_msm_kernels.run_tasks``); a task sorts its windows'
(point, digit) entries into buckets and sums every bucket by a tree of batched
affine additions, one inversion per 1,024 additions across all its windows and
buckets, then reduces each window's buckets by running sums in Jacobian
coordinates. The window sums are combined by Horner's rule with c doublings per
window. The window c minimizes a cost model calibrated on this machine (see
:func:`default_window`). The plain twin is ``plain.pippenger_msm`` /
``plain.naive_msm``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from ..errors import CurveError
from ..field import parallel
from ..field.parallel import parallel_for
from . import _group_kernels as gk
from . import _msm_kernels as mk
from .points import SCALAR_BITS, PointVector, Scalars, scalar_words

P = TypeVar("P", bound=PointVector)

#: Scalar bits covered by the signed digits (r < 2^254, plus room for the last carry).
DIGIT_BITS = 255
#: Most (point, window) entries one task sorts into buckets (bounds its scratch memory:
#: about 48 bytes per entry for G1, 80 for G2).
MAX_TASK_ENTRIES = 1 << 15
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
    threads = parallel.threads()
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


def run_tasks(
    cls: type[PointVector],
    points: np.ndarray,
    fixed: bool,
    k: np.ndarray,
    n: int,
    c: int,
    groups: int,
    row_start: np.ndarray,
    length: np.ndarray,
    scalar_base: np.ndarray,
    window_base: np.ndarray,
) -> np.ndarray:
    """Jacobian (T·groups, 3, …) sums of T tasks (see ``_msm_kernels.run_tasks``), run in parallel."""
    tasks = row_start.shape[0]
    partial = np.empty((tasks, *cls.spec.jacobian_shape(groups)), dtype=np.uint64)
    parallel_for(
        mk.run_tasks,
        tasks,
        points,
        fixed,
        np.ascontiguousarray(k),
        n,
        c,
        row_start.astype(np.int64),
        length.astype(np.int64),
        scalar_base.astype(np.int64),
        window_base.astype(np.int64),
        partial,
        pieces=tasks,
    )
    return partial.reshape(cls.spec.jacobian_shape(tasks * groups))


def combine(cls: type[P], partial: np.ndarray, count: int, shift: int) -> P:
    """``count`` points Σ_s 2^(shift·s)·partial[k, s] from (count·S, 3, …) Jacobian rows."""
    grouped = partial.reshape((count, -1) + partial.shape[1:])
    out = np.empty(cls.spec.jacobian_shape(count), dtype=np.uint64)
    mk.combine(grouped, shift, out)
    return cls._from_jacobian(out)


def msm_many(points: P, scalars_list: Sequence[Scalars], window: int | None = None) -> P:
    """K MSMs over the same bases: [Σᵢ k_{j,i}·Pᵢ for each j], as a vector of length K.

    Each MSM's W windows are split into as few tasks as keep all cores busy (and each
    task's entry count under ``MAX_TASK_ENTRIES``); a task's windows share one addition
    tree, so small MSMs still amortize their inversions.
    """
    n, count = len(points), len(scalars_list)
    k = scalar_matrix(scalars_list, n)
    if count == 0:
        return type(points).infinity(0)
    if n == 0:
        return type(points).infinity(count)
    c = check_window(window) if window is not None else default_window(n)
    windows = window_count(c)
    per_msm = max(-(-parallel.threads() // count), -(-windows * n // MAX_TASK_ENTRIES))
    per_msm = min(per_msm, windows)
    groups = -(-windows // per_msm)  # windows per task (the last task's extra windows are zero)
    tasks = count * per_msm
    partial = run_tasks(
        type(points),
        np.ascontiguousarray(points.xy),
        False,
        k,
        n,
        c,
        groups,
        row_start=np.zeros(tasks),
        length=np.full(tasks, groups * n),
        scalar_base=np.repeat(np.arange(count) * n, per_msm),
        window_base=np.tile(np.arange(per_msm) * groups, count),
    )
    return combine(type(points), partial, count, c)


def msm(points: P, scalars: Scalars, window: int | None = None) -> P:
    """Σᵢ kᵢ·Pᵢ as a vector of length 1 (scalars: an Fr vector or ints, one per point)."""
    return msm_many(points, [scalars], window)


def mul_short_scalars(points: P, scalars: Scalars, bits: int) -> P:
    """[kᵢ]Pᵢ for each point and its own scalar, every kᵢ below 2^bits (not a sum).

    Double-and-add over ``bits`` bits only, in parallel over the points: for the
    128-bit coefficients of a random linear combination this is half the work of
    ``points * scalars``. CurveError if a scalar has more bits or the lengths differ.
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= SCALAR_BITS:
        raise CurveError(f"bits must be an int in [1, {SCALAR_BITS}], got {bits!r}")
    k = scalar_words(scalars)
    if k.shape[0] != len(points):
        raise CurveError(f"{len(points)} points and {k.shape[0]} scalars do not match")
    word, offset = divmod(bits, 64)
    if (k[:, word] >> np.uint64(offset)).any() or k[:, word + 1 :].any():
        raise CurveError(f"a scalar has more than {bits} bits")
    jac = np.empty(points.spec.jacobian_shape(len(points)), dtype=np.uint64)
    gk.scalar_mul(np.ascontiguousarray(points.xy), k, bits, jac)
    return type(points)._from_jacobian(jac)
