"""Cross-checks of the compiled Fq6/Fq12 tower against py_ecc's FQ12 (through the basis conversion)."""

from __future__ import annotations

import secrets

import numpy as np
import pytest
from py_ecc.optimized_bn128 import FQ12

from zkreceipt.curve import _tower as tower
from zkreceipt.curve import pairing_plain as plain
from zkreceipt.field.bn254 import Q_MODULUS as Q
from zkreceipt.field.bn254 import R_MODULUS as R


def edge_elements() -> list[list[int]]:
    """0, 1, −1, u, v, w, all-(q−1), and single non-zero coefficients at each tower slot."""
    singles = [[(5 if k == i else 0) for k in range(12)] for i in range(12)]
    return [
        [0] * 12,
        [1] + [0] * 11,
        [Q - 1] + [0] * 11,
        [0, 1] + [0] * 10,
        [0, 0, 1] + [0] * 9,
        [0] * 6 + [1] + [0] * 5,
        [Q - 1] * 12,
        *singles,
    ]


def random_elements(n: int) -> list[list[int]]:
    return [[secrets.randbelow(Q) for _ in range(12)] for _ in range(n)]


def sample(n_random: int = 6) -> list[list[int]]:
    return edge_elements() + random_elements(n_random)


def as_array(elements: list[list[int]]) -> np.ndarray:
    return plain.array_from_tower_ints(elements)


def as_py_ecc(arr: np.ndarray) -> list[FQ12]:
    return plain.array_to_py_ecc(arr)


def unary(op: int, arr: np.ndarray) -> np.ndarray:
    out = np.empty_like(arr)
    tower.vec_unary(op, arr, out)
    return out


