"""The optimal ate pairing, multi-Miller loops and pairing checks, against py_ecc and the
pairing's own laws (bilinearity, non-degeneracy, infinity, Groth16-shaped checks).

py_ecc is slow (≈ 1 s per pairing), so only a handful of its pairings run here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import pairing_plain as plain
from zkreceipt.curve.pairing import (
    PARALLEL_MIN_PAIRS,
    Fq12Element,
    Pair,
    PreparedG2,
    final_exponentiation,
    multi_miller_loop,
    pairing,
    pairing_check,
    pairing_checks,
    pairing_tower_ints,
    prepare_g2,
)
from zkreceipt.errors import CurveError
from zkreceipt.field import Fq

R = ob.curve_order


def g1(*scalars: int) -> np.ndarray:
    """(n, 2, 4) G1 points k·G1 (k = 0 is the point at infinity)."""
    return plain.g1_xy_from_py_ecc([ob.multiply(ob.G1, k) if k % R else None for k in scalars])


def g2(*scalars: int) -> np.ndarray:
    return plain.g2_xy_from_py_ecc([ob.multiply(ob.G2, k) if k % R else None for k in scalars])


def rand() -> int:
    return secrets.randbelow(R - 1) + 1


@dataclass(frozen=True)
class XY:
    """A duck-typed point vector: anything with ``.xy`` is accepted."""

    xy: np.ndarray


@pytest.fixture(scope="module")
def base() -> Any:
    """e(G1, G2), computed once."""
    return pairing(g1(1), g2(1))


# --- against py_ecc ----------------------------------------------------------------------


def test_pairing_of_generators_matches_py_ecc(base: Fq12Element) -> None:
    assert base.to_py_ecc() == ob.pairing(ob.G2, ob.G1)


def test_pairing_of_random_points_matches_py_ecc() -> None:
    a, b = rand(), rand()
    p, q = ob.multiply(ob.G1, a), ob.multiply(ob.G2, b)
    value = pairing(plain.g1_xy_from_py_ecc([p]), plain.g2_xy_from_py_ecc([q]))
    assert value.to_py_ecc() == ob.pairing(q, p)
    assert Fq12Element.from_py_ecc(ob.pairing(q, p)) == value


def test_final_exponentiation_of_an_arbitrary_element_matches_py_ecc() -> None:
    f = ob.FQ12([secrets.randbelow(ob.field_modulus) for _ in range(12)])
    assert final_exponentiation(Fq12Element.from_py_ecc(f)).to_py_ecc() == ob.final_exponentiate(f)


def test_final_exponentiation_maps_one_to_one_and_zero_to_zero() -> None:
    assert final_exponentiation(Fq12Element.one()).is_one()
    zero = Fq12Element(np.zeros((2, 3, 2, 4), dtype=np.uint64))
    assert final_exponentiation(zero).is_zero()


def test_snarkjs_alphabeta_vector() -> None:
    """vk_alphabeta_12 of circom_runtime's test verification key, as snarkjs computed it."""
    alpha = [
        20491192805390485299153009773594534940189261866228447918068658471970481763042,
        9383485363053290200918347156157836566562967994039712273449902621266178545958,
    ]
    beta = [
        6375614351688725206403948262868962793625744043794305715222011528459656738731,
        4252822878758300859123897981450591353533073413197771768651442665752259397132,
        10505242626370262277552901082094356697409835680220590971873171140371331206856,
        21847035105528745403288232691147584728191162732299865338377159692350059136679,
    ]
    expected = [
        2029413683389138792403550203267699914886160938906632433982220835551125967885,
        21072700047562757817161031222997517981543347628379360635925549008442030252106,
        5940354580057074848093997050200682056184807770593307860589430076672439820312,
        12156638873931618554171829126792193045421052652279363021382169897324752428276,
        7898200236362823042373859371574133993780991612861777490112507062703164551277,
        7074218545237549455313236346927434013100842096812539264420499035217050630853,
        7077479683546002997211712695946002074877511277312570035766170199895071832130,
        10093483419865920389913245021038182291233451549023025229112148274109565435465,
        4595479056700221319381530156280926371456704509942304414423590385166031118820,
        19831328484489333784475432780421641293929726139240675179672856274388269393268,
        11934129596455521040620786944827826205713621633706285934057045369193958244500,
        8037395052364110730298837004334506829870972346962140206007064471173334027475,
    ]
    p = Fq.from_ints(alpha).limbs.reshape(1, 2, 4)
    q = Fq.from_ints(beta).limbs.reshape(1, 2, 2, 4)
    assert pairing_tower_ints(p, q) == expected
    assert pairing(p, q).to_tower_ints() != expected  # snarkjs's value is a power of e


