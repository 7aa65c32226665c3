"""Verify many Groth16 proofs of one circuit at once, and find the bad ones.

With fresh random ρᵢ = 2¹²⁸ + uᵢ, uᵢ uniform in [0, 2¹²⁸) from ``secrets``, the N checks
e(Aᵢ, Bᵢ) = e(α, β)·e(vk_xᵢ, γ)·e(Cᵢ, δ) are folded into one:

    Πᵢ e(−ρᵢAᵢ, Bᵢ) · e((Σρᵢ)·α, β) · e(Σⱼ(Σᵢρᵢsᵢⱼ)·ICⱼ, γ) · e(Σρᵢ·Cᵢ, δ) = 1

N + 3 Miller loops and one final exponentiation instead of 4N loops and N
exponentiations. The Miller loops are split over both cores; ρᵢ·Aᵢ is a 129-bit
double-and-add per proof (``mul_short_scalars``), Σρᵢ·Cᵢ one MSM; the public
signals of all proofs are range-checked and converted in one call. Every point is
still validated (on its curve, in its subgroup: the ψ check for each Bᵢ) first.

A forged proof passes only if the random combination cancels: with the other
weights fixed, at most one value of ρᵢ mod r does, and ρᵢ takes 2¹²⁸ distinct
values below r with equal probability, so the chance is ≤ 2⁻¹²⁸ (the set bit 128
keeps ρᵢ ≠ 0 without spending a random bit). If the folded check fails, bisection
re-checks halves (with fresh ρ) until every bad proof is isolated, so one bad
bundle does not hide the others: k bad proofs cost O(k·log N) folded checks.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..curve import G1Points, G2Points, msm, pairing_check
from ..curve.pippenger import mul_short_scalars
from ..errors import CurveError, FieldError, ProofError
from ..field import FieldVector, Fr
from .data_structures import Proof, VerifyingKey
from .verifier import public_signals_vector

#: Random bits of each coefficient ρᵢ = 2^RHO_RANDOM_BITS + uᵢ: one folded check errs with probability ≤ 2^-128.
RHO_RANDOM_BITS = 128
#: Bit length of every ρᵢ (the fixed top bit keeps ρᵢ ≠ 0 without costing a random bit).
RHO_BITS = RHO_RANDOM_BITS + 1


@dataclass(frozen=True)
class BatchVerification:
    """Per-proof verdicts: ``valid[i]`` is True iff proof i verifies."""

    valid: tuple[bool, ...]

    @property
    def all_valid(self) -> bool:
        return all(self.valid)

    @property
    def invalid_indices(self) -> list[int]:
        return [i for i, ok in enumerate(self.valid) if not ok]


@dataclass(frozen=True)
class _Batch:
    """The proofs' points stacked, and the signals as an (N, ℓ+1, 4) Montgomery array."""

    a: G1Points
    b: G2Points
    c: G1Points
    signals: np.ndarray


def _signal_rows(vk: VerifyingKey, public_signals: Sequence[Sequence[int]]) -> np.ndarray:
    """[1, s₁ … s_ℓ] of every proof as an (N, ℓ+1, 4) Montgomery array, range-checked.

    Lists of ℓ ints are converted in one call; anything else, or any failure, goes
    through :func:`public_signals_vector` one proof at a time so the error names the proof.
    """
    n, ell = len(public_signals), vk.n_public
    if all(isinstance(signals, (list, tuple)) and len(signals) == ell for signals in public_signals):
        flat = [value for signals in public_signals for value in signals]
        if all(type(value) is int for value in flat):
            try:
                values = Fr.from_ints(flat).limbs.reshape(n, ell, 4)
            except FieldError:
                pass  # a signal outside [0, r): found and named below
            else:
                ones = np.broadcast_to(Fr.ones(1).limbs, (n, 1, 4))
                return np.concatenate([ones, values], axis=1)
    rows = []
    for index, signals in enumerate(public_signals):
        try:
            rows.append(public_signals_vector(vk, signals).limbs)
        except ProofError as exc:
            raise ProofError(f"proof {index}: {exc}") from None
    return np.stack(rows) if rows else np.zeros((0, ell + 1, 4), np.uint64)


def _stack(vk: VerifyingKey, public_signals: Sequence[Sequence[int]], proofs: Sequence[Proof]) -> _Batch:
    if len(public_signals) != len(proofs):
        raise ProofError(f"{len(proofs)} proofs but {len(public_signals)} public-signal lists")
    signals = _signal_rows(vk, public_signals)
    try:
        a = G1Points.concatenate([p.a for p in proofs])
        b = G2Points.concatenate([p.b for p in proofs])
        c = G1Points.concatenate([p.c for p in proofs])
    except CurveError as exc:  # a point of the wrong group
        raise ProofError(f"every proof's A, B, C must be G1, G2, G1 points: {exc}") from None
    for name, points in (("A", a), ("B", b), ("C", c)):
        if len(points) != len(proofs):
            raise ProofError(f"every proof's {name} must be exactly one point")
        try:
            points.validate(f"proof {name}")
        except CurveError as exc:
            raise ProofError(str(exc)) from None
    return _Batch(a, b, c, signals)


def _random_coefficients(n: int) -> FieldVector:
    top = 1 << RHO_RANDOM_BITS
    return Fr.from_ints([top | secrets.randbits(RHO_RANDOM_BITS) for _ in range(n)])


def _folded_check(vk: VerifyingKey, batch: _Batch, indices: np.ndarray) -> bool:
    rho = _random_coefficients(len(indices))
    signals = batch.signals[indices]  # (m, ℓ+1, 4)
    weighted = [
        (FieldVector(Fr, np.ascontiguousarray(signals[:, j, :])) * rho).sum() for j in range(signals.shape[1])
    ]
    vk_x = msm(vk.gamma_abc_g1, Fr.concatenate(weighted))
    rho_a = mul_short_scalars(batch.a[indices], rho, RHO_BITS)
    g1 = G1Points.concatenate([-rho_a, vk.alpha_g1 * rho.sum(), vk_x, msm(batch.c[indices], rho)])
    g2 = G2Points.concatenate([batch.b[indices], vk.beta_g2, vk.gamma_g2, vk.delta_g2])
    return pairing_check(g1, g2)


def verify_batch(
    vk: VerifyingKey, public_signals: Sequence[Sequence[int]], proofs: Sequence[Proof]
) -> BatchVerification:
    """Verdicts for N proofs of one circuit; malformed input raises :class:`ProofError`."""
    batch = _stack(vk, public_signals, proofs)
    valid = np.zeros(len(proofs), dtype=bool)
    pending = [np.arange(len(proofs))] if proofs else []
    while pending:
        indices = pending.pop()
        if _folded_check(vk, batch, indices):
            valid[indices] = True
        elif len(indices) > 1:
            half = len(indices) // 2
            pending.extend([indices[:half], indices[half:]])
    return BatchVerification(tuple(bool(v) for v in valid))
