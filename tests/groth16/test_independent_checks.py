"""Node-free independent checks: snarkjs's own proof verified by zkreceipt, and Groth16's equation
checked with py_ecc's pairing (not zkreceipt's) on a zkreceipt proof and on snarkjs's.

fixtures/snarkjs_*.json: the verification key, proof and public signals snarkjs 0.7.6 made for
tests/interop's priced_commitment circuit (see fixtures/README.md; with Node,
tests/interop/test_interop_fixtures.py checks snarkjs still accepts them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from groth16_helpers import cube_witness
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import G1Points
from zkreceipt.curve.plain import to_py_ecc
from zkreceipt.field import Fr
from zkreceipt.formats import snarkjs_json
from zkreceipt.groth16 import Proof, ProvingKey, VerifyingKey, prove, verify

FIXTURES = Path(__file__).resolve().parent / "fixtures"
R = Fr.modulus


@pytest.fixture(scope="module")
def snarkjs_files() -> tuple[VerifyingKey, list[int], Proof]:
    return (
        snarkjs_json.read_verification_key(FIXTURES / "snarkjs_vkey.json"),
        snarkjs_json.read_public_signals(FIXTURES / "snarkjs_public.json"),
        snarkjs_json.read_proof(FIXTURES / "snarkjs_proof.json"),
    )


def py_ecc_accepts(vk: VerifyingKey, public: list[int], proof: Proof) -> bool:
    """e(A, B) = e(α, β)·e(Σⱼ sⱼ·ICⱼ, γ)·e(C, δ), as one product of Miller loops and one final
    exponentiation in py_ecc (s₀ = 1); only the points are taken from zkreceipt's objects."""
    ic = to_py_ecc(vk.gamma_abc_g1)
    vk_x = ic[0]
    for point, signal in zip(ic[1:], public, strict=True):
        vk_x = ob.add(vk_x, ob.multiply(point, signal))
    (a,), (b,), (c,) = to_py_ecc(proof.a), to_py_ecc(proof.b), to_py_ecc(proof.c)
    pairs = [
        (b, ob.neg(a)),
        (to_py_ecc(vk.beta_g2)[0], to_py_ecc(vk.alpha_g1)[0]),
        (to_py_ecc(vk.gamma_g2)[0], vk_x),
        (to_py_ecc(vk.delta_g2)[0], c),
    ]
    product: Any = ob.FQ12.one()
    for g2, g1 in pairs:
        product = product * ob.pairing(g2, g1, final_exponentiate=False)
    return ob.final_exponentiate(product) == ob.FQ12.one()


def test_a_snarkjs_proof_verifies_in_zkreceipt(snarkjs_files) -> None:  # type: ignore[no-untyped-def]
    vk, public, proof = snarkjs_files
    assert public == [15636044798600431502211367446381720033316495621267963376551420213865815950225, 5000, 5000, 2]
    assert verify(vk, public, proof)
    assert not verify(vk, [public[0], public[1] + 1, *public[2:]], proof)
    assert not verify(vk, public, Proof(a=proof.a + G1Points.generator(), b=proof.b, c=proof.c))


def test_our_pairing_gives_snarkjs_e_alpha_beta(snarkjs_files) -> None:  # type: ignore[no-untyped-def]
    """snarkjs exports vk_alphabeta_12 = e(α, β), computed by ffjavascript: ours must be the same element."""
    vk, _, _ = snarkjs_files
    theirs = json.loads((FIXTURES / "snarkjs_vkey.json").read_text())["vk_alphabeta_12"]
    assert snarkjs_json.verification_key_to_json(vk)["vk_alphabeta_12"] == theirs


def test_py_ecc_accepts_a_zkreceipt_proof_and_rejects_a_wrong_statement(cube_key: ProvingKey) -> None:
    witness = cube_witness(7, 11)
    proof = prove(cube_key, Fr.from_ints(witness))
    public = witness[1:3]
    assert py_ecc_accepts(cube_key.vk, public, proof)
    assert not py_ecc_accepts(cube_key.vk, [public[0], (public[1] + 1) % R], proof)


def test_py_ecc_accepts_the_snarkjs_proof(snarkjs_files) -> None:  # type: ignore[no-untyped-def]
    assert py_ecc_accepts(*snarkjs_files)
