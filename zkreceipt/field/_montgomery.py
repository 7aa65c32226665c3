"""Compiled Montgomery arithmetic on 4 × 64-bit limbs (the fast backend).

An element is 4 little-endian uint64 words holding a·R mod p with R = 2^256
(Montgomery form, always fully reduced, so equal values have equal limbs).
Scalar device functions take and return ``(w0, w1, w2, w3)`` tuples; array
kernels take ``(n, 4) uint64`` arrays in Montgomery form plus the modulus as a
``(4,) uint64`` array ``p`` and ``ninv = −p⁻¹ mod 2^64``. They work for any odd
prime p < 2^256 and are shared by every field; the curve and NTT kernels inline
the device functions.

The plain twin of every kernel is ``zkreceipt.field.plain``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from ._wide import add_mod_words, mont_mul_words, sbb, sub_mod_words

ZERO = uint64(0)
ONE = uint64(1)

#: The decorator of compiled helpers that only other kernels call: numba then generates no
#: Python or C entry point for them (a sixth less to compile for the pairing's helpers).
device = njit(cache=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)


#: a·b·R⁻¹ mod p for 4-tuples a, b < 2p with 4p < 2^256 (else a, b < p) (CIOS), (a + b) mod p and (a − b) mod p for a, b < p:
#: each one LLVM intrinsic (see ``_wide``), branch-free, results fully reduced.
mont_mul = mont_mul_words
add_mod = add_mod_words
sub_mod = sub_mod_words


@njit(inline="always", cache=True)
def is_zero(a):  # type: ignore[no-untyped-def]
    return (a[0] | a[1] | a[2] | a[3]) == ZERO


@njit(inline="always", cache=True)
def neg_mod(a, p):  # type: ignore[no-untyped-def]
    """(−a) mod p for a < p."""
    if is_zero(a):
        return a
    return sub_mod(p, a, (ZERO, ZERO, ZERO, ZERO))


@njit(inline="always", cache=True)
def equal(a, b):  # type: ignore[no-untyped-def]
    return a[0] == b[0] and a[1] == b[1] and a[2] == b[2] and a[3] == b[3]


@njit(inline="always", cache=True)
def load(arr, i):  # type: ignore[no-untyped-def]
    """Row i of an (n, 4) uint64 array as a 4-tuple."""
    return (arr[i, 0], arr[i, 1], arr[i, 2], arr[i, 3])


@njit(inline="always", cache=True)
def store(arr, i, v):  # type: ignore[no-untyped-def]
    arr[i, 0] = v[0]
    arr[i, 1] = v[1]
    arr[i, 2] = v[2]
    arr[i, 3] = v[3]


@njit(inline="always", cache=True)
def mont_pow(a, exponent_words, one, p, ninv):  # type: ignore[no-untyped-def]
    """a^e by left-to-right square-and-multiply; e as little-endian uint64 words."""
    result = one
    for w in range(exponent_words.shape[0] - 1, -1, -1):
        word = exponent_words[w]
        for bit in range(63, -1, -1):
            result = mont_mul(result, result, p, ninv)
            if (word >> uint64(bit)) & ONE:
                result = mont_mul(result, a, p, ninv)
    return result


# --- array kernels: (n, 4) uint64 in Montgomery form; b may be an (n, 4) broadcast view ---


@njit(cache=True)
def vec_mul(a, b, out, p, ninv):  # type: ignore[no-untyped-def]
    pt = (p[0], p[1], p[2], p[3])
    for i in range(a.shape[0]):
        store(out, i, mont_mul(load(a, i), load(b, i), pt, ninv))


@njit(cache=True)
def vec_add(a, b, out, p):  # type: ignore[no-untyped-def]
    pt = (p[0], p[1], p[2], p[3])
    for i in range(a.shape[0]):
        store(out, i, add_mod(load(a, i), load(b, i), pt))


@njit(cache=True)
def vec_sub(a, b, out, p):  # type: ignore[no-untyped-def]
    pt = (p[0], p[1], p[2], p[3])
    for i in range(a.shape[0]):
        store(out, i, sub_mod(load(a, i), load(b, i), pt))


@njit(cache=True)
def vec_neg(a, out, p):  # type: ignore[no-untyped-def]
    pt = (p[0], p[1], p[2], p[3])
    for i in range(a.shape[0]):
        store(out, i, neg_mod(load(a, i), pt))


@njit(cache=True)
def vec_pow(a, exponent_words, one, out, p, ninv):  # type: ignore[no-untyped-def]
    pt = (p[0], p[1], p[2], p[3])
    onet = (one[0], one[1], one[2], one[3])
    for i in range(a.shape[0]):
        store(out, i, mont_pow(load(a, i), exponent_words, onet, pt, ninv))


@njit(cache=True)
def vec_less_than_modulus(a, p):  # type: ignore[no-untyped-def]
    """Boolean (n,) array: row i, read as a plain 256-bit integer, is < p."""
    out = np.empty(a.shape[0], dtype=np.bool_)
    for i in range(a.shape[0]):
        _, br = sbb(a[i, 0], p[0], ZERO)
        _, br = sbb(a[i, 1], p[1], br)
        _, br = sbb(a[i, 2], p[2], br)
        _, br = sbb(a[i, 3], p[3], br)
        out[i] = br == ONE
    return out


@njit(cache=True)
def vec_batch_inverse(a, out, one, p_minus_2, p, ninv, zero_to_zero):  # type: ignore[no-untyped-def]
    """Montgomery's trick: n inverses for one exponentiation and 3(n−1) multiplications.

    Returns the index of the first zero found (and leaves ``out`` undefined) unless
    ``zero_to_zero``, in which case zeros map to zero; returns −1 on success.
    """
    pt = (p[0], p[1], p[2], p[3])
    n = a.shape[0]
    acc = (one[0], one[1], one[2], one[3])
    # out[i] holds the product of the non-zero a[0..i-1] (the prefix before i).
    for i in range(n):
        x = load(a, i)
        store(out, i, acc)
        if is_zero(x):
            if not zero_to_zero:
                return i
        else:
            acc = mont_mul(acc, x, pt, ninv)
    inv = mont_pow(acc, p_minus_2, (one[0], one[1], one[2], one[3]), pt, ninv)
    for i in range(n - 1, -1, -1):
        x = load(a, i)
        if is_zero(x):
            store(out, i, (ZERO, ZERO, ZERO, ZERO))
        else:
            store(out, i, mont_mul(inv, load(out, i), pt, ninv))
            inv = mont_mul(inv, x, pt, ninv)
    return -1


@njit(cache=True)
def vec_sum(a, p):  # type: ignore[no-untyped-def]
    pt = (p[0], p[1], p[2], p[3])
    acc = (ZERO, ZERO, ZERO, ZERO)
    for i in range(a.shape[0]):
        acc = add_mod(acc, load(a, i), pt)
    out = np.empty((1, 4), dtype=np.uint64)
    store(out, 0, acc)
    return out


@njit(cache=True)
def vec_inner(a, b, p, ninv):  # type: ignore[no-untyped-def]
    pt = (p[0], p[1], p[2], p[3])
    acc = (ZERO, ZERO, ZERO, ZERO)
    for i in range(a.shape[0]):
        acc = add_mod(acc, mont_mul(load(a, i), load(b, i), pt, ninv), pt)
    out = np.empty((1, 4), dtype=np.uint64)
    store(out, 0, acc)
    return out
