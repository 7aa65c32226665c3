"""Cross-checks of the compiled field kernels against Python ints and galois."""

from __future__ import annotations

import secrets

import galois
import numpy as np
import pytest

from zkreceipt.errors import FieldError, FieldMismatchError, FieldZeroDivisionError
from zkreceipt.field import Fq, Fr, PrimeField
from zkreceipt.field import plain

FIELDS = [Fr, Fq]


def edge_values(p: int) -> list[int]:
    return [0, 1, 2, p - 1, p - 2, (p - 1) // 2, (p + 1) // 2, (1 << 64) - 1, 1 << 64, (1 << 192) + 5]


def sample(p: int, n: int = 200) -> list[int]:
    """Edge values crossed with each other, then random values."""
    edges = edge_values(p)
    return edges * len(edges) + [secrets.randbelow(p) for _ in range(n)]


def sample_pair(p: int) -> tuple[list[int], list[int]]:
    edges = edge_values(p)
    a = [x for x in edges for _ in edges] + [secrets.randbelow(p) for _ in range(200)]
    b = [y for _ in edges for y in edges] + [secrets.randbelow(p) for _ in range(200)]
    return a, b


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_round_trip_ints(field: PrimeField) -> None:
    values = sample(field.modulus)
    assert field.from_ints(values).to_ints() == values


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
def test_binary_ops_match_python_ints(field: PrimeField, op: str) -> None:
    p = field.modulus
    a, b = sample_pair(p)
    va, vb = field.from_ints(a), field.from_ints(b)
    fast = {"add": va + vb, "sub": va - vb, "mul": va * vb}[op].to_ints()
    assert fast == getattr(plain, op)(a, b, p)


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_unary_ops_square_pow_and_scalars(field: PrimeField) -> None:
    p = field.modulus
    a = sample(p)
    v = field.from_ints(a)
    assert (-v).to_ints() == plain.neg(a, p)
    assert v.square().to_ints() == [x * x % p for x in a]
    for e in [0, 1, 2, 5, 2**64 + 3, p - 2, p - 1]:
        assert (v**e).to_ints() == [pow(x, e, p) for x in a]
    k = secrets.randbelow(p)
    assert (v * k).to_ints() == [x * k % p for x in a]
    assert (k * v).to_ints() == [x * k % p for x in a]
    assert (v + k).to_ints() == [(x + k) % p for x in a]
    assert (k - v).to_ints() == [(k - x) % p for x in a]
    assert (v - (-1)).to_ints() == [(x + 1) % p for x in a]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_batch_inverse(field: PrimeField) -> None:
    p = field.modulus
    a = [x for x in sample(p) if x]
    assert field.from_ints(a).inv().to_ints() == plain.batch_inverse(a, p)
    assert (field.from_ints(a) ** -3).to_ints() == [pow(x, -3, p) for x in a]
    with_zero = [5, 0, 7, 0]
    with pytest.raises(FieldZeroDivisionError, match="element 1 is zero"):
        field.from_ints(with_zero).inv()
    inv = field.from_ints(with_zero).inv(zero_to_zero=True).to_ints()
    assert inv == [pow(5, -1, p), 0, pow(7, -1, p), 0]
    assert field.zeros(0).inv().to_ints() == []


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_sum_inner_equality(field: PrimeField) -> None:
    p = field.modulus
    a, b = sample_pair(p)
    va, vb = field.from_ints(a), field.from_ints(b)
    assert va.sum().to_ints() == [sum(a) % p]
    assert va.inner(vb).to_ints() == [sum(x * y for x, y in zip(a, b)) % p]
    eq = va == vb
    assert eq.tolist() == [x == y for x, y in zip(a, b)]
    assert (va != vb).tolist() == [x != y for x, y in zip(a, b)]
    assert va.is_zero().tolist() == [x == 0 for x in a]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_bytes_and_strings(field: PrimeField) -> None:
    p = field.modulus
    a = sample(p, 50)
    v = field.from_ints(a)
    le = b"".join(x.to_bytes(32, "little") for x in a)
    be = b"".join(x.to_bytes(32, "big") for x in a)
    assert v.to_bytes("little") == le and v.to_bytes("big") == be
    assert field.from_bytes(le, "little").to_ints() == a
    assert field.from_bytes(be, "big").to_ints() == a
    assert field.from_decimal_strings([str(x) for x in a]).to_ints() == a
    assert v.to_decimal_strings() == [str(x) for x in a]
    mont = b"".join((x * 2**256 % p).to_bytes(32, "little") for x in a)
    assert v.to_montgomery_bytes() == mont
    assert field.from_montgomery_bytes(mont).to_ints() == a
    short = [x % 2**64 for x in a]
    assert field.from_ints(short).to_bytes("big", width=8) == b"".join(x.to_bytes(8, "big") for x in short)
    assert field.from_bytes(b"".join(x.to_bytes(8, "big") for x in short), "big", width=8).to_ints() == short


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_out_of_range_values_are_rejected_not_reduced(field: PrimeField) -> None:
    p = field.modulus
    for bad in [p, p + 1, 2**256 - 1, -1]:
        with pytest.raises(FieldError, match="element 1"):
            field.from_ints([0, bad])
    with pytest.raises(FieldError, match="not an int"):
        field.from_ints([1, 2.0])  # type: ignore[list-item]
    with pytest.raises(FieldError, match="not an int"):
        field.from_ints([True])
    with pytest.raises(FieldError, match="≥ p"):
        field.from_bytes(p.to_bytes(32, "little"))
    with pytest.raises(FieldError, match="≥ p"):
        field.from_bytes((2**256 - 1).to_bytes(32, "big"), "big")
    with pytest.raises(FieldError, match="≥ p"):
        field.from_montgomery_bytes(p.to_bytes(32, "little"))
    with pytest.raises(FieldError, match="whole number"):
        field.from_bytes(b"\x01" * 33)
    for text in ["-1", "1.5", "0x10", "", " 1", str(p)]:
        with pytest.raises(FieldError):
            field.from_decimal_strings([text])
    with pytest.raises(FieldError, match="does not fit"):
        field.from_int(2**70).to_bytes(width=8)


def test_mixing_fields_or_lengths_is_an_error() -> None:
    with pytest.raises(FieldMismatchError, match="Fq"):
        Fr.ones(3) + Fq.ones(3)
    with pytest.raises(FieldMismatchError, match="lengths differ"):
        Fr.ones(3) * Fr.ones(2)


def test_length_one_vectors_broadcast() -> None:
    a = [secrets.randbelow(Fr.modulus) for _ in range(5)]
    k = Fr.from_int(7)
    assert (k * Fr.from_ints(a)).to_ints() == [7 * x % Fr.modulus for x in a]
    assert (k - Fr.from_ints(a)).to_ints() == [(7 - x) % Fr.modulus for x in a]


def test_random_is_uniform_looking_and_in_range() -> None:
    v = Fr.random(4096).to_ints()
    assert all(0 <= x < Fr.modulus for x in v)
    assert len(set(v)) == 4096
    # Top bits must be exercised: the top limb is masked, then rejection-sampled.
    assert max(v) > Fr.modulus * 3 // 4
    assert Fr.random(0).to_ints() == []


def test_indexing_and_setitem() -> None:
    a = [secrets.randbelow(Fr.modulus) for _ in range(6)]
    v = Fr.from_ints(a)
    assert v[2].to_ints() == [a[2]] and v[-1].to_ints() == [a[-1]]
    assert v[1:4].to_ints() == a[1:4]
    with pytest.raises(IndexError):
        v[6]
    w = v.copy()
    w[0:2] = Fr.from_ints([1, 2])
    assert w.to_ints()[:2] == [1, 2] and v.to_ints() == a


def test_generic_prime_field_near_two_to_the_256() -> None:
    """The kernels handle any odd prime below 2^256, including ones using the top bit."""
    p = 2**256 - 189  # the largest prime below 2^256
    field = PrimeField(p, "P256max")
    a, b = sample_pair(p)
    va, vb = field.from_ints(a), field.from_ints(b)
    assert (va * vb).to_ints() == plain.mul(a, b, p)
    assert (va + vb).to_ints() == plain.add(a, b, p)
    assert (va - vb).to_ints() == plain.sub(a, b, p)
    nonzero = [x for x in a if x]
    assert field.from_ints(nonzero).inv().to_ints() == plain.batch_inverse(nonzero, p)


def test_small_prime_against_galois() -> None:
    """Spot-check a small field (every element) against galois.GF."""
    p = 65521
    gf = galois.GF(p)
    field = PrimeField(p, "F65521")
    xs = np.arange(p, dtype=np.int64)
    ys = (xs * 7919 + 13) % p
    va, vb = field.from_ints(xs.tolist()), field.from_ints(ys.tolist())
    ga, gb = gf(xs), gf(ys)
    assert (va * vb).to_ints() == (ga * gb).tolist()
    assert (va - vb).to_ints() == (ga - gb).tolist()
    assert field.from_ints(xs[1:].tolist()).inv().to_ints() == (gf(1) / ga[1:]).tolist()


def test_bn254_spot_check_against_galois() -> None:
    gf = galois.GF(Fr.modulus, primitive_element=5, verify=False)
    a, b = sample_pair(Fr.modulus)
    got = (Fr.from_ints(a) * Fr.from_ints(b)).to_ints()
    assert got == [int(x) for x in (gf(a) * gf(b))]


def test_invalid_moduli_are_rejected() -> None:
    for bad in [2, 4, 2**256 + 1]:
        with pytest.raises(FieldError):
            PrimeField(bad, "bad")
