"""What ``verify`` and ``verify_batch`` do with proof objects built in memory: points off their curve,
B outside G2's subgroup, points at infinity, wrong shapes; and the batch verifier's random weights.

The malformed points are made without validation (``unchecked_points``), as a caller holding raw
coordinates could; the verifier must refuse them before pairing (ProofError), never pair them.
"""

from __future__ import annotations

import pytest
from groth16_helpers import cube_witness
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.curve.plain import random_twist_point, to_py_ecc, unchecked_points
from zkreceipt.errors import ProofError
from zkreceipt.field import Fr
from zkreceipt.groth16 import Proof, ProvingKey, batch_verifier, prove, verify, verify_batch

R = Fr.modulus


@pytest.fixture(scope="module")
def statements(cube_key: ProvingKey) -> tuple[list[list[int]], list[Proof]]:
    witnesses = [cube_witness(x, 3 * x + 2) for x in range(2, 8)]
    return [w[1:3] for w in witnesses], [prove(cube_key, Fr.from_ints(w)) for w in witnesses]


def off_curve_g1() -> G1Points:
    point = unchecked_points(G1Points, [(1, 3)])  # 3² ≠ 1³ + 3
    assert not point.is_on_curve().any()
    return point


def off_curve_g2() -> G2Points:
    point = unchecked_points(G2Points, [((1, 0), (1, 0))])
    assert not point.is_on_curve().any()
    return point


def outside_subgroup_g2() -> G2Points:
    """A point of the twist curve whose order is not r (checked independently with py_ecc)."""
    point = unchecked_points(G2Points, [random_twist_point()])
    assert point.is_on_curve().all()
    assert not ob.is_inf(ob.multiply(to_py_ecc(point)[0], R))
    return point


def replaced(proof: Proof, **points: object) -> Proof:
    return Proof(a=points.get("a", proof.a), b=points.get("b", proof.b), c=points.get("c", proof.c))  # type: ignore[arg-type]


MALFORMED = {
    "A off the curve": (lambda: {"a": off_curve_g1()}, "proof A: G1 point 0 is not on the curve"),
    "C off the curve": (lambda: {"c": off_curve_g1()}, "proof C: G1 point 0 is not on the curve"),
    "B off the curve": (lambda: {"b": off_curve_g2()}, "proof B: G2 point 0 is not on the curve"),
    "B outside G2": (lambda: {"b": outside_subgroup_g2()}, "proof B: G2 point 0 is not in the subgroup of order r"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_verify_refuses_malformed_points_before_pairing(cube_key: ProvingKey, statements, case: str) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = statements
    points, message = MALFORMED[case]
    with pytest.raises(ProofError, match=message):
        verify(cube_key.vk, publics[0], replaced(proofs[0], **points()))


@pytest.mark.parametrize("case", list(MALFORMED))
def test_verify_batch_refuses_malformed_points_among_valid_ones(cube_key: ProvingKey, statements, case: str) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = statements
    points, message = MALFORMED[case]
    mixed = list(proofs)
    mixed[3] = replaced(proofs[3], **points())
    letter = message.split(":")[0]  # "proof A" ...
    point_index = message.replace("point 0", "point 3").split(": ", 1)[1]  # the fourth proof's point
    with pytest.raises(ProofError, match=f"{letter}: {point_index}"):
        verify_batch(cube_key.vk, publics, mixed)


@pytest.mark.parametrize(
    "points",
    [{"a": G1Points.infinity()}, {"b": G2Points.infinity()}, {"c": G1Points.infinity()},
     {"a": G1Points.infinity(), "b": G2Points.infinity(), "c": G1Points.infinity()}],
    ids=["A", "B", "C", "all"],
)
def test_points_at_infinity_are_well_formed_but_do_not_verify(cube_key: ProvingKey, statements, points: dict) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = statements
    assert not verify(cube_key.vk, publics[0], replaced(proofs[0], **points))
    mixed = list(proofs)
    mixed[2] = replaced(proofs[2], **points)
    assert verify_batch(cube_key.vk, publics, mixed).invalid_indices == [2]


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"a": G2Points.generator()}, "proof A must be one G1Points point"),
        ({"b": G1Points.generator()}, "proof B must be one G2Points point"),
        ({"c": G1Points.generator() * Fr.from_ints([2, 3])}, "proof C must be one G1Points point"),
        ({"a": G1Points.infinity(0)}, "proof A must be one G1Points point"),
    ],
)
def test_wrong_shapes_are_refused(cube_key: ProvingKey, statements, points: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    publics, proofs = statements
    with pytest.raises(ProofError, match=message):
        verify(cube_key.vk, publics[0], replaced(proofs[0], **points))
    with pytest.raises(ProofError):
        verify_batch(cube_key.vk, publics[:2], [proofs[0], replaced(proofs[1], **points)])


# --- the batch verifier's random weights -------------------------------------------------------------


def test_batch_weights_have_128_random_bits_and_are_never_zero() -> None:
    draws = batch_verifier._random_coefficients(256).to_ints()
    assert all(1 << 128 <= rho < 1 << 129 for rho in draws)
    for bit in range(128):  # every one of the 128 low bits varies (a fixed bit fails with probability 2^-255)
        assert {(rho >> bit) & 1 for rho in draws} == {0, 1}, bit
    assert len(set(draws)) == len(draws)


def test_batch_weights_come_from_secrets(monkeypatch: pytest.MonkeyPatch, cube_key: ProvingKey, statements) -> None:  # type: ignore[no-untyped-def]
    asked: list[int] = []

    def randbits(k: int) -> int:
        asked.append(k)
        return 0  # the smallest weight, 2^128, must still work

    monkeypatch.setattr(batch_verifier.secrets, "randbits", randbits)
    publics, proofs = statements
    assert verify_batch(cube_key.vk, publics, proofs).all_valid
    assert asked == [128] * len(proofs)
    forged = list(proofs)
    forged[1] = replaced(proofs[1], c=proofs[1].c + G1Points.generator())
    assert verify_batch(cube_key.vk, publics, forged).invalid_indices == [1]
