"""Groth16 verification: validate every input, then one multi-pairing check.

Accepts iff e(A, B) = e(α, β) · e(vk_x, γ) · e(C, δ), with
vk_x = Σⱼ₌₀..ℓ sⱼ·gamma_abcⱼ (s₀ = 1), checked as the product
e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1 with one final exponentiation.

Malformed input (wrong count of public signals, a signal outside [0, r), a point
off its curve or outside its subgroup) raises :class:`ProofError`; a well-formed
proof that does not verify returns False.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..curve import G1Points, G2Points, msm, pairing_check
from ..errors import CurveError, FieldError, ProofError
from ..field import Fr, FieldVector
from .data_structures import Proof, VerifyingKey


def public_signals_vector(vk: VerifyingKey, public_signals: Sequence[int] | FieldVector) -> FieldVector:
    """[1, s₁ … s_ℓ] as an Fr vector, after checking the count and 0 ≤ sⱼ < r."""
    if isinstance(public_signals, FieldVector):
        if public_signals.field is not Fr:
            raise ProofError(f"public signals must be in Fr, got {public_signals.field.name}")
        signals = public_signals
    else:
        try:
            signals = Fr.from_ints(list(public_signals))
        except FieldError as exc:
            raise ProofError(f"public signal {exc}") from exc
    if len(signals) != vk.n_public:
        raise ProofError(f"expected {vk.n_public} public signals, got {len(signals)}")
    return Fr.concatenate([Fr.ones(1), signals])


def _check_proof_points(proof: Proof) -> None:
    for name, point, kind in (("A", proof.a, G1Points), ("B", proof.b, G2Points), ("C", proof.c, G1Points)):
        if not isinstance(point, kind) or len(point) != 1:
            raise ProofError(f"proof {name} must be one {kind.__name__} point")
        try:
            point.validate()
        except CurveError as exc:
            raise ProofError(f"proof {name}: {exc}") from exc


def verify(vk: VerifyingKey, public_signals: Sequence[int] | FieldVector, proof: Proof) -> bool:
    """True iff ``proof`` is valid for ``public_signals`` under ``vk``."""
    signals = public_signals_vector(vk, public_signals)
    _check_proof_points(proof)
    vk_x = msm(vk.gamma_abc_g1, signals)
    return pairing_check(
        G1Points.concatenate([-proof.a, vk.alpha_g1, vk_x, proof.c]),
        G2Points.concatenate([proof.b, vk.beta_g2, vk.gamma_g2, vk.delta_g2]),
    )
