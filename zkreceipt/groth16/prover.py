"""Groth16 proving, as snarkjs's ``groth16 prove`` computes it.

With witness w, QAP quotient evaluations h (``r1cs_to_qap``) and fresh r, s:

    A = α + Σⱼ wⱼ·Aⱼ(τ) + r·δ                       (in G1)
    B = β + Σⱼ wⱼ·Bⱼ(τ) + s·δ                       (in G2, and its G1 twin B₁)
    C = Σⱼ₍private₎ wⱼ·lⱼ + Σᵢ hᵢ·Hᵢ + s·A + r·B₁ − r·s·δ   (in G1)

The heavy work is five MSMs (A, B₁, B₂, C, H) and six NTTs.
"""

from __future__ import annotations

from ..curve import msm
from ..errors import ProofError
from ..field import Fr, FieldVector
from .data_structures import Proof, ProvingKey
from .r1cs_to_qap import quotient_evaluations


def _check_witness(pk: ProvingKey, witness: FieldVector) -> None:
    if witness.field is not Fr:
        raise ProofError(f"the witness must be an Fr vector, got {witness.field.name}")
    if len(witness) != pk.n_wires:
        raise ProofError(f"the witness has {len(witness)} values, the proving key expects {pk.n_wires}")
    if witness[0].to_ints() != [1]:
        raise ProofError("witness wire 0 must be the constant 1")


def prove_with_randomness(pk: ProvingKey, witness: FieldVector, r: int, s: int) -> Proof:
    """The proof for ``witness`` with the given blinding scalars (tests use fixed r, s)."""
    _check_witness(pk, witness)
    h = quotient_evaluations(pk.qap, witness)
    private = witness[pk.n_public + 1 :]
    delta = pk.delta_g1
    a = msm(pk.a_query, witness) + pk.vk.alpha_g1 + delta * r
    b = msm(pk.b_g2_query, witness) + pk.vk.beta_g2 + pk.vk.delta_g2 * s
    b1 = msm(pk.b_g1_query, witness) + pk.beta_g1 + delta * s
    c = msm(pk.l_query, private) + msm(pk.h_query, h) + a * s + b1 * r - delta * (r * s % Fr.modulus)
    return Proof(a=a, b=b, c=c)


def prove(pk: ProvingKey, witness: FieldVector) -> Proof:
    """A zero-knowledge proof for ``witness`` (Fr vector, wire 0 = 1) with fresh r, s from ``secrets``.

    The witness is not checked against the constraints here; an unsatisfying
    witness yields a proof that does not verify.
    """
    r, s = Fr.random(2).to_ints()
    return prove_with_randomness(pk, witness, r, s)
