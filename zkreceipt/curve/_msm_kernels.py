"""Pippenger bucket kernels for G1 and G2 multi-scalar multiplication.

Shapes: points are affine ``(m, 2, 4)`` (G1) / ``(m, 2, 2, 4)`` (G2) uint64,
Montgomery, infinity = zeros; Jacobian results ``(t, 3, 4)`` / ``(t, 3, 2, 4)``;
scalars ``(m, 4)`` uint64 standard-form words; signed digits int32, computed per task.

A *task* sums one run of points weighted by one run of signed digits in
[−2^(c−1), 2^(c−1)]: the points are sorted into 2^(c−1) buckets by |digit|
(negated when the digit is negative), each bucket is summed by a tree of
**batched affine additions** — all pairs of all buckets in one round share a
single field inversion — and the buckets are combined by the running-sum trick
(Σ_b b·B_b with two additions per bucket). Tasks are independent and run on all
cores (``field.parallel``); ``pippenger.py`` and ``fixed_base.py`` describe tasks as runs of
point rows with the scalars and window their digits come from, and combine the
per-task results.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from ..field._montgomery import device
from ._coords import c_inv, c_mul, coord_one, coord_zero, elem_load, elem_store
from ._formulas import (
    affine_add_denominator,
    affine_add_with_inverse,
    affine_load,
    affine_neg,
    affine_store,
    jac_add,
    jac_double,
    jac_from_affine,
    jac_infinity,
    jac_load,
    jac_madd,
    jac_store,
)
from ._group_kernels import to_affine
from ._prefetch import prefetch_row


@njit(inline="always", cache=True)
def _window_bits(k, i, w, c):  # type: ignore[no-untyped-def]
    """Bits c·w … c·w + c − 1 of scalar row i (0 beyond 256 bits)."""
    bit = w * c
    word = bit >> 6
    off = bit & 63
    v = uint64(0)
    if word < 4:
        v = k[i, word] >> uint64(off)
        if off + c > 64 and word + 1 < 4:
            v |= k[i, word + 1] << uint64(64 - off)
    return np.int64(v & uint64((1 << c) - 1))


@njit(inline="always", cache=True)
def signed_digit(k, i, w, c):  # type: ignore[no-untyped-def]
    """Digit w of the signed base-2^c expansion of scalar row i, in [−2^(c−1), 2^(c−1)].

    Recoding: d_w = raw_w + carry_w, minus 2^c (with a carry out) when it exceeds 2^(c−1).
    The carry into window w is found by looking down from window w − 1: a raw digit above
    2^(c−1) carries, one below does not, one equal passes its own carry on. So each digit
    costs about two bit extractions and no digit table is stored. Windows·c ≥ 255 leaves
    no carry for scalars below 2^254.
    """
    half = np.int64(1) << (c - 1)
    carry = 0
    j = w - 1
    while j >= 0:
        raw = _window_bits(k, i, j, c)
        if raw != half:
            carry = 1 if raw > half else 0
            break
        j -= 1
    d = _window_bits(k, i, w, c) + carry
    if d > half:
        d -= np.int64(1) << c
    return d


@njit(cache=True)
def task_digits(k, n, scalar_base, window_base, c, first_row, out):  # type: ignore[no-untyped-def]
    """out[t] = digit of virtual row r = first_row + t of a task:
    scalar k[scalar_base + r mod n], window window_base + r div n."""
    w = first_row // n
    i = first_row - w * n
    w += window_base
    for t in range(out.shape[0]):
        out[t] = signed_digit(k, scalar_base + i, w, c)
        i += 1
        if i == n:
            i = 0
            w += 1


#: Pairs added per shared inversion: small enough for the gathered pairs to stay in L2.
CHUNK_PAIRS = 1024
#: How many points ahead round 1 prefetches.
PREFETCH_AHEAD = 16


@device
def _signed_point(points, entry):  # type: ignore[no-untyped-def]
    """points[|entry| − 1], negated when entry < 0."""
    if entry > 0:
        return affine_load(points, entry - 1)
    return affine_neg(affine_load(points, -entry - 1))


@device
def _flush(pairs, den, prefix, count, acc, work, dest):  # type: ignore[no-untyped-def]
    """Finish ``count`` gathered pairs: one inversion of ``acc`` (the product of their
    denominators), then work[dest[j]] = pairs[2j] + pairs[2j + 1]."""
    inv = c_inv(acc)
    for j in range(count - 1, -1, -1):
        d = elem_load(den, j)
        elem_store(den, j, c_mul(inv, elem_load(prefix, j)))
        inv = c_mul(inv, d)
    for j in range(count):
        p = affine_load(pairs, 2 * j)
        q = affine_load(pairs, 2 * j + 1)
        affine_store(work, dest[j], affine_add_with_inverse(p, q, elem_load(den, j)))


@device
def accumulate(points, digits, group_size, nbuckets, out):  # type: ignore[no-untyped-def]
    """Bucket sums of signed digits: entry t adds sign(d_t)·points[t mod group_size] to bucket
    (t div group_size)·nbuckets + |d_t| − 1 of ``out`` (affine; empty buckets = zeros).

    Entries come in groups of ``group_size`` (one group per window of a plain MSM, so its
    windows share the tree below and its inversions); ``out`` has one run of ``nbuckets``
    buckets per group. A counting sort lists each bucket's signed point indices; then
    rounds of pairwise batched affine additions halve every bucket's run. Pairs are
    gathered in chunks of ``CHUNK_PAIRS`` (the only random reads are the first round's,
    prefetched), and each chunk shares one inversion. Round 1 reads the points through
    the index list and writes bucket b's partial sums to work[wstart[b]:]; later rounds
    work in place there.
    """
    m = digits.shape[0]
    total_buckets = out.shape[0]
    length = np.zeros(total_buckets, dtype=np.int64)
    for g0 in range(0, m, group_size):
        base = (g0 // group_size) * nbuckets - 1
        for t in range(g0, min(m, g0 + group_size)):
            d = digits[t]
            if d != 0:
                length[base + abs(d)] += 1
    start = np.empty(total_buckets, dtype=np.int64)
    wstart = np.empty(total_buckets, dtype=np.int64)
    total = 0
    wtotal = 0
    for b in range(total_buckets):
        start[b] = total
        total += length[b]
        wstart[b] = wtotal
        wtotal += (length[b] + 1) // 2
    order = np.empty(total, dtype=np.int64)
    fill = start.copy()
    for g0 in range(0, m, group_size):
        base = (g0 // group_size) * nbuckets - 1
        for t in range(g0, min(m, g0 + group_size)):
            d = digits[t]
            if d != 0:
                b = base + abs(d)
                row = t - g0 + 1
                order[fill[b]] = row if d > 0 else -row
                fill[b] += 1

    work = np.empty((wtotal,) + points.shape[1:], dtype=np.uint64)
    pairs = np.empty((2 * CHUNK_PAIRS,) + points.shape[1:], dtype=np.uint64)
    den = np.empty((CHUNK_PAIRS,) + points.shape[2:], dtype=np.uint64)
    prefix = np.empty_like(den)
    dest = np.empty(CHUNK_PAIRS, dtype=np.int64)
    one = coord_one(points)
    active = np.empty(total_buckets, dtype=np.int64)
    n_active = 0
    for b in range(total_buckets):
        if length[b] >= 1:
            active[n_active] = b
            n_active += 1
    first = True
    while n_active > 0:
        count = 0
        acc = one
        kept = 0
        for a in range(n_active):
            b = active[a]
            s = wstart[b]
            half = length[b] // 2
            for i in range(half):
                if first:
                    pos = start[b] + 2 * i
                    # Round 1 walks ``order`` sequentially: prefetch the points read soon.
                    ahead = pos + PREFETCH_AHEAD
                    if ahead + 1 < total:
                        prefetch_row(points, abs(order[ahead]) - 1)
                        prefetch_row(points, abs(order[ahead + 1]) - 1)
                    p = _signed_point(points, order[pos])
                    q = _signed_point(points, order[pos + 1])
                else:
                    p = affine_load(work, s + 2 * i)
                    q = affine_load(work, s + 2 * i + 1)
                affine_store(pairs, 2 * count, p)
                affine_store(pairs, 2 * count + 1, q)
                d = affine_add_denominator(p, q)
                elem_store(den, count, d)
                elem_store(prefix, count, acc)
                acc = c_mul(acc, d)
                dest[count] = s + i
                count += 1
                if count == CHUNK_PAIRS:
                    _flush(pairs, den, prefix, count, acc, work, dest)
                    count = 0
                    acc = one
            if length[b] & 1:
                if first:
                    last = _signed_point(points, order[start[b] + length[b] - 1])
                else:
                    last = affine_load(work, s + length[b] - 1)
                affine_store(work, s + half, last)
            length[b] -= half
            if length[b] >= 2:
                active[kept] = b
                kept += 1
        _flush(pairs, den, prefix, count, acc, work, dest)
        n_active = kept
        first = False

    zero = coord_zero(points)
    for b in range(total_buckets):
        if length[b] > 0:
            affine_store(out, b, affine_load(work, wstart[b]))
        else:
            affine_store(out, b, (zero, zero))


@device
def bucket_sum(buckets):  # type: ignore[no-untyped-def]
    """Σ_b (b + 1)·buckets[b] (Jacobian) by running sums: two additions per bucket."""
    running = jac_infinity(coord_one(buckets))
    total = running
    for b in range(buckets.shape[0] - 1, -1, -1):
        running = jac_madd(running, affine_load(buckets, b))
        total = jac_add(total, running)
    return total


@njit(cache=True, nogil=True)
def run_tasks(lo, hi, points, fixed, k, n, c, row_start, length, scalar_base, window_base, out):  # type: ignore[no-untyped-def]
    """Per-task sums over virtual rows r ∈ [row_start[t], row_start[t] + length[t]): row r
    weighs a point by digit window_base[t] + r div n of scalar k[scalar_base[t] + r mod n].

    Plain MSM (``fixed`` False): the point of row r is points[r mod n] (the n bases), and
    each window is kept apart: out[t, g] is the sum of the task's g-th window
    (a task spans out.shape[1] windows; rows past the last window have zero digits).
    Fixed base (``fixed`` True): ``points`` is the table, row r uses points[r]
    (= 2^(c·w)·P_i), windows mix, and out[t, 0] is the task's whole sum.
    Runs tasks lo … hi − 1, each with its own digits (computed on the fly) and buckets; callers
    spread the tasks over the cores with ``parallel_for``.
    """
    nbuckets = 1 << (c - 1)
    for t in range(lo, hi):
        r0 = row_start[t]
        count = length[t]
        digits = np.empty(count, dtype=np.int32)
        task_digits(k, n, scalar_base[t], window_base[t], c, r0, digits)
        groups = out.shape[1]
        buckets = np.empty((groups * nbuckets,) + points.shape[1:], dtype=np.uint64)
        if fixed:
            accumulate(points[r0 : r0 + count], digits, max(count, 1), nbuckets, buckets)
        else:
            accumulate(points, digits, n, nbuckets, buckets)
        for g in range(groups):
            jac_store(out[t], g, bucket_sum(buckets[g * nbuckets : (g + 1) * nbuckets]))


@njit(cache=True)
def combine(partial, shift, out):  # type: ignore[no-untyped-def]
    """out[k] = Σ_s 2^(shift·s)·partial[k, s] (Jacobian), by Horner's rule from the top s."""
    for k in range(partial.shape[0]):
        rows = partial[k]
        acc = jac_load(rows, rows.shape[0] - 1)
        for s in range(rows.shape[0] - 2, -1, -1):
            for _ in range(shift):
                acc = jac_double(acc)
            acc = jac_add(acc, jac_load(rows, s))
        jac_store(out, k, acc)


@njit(cache=True, nogil=True)
def build_table(lo, hi, points, c, windows, out):  # type: ignore[no-untyped-def]
    """Jacobian (windows·n, 3, …): out[w·n + i] = [2^(c·w)]points[i], for lo ≤ i < hi."""
    n = points.shape[0]
    for i in range(lo, hi):
        acc = jac_from_affine(affine_load(points, i))
        for w in range(windows):
            jac_store(out, w * n + i, acc)
            for _ in range(c):
                acc = jac_double(acc)


@njit(cache=True, nogil=True)
def to_affine_slice(lo, hi, jac, out):  # type: ignore[no-untyped-def]
    """``to_affine`` on rows lo … hi − 1 (one inversion)."""
    to_affine(jac[lo:hi], out[lo:hi])