# --- laws ------------------------------------------------------------------------------


def test_bilinearity(base: Fq12Element) -> None:
    a, b = rand(), rand()
    assert pairing(g1(a), g2(b)) == base ** (a * b)
    assert pairing(g1(a), g2(1)) * pairing(g1(b), g2(1)) == pairing(g1(a + b), g2(1))


def test_non_degenerate_and_of_order_r(base: Fq12Element) -> None:
    assert not base.is_one()
    assert (base**R).is_one()
    assert base.inverse() == base ** (R - 1)


def test_infinity_gives_the_identity() -> None:
    assert pairing(g1(0), g2(3)).is_one()
    assert pairing(g1(3), g2(0)).is_one()
    assert pairing(np.zeros((2, 4), np.uint64), np.zeros((2, 2, 4), np.uint64)).is_one()
    # an infinity pair inside a multi-pairing contributes 1
    a = rand()
    p, q = g1(a, 0, R - a, 5), g2(7, 9, 7, 0)
    assert pairing_check(p, q)
    assert final_exponentiation(multi_miller_loop(p, q)).is_one()


def test_multi_miller_loop_is_the_product_over_pairs() -> None:
    """Enough pairs to be split over the threads, plus prepared pairs, one final exponentiation."""
    n = 2 * PARALLEL_MIN_PAIRS + 1
    a = [rand() for _ in range(n)]
    b = [2 + i % 5 for i in range(n)]
    c, d = rand(), rand()
    prepared = prepare_g2(g2(11, 13))
    g1s, g2s = g1(*a), g2(*b)
    f = multi_miller_loop(XY(g1s), XY(g2s), prepared=[(g1(c, d), prepared)])
    exponent = sum(x * y for x, y in zip(a, b)) + 11 * c + 13 * d
    expected = pairing(g1(1), g2(1)) ** exponent
    assert final_exponentiation(f) == expected
    # the one-thread loop (fewer pairs) agrees with the split one
    half = multi_miller_loop(g1s[:3], g2s[:3]) * multi_miller_loop(g1s[3:], g2s[3:])
    assert final_exponentiation(half * multi_miller_loop(g1(c, d), g2(11, 13))) == expected


def test_prepared_points_give_the_same_pairing() -> None:
    a, b = rand(), 17
    prepared = prepare_g2(g2(b, 0))
    assert len(prepared) == 2 and prepared.infinity.tolist() == [False, True]
    f = multi_miller_loop(g1()[:0], g2()[:0], prepared=[(g1(a, 5), prepared)])
    assert final_exponentiation(f) == pairing(g1(a), g2(b))


# --- checks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Groth16Shape:
    """−A, α, vk_x, C (G1) and B, β, γ, δ (G2) with −ab + αβ + xγ + cδ = 0 (mod r)."""

    g1: np.ndarray
    g2: np.ndarray

    @classmethod
    def make(cls) -> Groth16Shape:
        a, b, alpha, beta, x, gamma, delta = (rand() for _ in range(7))
        c = (a * b - alpha * beta - x * gamma) * pow(delta, -1, R) % R
        return cls(g1(R - a, alpha, x, c), g2(b, beta, gamma, delta))

    def tampered(self) -> Groth16Shape:
        """C moved by one generator: the check must fail."""
        c = plain.g1_xy_from_py_ecc([ob.add(_py_g1(self.g1[3]), ob.G1)])
        return Groth16Shape(np.concatenate([self.g1[:3], c]), self.g2)


