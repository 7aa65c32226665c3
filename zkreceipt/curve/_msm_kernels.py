"""Pippenger bucket kernels for G1 and G2 multi-scalar multiplication.

Shapes: points are affine ``(m, 2, 4)`` (G1) / ``(m, 2, 2, 4)`` (G2) uint64,
Montgomery, infinity = zeros; Jacobian results ``(t, 3, 4)`` / ``(t, 3, 2, 4)``;
scalars ``(m, 4)`` uint64 standard-form words; digits int32.

A *task* sums one run of points weighted by one run of signed digits in
[−2^(c−1), 2^(c−1)]: the points are sorted into 2^(c−1) buckets by |digit|
(negated when the digit is negative), each bucket is summed by a tree of
**batched affine additions** — all pairs of all buckets in one round share a
single field inversion — and the buckets are combined by the running-sum trick
(Σ_b b·B_b with two additions per bucket). Tasks are independent and run on all
cores (``prange``); ``pippenger.py`` and ``fixed_base.py`` describe tasks as offsets
into their point and digit arrays and combine the per-task results.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, uint64

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


@njit(cache=True)
def signed_digits(k, c, windows, out):  # type: ignore[no-untyped-def]
    """Signed base-2^c digits: out[i // n, w, i % n] for scalar row i of k, window w (LSB first).

    ``out`` is (K, windows, n) int32 with K·n = len(k). Digits lie in [−2^(c−1), 2^(c−1)];
    windows·c ≥ 255 guarantees no carry is left for scalars below 2^254.
    """
    n = out.shape[2]
    half = 1 << (c - 1)
    full = 1 << c
    mask = uint64(full - 1)
    for i in range(k.shape[0]):
        row = i // n
        col = i - row * n
        carry = 0
        for w in range(windows):
            bit = w * c
            word = bit >> 6
            off = bit & 63
            v = uint64(0)
            if word < 4:
                v = k[i, word] >> uint64(off)
                if off + c > 64 and word + 1 < 4:
                    v |= k[i, word + 1] << uint64(64 - off)
            d = np.int64(v & mask) + carry
            if d > half:
                d -= full
                carry = 1
            else:
                carry = 0
            out[row, w, col] = d


#: Pairs added per shared inversion: small enough for the gathered pairs to stay in L2.
CHUNK_PAIRS = 1024
#: How many points ahead round 1 prefetches.
PREFETCH_AHEAD = 16


@njit(cache=True)
def _signed_point(points, entry):  # type: ignore[no-untyped-def]
    """points[|entry| − 1], negated when entry < 0."""
    if entry > 0:
        return affine_load(points, entry - 1)
    return affine_neg(affine_load(points, -entry - 1))


@njit(cache=True)
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


@njit(cache=True)
def accumulate(points, digits, nbuckets, out):  # type: ignore[no-untyped-def]
    """out[b] = Σ sign(d_i)·P_i over the i with |d_i| = b + 1 (affine; empty bucket = zeros).

    A counting sort lists each bucket's signed point indices; then rounds of pairwise
    batched affine additions halve every bucket's run. Pairs are gathered in chunks of
    ``CHUNK_PAIRS`` (the only random reads are the first round's), and each chunk
    shares one inversion. Round 1 reads the points through the index list and writes
    bucket b's partial sums to work[wstart[b]:]; later rounds work in place there.
    """
    m = min(points.shape[0], digits.shape[0])
    length = np.zeros(nbuckets, dtype=np.int64)
    for t in range(m):
        d = digits[t]
        if d != 0:
            length[abs(d) - 1] += 1
    start = np.empty(nbuckets, dtype=np.int64)
    wstart = np.empty(nbuckets, dtype=np.int64)
    total = 0
    wtotal = 0
    for b in range(nbuckets):
        start[b] = total
        total += length[b]
        wstart[b] = wtotal
        wtotal += (length[b] + 1) // 2
    order = np.empty(total, dtype=np.int64)
    fill = start.copy()
    for t in range(m):
        d = digits[t]
        if d > 0:
            order[fill[d - 1]] = t + 1
            fill[d - 1] += 1
        elif d < 0:
            order[fill[-d - 1]] = -(t + 1)
            fill[-d - 1] += 1

    work = np.empty((wtotal,) + points.shape[1:], dtype=np.uint64)
    pairs = np.empty((2 * CHUNK_PAIRS,) + points.shape[1:], dtype=np.uint64)
    den = np.empty((CHUNK_PAIRS,) + points.shape[2:], dtype=np.uint64)
    prefix = np.empty_like(den)
    dest = np.empty(CHUNK_PAIRS, dtype=np.int64)
    one = coord_one(points)
    active = np.empty(nbuckets, dtype=np.int64)
    n_active = 0
    for b in range(nbuckets):
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
    for b in range(nbuckets):
        if length[b] > 0:
            affine_store(out, b, affine_load(work, wstart[b]))
        else:
            affine_store(out, b, (zero, zero))


@njit(cache=True)
def bucket_sum(buckets):  # type: ignore[no-untyped-def]
    """Σ_b (b + 1)·buckets[b] (Jacobian) by running sums: two additions per bucket."""
    running = jac_infinity(coord_one(buckets))
    total = running
    for b in range(buckets.shape[0] - 1, -1, -1):
        running = jac_madd(running, affine_load(buckets, b))
        total = jac_add(total, running)
    return total


@njit(cache=True, parallel=True)
def run_tasks(points, digits, nbuckets, point_start, digit_row, digit_start, length, out):  # type: ignore[no-untyped-def]
    """out[t] = Σ_i d_i·P_i for task t: points[point_start[t] + i], digits[digit_row[t], digit_start[t] + i],
    i < length[t]. Tasks run in parallel, each with its own buckets."""
    for t in prange(point_start.shape[0]):
        p0 = point_start[t]
        d0 = digit_start[t]
        count = length[t]
        buckets = np.empty((nbuckets,) + points.shape[1:], dtype=np.uint64)
        accumulate(points[p0 : p0 + count], digits[digit_row[t], d0 : d0 + count], nbuckets, buckets)
        jac_store(out, t, bucket_sum(buckets))


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


@njit(cache=True, parallel=True)
def build_table(points, c, windows, out):  # type: ignore[no-untyped-def]
    """Jacobian (windows·n, 3, …): out[w·n + i] = [2^(c·w)]points[i]."""
    n = points.shape[0]
    for i in prange(n):
        acc = jac_from_affine(affine_load(points, i))
        for w in range(windows):
            jac_store(out, w * n + i, acc)
            for _ in range(c):
                acc = jac_double(acc)


@njit(cache=True, parallel=True)
def to_affine_chunks(jac, out, chunks):  # type: ignore[no-untyped-def]
    """``to_affine`` on ``chunks`` slices in parallel (one inversion per slice)."""
    n = jac.shape[0]
    size = (n + chunks - 1) // chunks
    for s in prange(chunks):
        lo = min(n, s * size)
        hi = min(n, lo + size)
        to_affine(jac[lo:hi], out[lo:hi])
