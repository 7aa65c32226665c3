"""Groth16 keys and proofs over BN254, field by field with their math.

Notation: G and H are the generators of G1 and G2; τ, α, β, γ, δ the setup's
secrets (toxic waste); Aⱼ, Bⱼ, Cⱼ the QAP polynomials of wire j (see
``r1cs_to_qap``); wires 0 … ℓ are public (wire 0 is the constant 1, ℓ = n_public).
Single points are point vectors of length 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..curve import G1Points, G2Points
from .r1cs_to_qap import QapMatrices


@dataclass(frozen=True)
class VerifyingKey:
    """What a verifier needs.

    ``alpha_g1``: α·G. ``beta_g2``: β·H. ``gamma_g2``: γ·H. ``delta_g2``: δ·H.
    ``gamma_abc_g1`` (snarkjs ``IC``): γ⁻¹(βAⱼ(τ) + αBⱼ(τ) + Cⱼ(τ))·G for public wires j = 0 … ℓ.
    """

    alpha_g1: G1Points
    beta_g2: G2Points
    gamma_g2: G2Points
    delta_g2: G2Points
    gamma_abc_g1: G1Points

    @property
    def n_public(self) -> int:
        """Public signals a proof carries (the constant wire not counted)."""
        return len(self.gamma_abc_g1) - 1


@dataclass(frozen=True)
class ProvingKey:
    """What a prover needs (the contents of a snarkjs ``.zkey``).

    ``beta_g1``: β·G. ``delta_g1``: δ·G.
    ``a_query``: Aⱼ(τ)·G for every wire j (snarkjs section 5, "A").
    ``b_g1_query``: Bⱼ(τ)·G (section 6, "B1"). ``b_g2_query``: Bⱼ(τ)·H (section 7, "B2").
    ``l_query``: δ⁻¹(βAⱼ(τ) + αBⱼ(τ) + Cⱼ(τ))·G for private wires j > ℓ (section 8, "C").
    ``h_query``: δ⁻¹·L^(2n)_(2i+1)(τ)·G for i < n, the odd-point Lagrange basis of the
    2n-domain (section 9; see ``r1cs_to_qap`` for why this is not τⁱZ(τ)/δ).
    ``qap``: the A (with input-consistency rows) and B matrices the prover evaluates.
    ``development``: True for a one-party setup whose secrets one machine knew:
    fine for development, not a trusted setup.
    """

    vk: VerifyingKey
    beta_g1: G1Points
    delta_g1: G1Points
    a_query: G1Points
    b_g1_query: G1Points
    b_g2_query: G2Points
    l_query: G1Points
    h_query: G1Points
    qap: QapMatrices
    development: bool = field(default=False)

    @property
    def n_wires(self) -> int:
        return len(self.a_query)

    @property
    def n_public(self) -> int:
        return self.vk.n_public

    @property
    def domain_size(self) -> int:
        return self.qap.domain_size


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof: A and C in G1, B in G2 (snarkjs ``pi_a``, ``pi_b``, ``pi_c``)."""

    a: G1Points
    b: G2Points
    c: G1Points