def _py_g1(xy: np.ndarray) -> Any:
    x, y = Fq.from_montgomery_bytes(xy.tobytes()).to_ints()
    return (ob.FQ(x), ob.FQ(y), ob.FQ(1))


@pytest.fixture(scope="module")
def groth16() -> Groth16Shape:
    return Groth16Shape.make()


def test_groth16_shaped_check_holds_and_fails_by_one_point(groth16: Groth16Shape) -> None:
    assert pairing_check(groth16.g1, groth16.g2)
    assert not pairing_check(groth16.tampered().g1, groth16.g2)
    swapped = groth16.g2[[0, 2, 1, 3]]
    assert not pairing_check(groth16.g1, swapped)


def test_groth16_shaped_check_with_prepared_fixed_points(groth16: Groth16Shape) -> None:
    fixed = prepare_g2(groth16.g2[1:])
    assert pairing_check(groth16.g1[:1], groth16.g2[:1], prepared=[(groth16.g1[1:], fixed)])
    bad = groth16.tampered()
    assert not pairing_check(bad.g1[:1], bad.g2[:1], prepared=[(bad.g1[1:], fixed)])


def test_pairing_checks_returns_each_verdict(groth16: Groth16Shape) -> None:
    bad = groth16.tampered()
    fixed = prepare_g2(groth16.g2[1:])
    shared = [prepare_g2(groth16.g2[i : i + 1]) for i in range(1, 4)]
    checks: list[list[Pair]] = [
        [(groth16.g1, groth16.g2)],  # true
        [(bad.g1, bad.g2)],  # false
        [(groth16.g1[:1], groth16.g2[:1]), (groth16.g1[1:], fixed)],  # true, prepared
        [(bad.g1[:1], bad.g2[:1]), (bad.g1[1:], fixed)],  # false, prepared
        [(groth16.g1[:1], groth16.g2[:1])] + [(groth16.g1[i], shared[i - 1]) for i in range(1, 4)],  # true
        [],  # empty product: true
        [(g1(0, 5), g2(3, 0))],  # only infinity pairs: true
        [(g1(5), g2(3))],  # a single non-trivial pairing: false
    ]
    expected = [True, False, True, False, True, True, True, False]
    assert pairing_checks(checks).tolist() == expected
    assert [pairing_checks([check]).tolist() for check in checks[:2]] == [[True], [False]]  # one-thread path
    assert pairing_checks([]).shape == (0,)


# --- input validation -----------------------------------------------------------------


def test_malformed_inputs_raise_curve_error() -> None:
    with pytest.raises(CurveError, match="G1 points"):
        pairing_check(np.zeros((1, 3, 4), np.uint64), g2(1))
    with pytest.raises(CurveError, match="uint64"):
        pairing_check(np.zeros((1, 2, 4), np.int64), g2(1))
    with pytest.raises(CurveError, match="1 G1 points but 2 G2 points"):
        pairing_check(g1(1), g2(1, 2))
    too_big = g1(1)
    too_big[0, 0, 3] = np.iinfo(np.uint64).max
    with pytest.raises(CurveError, match="modulus"):
        pairing_check(too_big, g2(1))
    with pytest.raises(CurveError, match="pair"):
        pairing_checks([[(g1(1),)]])  # type: ignore[list-item]
    with pytest.raises(CurveError, match="one G1 and one G2"):
        pairing(g1(1, 2), g2(1, 2))
    with pytest.raises(CurveError, match="PreparedG2"):
        PreparedG2(np.zeros((1, 5, 3, 2, 4), np.uint64), np.zeros(1, bool))