def binary(op: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty_like(a)
    tower.vec_binary(op, a, b, out)
    return out


def fq6_part(elements: list[list[int]]) -> list[list[int]]:
    """The elements with their w-coefficient (c1) zeroed: Fq6 embedded in Fq12."""
    return [e[:6] + [0] * 6 for e in elements]


# --- basis conversion ------------------------------------------------------------------


def test_basis_conversion_round_trips_and_is_a_ring_map() -> None:
    elements = sample()
    for e in elements:
        assert plain.tower_from_py_ecc_coeffs(plain.tower_to_py_ecc_coeffs(e)) == e
    # u² = −1, v³ = ξ = 9 + u and w² = v hold in py_ecc's FQ12 through the map
    u, v, w = (FQ12(plain.tower_to_py_ecc_coeffs(e)) for e in edge_elements()[3:6])
    assert u * u == -FQ12.one()
    assert v * v * v == FQ12([9] + [0] * 11) + u
    assert w * w == v


def test_array_conversion_round_trips() -> None:
    elements = sample()
    assert plain.tower_ints_from_array(as_array(elements)) == elements
    py = as_py_ecc(as_array(elements))
    assert np.array_equal(plain.array_from_py_ecc(py), as_array(elements))


# --- Fq12 and Fq6 arithmetic vs py_ecc --------------------------------------------------


def test_fq12_mul_and_square_match_py_ecc() -> None:
    a, b = sample(), list(reversed(sample()))
    a = a + random_elements(4)
    b = b + random_elements(4)
    pa, pb = as_py_ecc(as_array(a)), as_py_ecc(as_array(b))
    assert as_py_ecc(binary(tower.OP_MUL, as_array(a), as_array(b))) == [x * y for x, y in zip(pa, pb)]
    assert as_py_ecc(unary(tower.OP_SQUARE, as_array(a))) == [x * x for x in pa]


def test_fq12_inverse_and_conjugate() -> None:
    elements = sample()
    arr = as_array(elements)
    inv = as_py_ecc(unary(tower.OP_INV, arr))
    for x, y in zip(as_py_ecc(arr), inv):
        if x == FQ12.zero():
            assert y == FQ12.zero()  # 0 maps to 0
        else:
            assert x * y == FQ12.one()
    # conj(c0 + c1·w) = c0 − c1·w
    conj = plain.tower_ints_from_array(unary(tower.OP_CONJ, arr))
    assert conj == [e[:6] + [(-c) % Q for c in e[6:]] for e in elements]


@pytest.mark.parametrize("power,op", [(1, tower.OP_FROB1), (2, tower.OP_FROB2), (3, tower.OP_FROB3)], ids=["q", "q2", "q3"])
def test_frobenius_matches_power_of_q(power: int, op: int) -> None:
    elements = edge_elements()[:6] + random_elements(2)
    arr = as_array(elements)
    assert as_py_ecc(unary(op, arr)) == [x ** (Q**power) for x in as_py_ecc(arr)]


def test_fq6_mul_square_inverse_through_embedding() -> None:
    a, b = fq6_part(sample()), fq6_part(random_elements(len(sample())))
    pa, pb = as_py_ecc(as_array(a)), as_py_ecc(as_array(b))
    assert as_py_ecc(binary(tower.OP_FQ6_MUL, as_array(a), as_array(b))) == [x * y for x, y in zip(pa, pb)]
    assert as_py_ecc(binary(tower.OP_FQ6_SQUARE, as_array(a), as_array(b))) == [x * x for x in pa]
    inv = as_py_ecc(binary(tower.OP_FQ6_INV, as_array(a), as_array(b)))
    for x, y in zip(pa, inv):
        assert (x * y == FQ12.one()) if x != FQ12.zero() else (y == FQ12.zero())


def test_sparse_034_multiplication_matches_dense() -> None:
    elements = sample()
    lines = [[secrets.randbelow(Q) for _ in range(6)] for _ in elements]
    lines[0] = [0] * 6
    lines[1] = [1, 0, 0, 0, 0, 0]
    d = np.stack([plain.array_from_tower_ints([line + [0] * 6])[0, 0] for line in lines])  # (n, 3, 2, 4)
    out = np.empty((len(elements), 2, 3, 2, 4), dtype=np.uint64)
    tower.vec_mul_by_034(as_array(elements), d, out)
    # the sparse element d0 + d3·w + d4·w³: tower slots (0,0), (1,0), (1,1)
    dense = [[*ln[0:2], 0, 0, 0, 0, *ln[2:4], *ln[4:6], 0, 0] for ln in lines]
    expected = binary(tower.OP_MUL, as_array(elements), as_array(dense))
    assert np.array_equal(out, expected)


def test_cyclotomic_square_matches_square_in_the_cyclotomic_subgroup() -> None:
    arr = as_array(random_elements(6) + [[1] + [0] * 11])
    # g = f^((q⁶ − 1)(q² + 1)) lies in the cyclotomic subgroup
    g = binary(tower.OP_MUL, unary(tower.OP_CONJ, arr), unary(tower.OP_INV, arr))
    g = binary(tower.OP_MUL, unary(tower.OP_FROB2, g), g)
    assert np.array_equal(unary(tower.OP_CYCLOTOMIC_SQUARE, g), unary(tower.OP_SQUARE, g))
    # … and not outside it (so the test can tell the two squarings apart)
    assert not np.array_equal(unary(tower.OP_CYCLOTOMIC_SQUARE, arr[:1]), unary(tower.OP_SQUARE, arr[:1]))


@pytest.mark.parametrize("exponent", [0, 1, 2, 3, (1 << 64) + 7, R - 1])
def test_pow_matches_py_ecc(exponent: int) -> None:
    elements = edge_elements()[:3] + random_elements(1)
    arr = as_array(elements)
    words = np.frombuffer(exponent.to_bytes(32, "little"), dtype="<u8").astype(np.uint64)
    out = np.empty_like(arr)
    tower.vec_pow(arr, words, out)
    assert as_py_ecc(out) == [x**exponent for x in as_py_ecc(arr)]


# --- constants -----------------------------------------------------------------------


def test_naf_digits_and_loop_constants() -> None:
    for k in [1, 2, 3, 7, plain.BN_X, plain.ATE_LOOP_COUNT, (1 << 200) - 1]:
        digits = plain.naf_digits(k)
        assert sum(d << i for i, d in enumerate(digits)) == k
        assert all(d in (-1, 0, 1) for d in digits)
        assert all(digits[i] == 0 or digits[i + 1] == 0 for i in range(len(digits) - 1))
    assert plain.ATE_LOOP_COUNT == 29793968203157093288  # py_ecc's ate_loop_count


def test_hard_part_decomposition_is_exact() -> None:
    """(q⁴ − q² + 1)/r = λ0 + λ1·q + λ2·q² + λ3·q³, and the addition chain of
    ``final_exponentiation.hard_part`` realises y0·y1²·y2⁶·y3¹²·y4¹⁸·y5³⁰·y6³⁶."""
    x = plain.BN_X
    lambdas = [-36 * x**3 - 30 * x**2 - 18 * x - 2, -36 * x**3 - 18 * x**2 - 12 * x + 1, 6 * x**2 + 1, 1]
    assert sum(lam * Q**i for i, lam in enumerate(lambdas)) == plain.hard_part_exponent()
    # the chain, tracked as exponents of f (multiplication = addition, conj = negation)
    y = [Q + Q**2 + Q**3, -1, x**2 * Q**2, -x * Q, -(x + x**2 * Q), -(x**2), -(x**3 + x**3 * Q)]
    t0 = 2 * y[6] + y[4] + y[5]
    t1 = y[3] + y[5] + t0
    t0 = t0 + y[2]
    t1 = 2 * (2 * t1 + t0)
    result = 2 * (t1 + y[1]) + (t1 + y[0])
    assert result == plain.hard_part_exponent()
