"""Setup, prove and verify end to end; every way a proof should fail."""

from __future__ import annotations

import pytest

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.errors import ProofError
from zkreceipt.field import Fr
from zkreceipt.groth16 import Proof, ProvingKey, prove, prove_with_randomness, verify

from groth16_helpers import R, cube_witness


def make_proof(key: ProvingKey, x: int = 3, offset: int = 5) -> tuple[Proof, list[int]]:
    w = cube_witness(x, offset)
    return prove(key, Fr.from_ints(w)), w[1:3]


def test_a_proof_verifies(cube_key: ProvingKey) -> None:
    proof, public = make_proof(cube_key)
    assert verify(cube_key.vk, public, proof)


def test_edge_witness_values_verify(cube_key: ProvingKey) -> None:
    for x, offset in [(0, 0), (1, R - 1), (R - 1, R - 2)]:
        proof, public = make_proof(cube_key, x, offset)
        assert verify(cube_key.vk, public, proof)


def test_proofs_are_randomized(cube_key: ProvingKey) -> None:
    first, public = make_proof(cube_key)
    second, _ = make_proof(cube_key)
    assert not (first.a == second.a).all()
    assert verify(cube_key.vk, public, second)


def test_fixed_randomness_is_deterministic(cube_key: ProvingKey) -> None:
    w = Fr.from_ints(cube_witness(3, 5))
    p1 = prove_with_randomness(cube_key, w, 11, 22)
    p2 = prove_with_randomness(cube_key, w, 11, 22)
    assert (p1.a == p2.a).all() and (p1.b == p2.b).all() and (p1.c == p2.c).all()


def test_changed_public_signal_fails(cube_key: ProvingKey) -> None:
    proof, public = make_proof(cube_key)
    assert not verify(cube_key.vk, [public[0] + 1, public[1]], proof)
    assert not verify(cube_key.vk, [public[0], public[1] + 1], proof)


def test_public_signal_plus_r_is_rejected(cube_key: ProvingKey) -> None:
    proof, public = make_proof(cube_key)
    with pytest.raises(ProofError, match="public signal"):
        verify(cube_key.vk, [public[0] + R, public[1]], proof)
    with pytest.raises(ProofError, match="public signal"):
        verify(cube_key.vk, [-1, public[1]], proof)


def test_wrong_number_of_public_signals_is_rejected(cube_key: ProvingKey) -> None:
    proof, public = make_proof(cube_key)
    with pytest.raises(ProofError, match="expected 2 public signals"):
        verify(cube_key.vk, public[:1], proof)


def test_tampered_proof_points_fail(cube_key: ProvingKey) -> None:
    proof, public = make_proof(cube_key)
    g1, g2 = G1Points.generator(), G2Points.generator()
    assert not verify(cube_key.vk, public, Proof(a=proof.a + g1, b=proof.b, c=proof.c))
    assert not verify(cube_key.vk, public, Proof(a=proof.a, b=proof.b + g2, c=proof.c))
    assert not verify(cube_key.vk, public, Proof(a=proof.a, b=proof.b, c=proof.c + g1))
    assert not verify(cube_key.vk, public, Proof(a=proof.c, b=proof.b, c=proof.a))


def test_proof_from_another_key_fails(cube_key: ProvingKey, other_cube_key: ProvingKey) -> None:
    proof, public = make_proof(other_cube_key)
    assert verify(other_cube_key.vk, public, proof)
    assert not verify(cube_key.vk, public, proof)


def test_unsatisfying_witness_gives_a_failing_proof(cube_key: ProvingKey) -> None:
    w = cube_witness(3, 5)
    w[1] += 1  # claim a wrong output
    proof = prove(cube_key, Fr.from_ints(w))
    assert not verify(cube_key.vk, w[1:3], proof)


def test_malformed_witness_is_rejected(cube_key: ProvingKey) -> None:
    with pytest.raises(ProofError, match="expects 6"):
        prove(cube_key, Fr.from_ints([1, 2, 3]))
    w = cube_witness(3, 5)
    w[0] = 2
    with pytest.raises(ProofError, match="wire 0"):
        prove(cube_key, Fr.from_ints(w))


def test_development_keys_say_so(cube_key: ProvingKey) -> None:
    assert cube_key.development
