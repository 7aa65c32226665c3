"""``snarkjs zkey new`` (``groth16 setup`` with a .ptau): the initial phase-2 key.

From a circuit's R1CS and a powers-of-tau file prepared for phase 2, exactly as
``zkey_new.js`` builds it, byte for byte:

* domain: n = 2^k with k = ⌊log₂(n_constraints + ℓ)⌋ + 1 (ℓ = public wires), so the
  r1cs rows and the ℓ + 1 input-consistency rows fit; the ptau's power must be ≥ k.
* header: α₁, β₁, β₂ from the ptau (alphaTauG1[0], betaTauG1[0], betaG2), γ₂ = δ₂ = G2
  and δ₁ = G1 (γ = δ = 1: contributions then move δ).
* with L_j the Lagrange basis of the size-n domain, read from the ptau's sections 12–15
  (L_j(τ)·G1, L_j(τ)·G2, α·L_j(τ)·G1, β·L_j(τ)·G1), per wire i:
  Aᵢ = Σ_j A[j,i]·L_j(τ)·G1 (plus L_{n_c+i}(τ)·G1 for a public wire, its
  input-consistency row), B1ᵢ / B2ᵢ = Σ_j B[j,i]·L_j(τ) in G1 / G2, and
  Kᵢ = Σ_j (A[j,i]·β + B[j,i]·α + C[j,i])·L_j(τ)·G1 (β·L_{n_c+i} for public wires):
  IC = K of the public wires (γ = 1), C section = K of the private wires (δ = 1).
* H: the odd points of the 2n-domain Lagrange block of section 12 (see ``zkey_file``).
* the coefficients section: per constraint its A terms then its B terms (file order),
  then the input-consistency rows; section 10: csHash (``formats.zkey_circuit_hash``),
  no contributions.

The per-wire sums are sparse (each wire sits in a few rows) and run as one kernel
pass per section (:func:`zkreceipt.curve.sparse_sums.sparse_sums`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..curve import G1Points, G2Points
from ..curve.sparse_sums import sparse_sums
from ..field import FieldVector, Fr
from ..formats.ptau_file import PtauReader, PtauSection, PtauTooSmallError
from ..formats.r1cs_file import read_r1cs
from ..formats.zkey_circuit_hash import CircuitHashInputs, circuit_hash, snarkjs_h_hash_count
from ..formats.zkey_file import (
    MATRIX_A,
    MATRIX_B,
    SETUP_SECTION_ORDER,
    Groth16Zkey,
    ZkeyCoefficients,
    ZkeyContributions,
    ZkeyHeader,
    write_zkey,
)
from ..r1cs import R1CS


def setup_domain_power(r1cs: R1CS) -> int:
    """k of snarkjs's domain 2^k: ⌊log₂(n_constraints + ℓ)⌋ + 1 (``log2`` of 0 is 0)."""
    rows = r1cs.n_constraints + r1cs.n_public
    return max(rows.bit_length() - 1, 0) + 1


@dataclass(frozen=True, eq=False)
class _QapTerms:
    """Every (row, wire, coefficient) the key sums over; A includes the input-consistency
    rows (row n_c + i, wire i, 1 for i = 0..ℓ). ``rows``/``wires``: (m,) int64."""

    rows: np.ndarray
    wires: np.ndarray
    coeffs: FieldVector


def _terms(r1cs: R1CS) -> tuple[_QapTerms, _QapTerms, _QapTerms]:
    public = np.arange(r1cs.n_public + 1, dtype=np.int64)
    a = _QapTerms(
        np.concatenate([r1cs.a.rows, r1cs.n_constraints + public]),
        np.concatenate([r1cs.a.cols, public]),
        Fr.concatenate([r1cs.a.coeffs, Fr.ones(len(public))]),
    )
    b = _QapTerms(r1cs.b.rows, r1cs.b.cols, r1cs.b.coeffs)
    c = _QapTerms(r1cs.c.rows, r1cs.c.cols, r1cs.c.coeffs)
    return a, b, c


def setup_coefficients(r1cs: R1CS) -> ZkeyCoefficients:
    """Section 4 as ``zkey_new.js`` writes it: for each constraint its A terms then its B
    terms (in the r1cs's order), then the input-consistency rows."""
    n_a, n_b = r1cs.a.nnz, r1cs.b.nnz
    matrix = np.concatenate([np.full(n_a, MATRIX_A), np.full(n_b, MATRIX_B)]).astype(np.int64)
    rows = np.concatenate([r1cs.a.rows, r1cs.b.rows])
    order = np.argsort(rows * 2 + matrix, kind="stable")
    public = np.arange(r1cs.n_public + 1, dtype=np.int64)
    return ZkeyCoefficients(
        matrix=np.concatenate([matrix[order], np.full(len(public), MATRIX_A)]).astype(np.uint8),
        constraint=np.concatenate([rows[order], r1cs.n_constraints + public]),
        signal=np.concatenate([np.concatenate([r1cs.a.cols, r1cs.b.cols])[order], public]),
        values=Fr.concatenate([Fr.concatenate([r1cs.a.coeffs, r1cs.b.coeffs])[order], Fr.ones(len(public))]),
    )


def _check_power(ptau: PtauReader, r1cs: R1CS, power: int) -> None:
    if power > ptau.header.power:
        raise PtauTooSmallError(
            ptau.path,
            f"the circuit needs a domain of 2^{power} (it has {r1cs.n_constraints} constraints and "
            f"{r1cs.n_public} public signals), but this powers of tau has power {ptau.header.power}",
        )
    if power >= Fr.two_adicity:
        raise PtauTooSmallError(ptau.path, f"a domain of 2^{power} is too big for BN254 (2^{Fr.two_adicity - 1} max)")
    if snarkjs_h_hash_count(2**power) + 2**power > ptau.header.point_count(PtauSection.TAU_G1):
        # zkey_new.js would hash bytes past the tauG1 section here (see zkey_circuit_hash).
        raise PtauTooSmallError(
            ptau.path,
            f"a domain of 2^{power} needs a powers of tau of power {power + 1} or more (snarkjs reads past "
            f"tauG1 at power {power})",
        )


def zkey_new(r1cs: R1CS, ptau_path: str | Path) -> Groth16Zkey:
    """The initial phase-2 key of ``r1cs`` from the prepared ptau at ``ptau_path``
    (``snarkjs zkey new``); ``section_order`` is snarkjs's setup order, so
    :func:`write_zkey` reproduces snarkjs's file byte for byte."""
    power = setup_domain_power(r1cs)
    n = 2**power
    n_public = r1cs.n_public
    with PtauReader(ptau_path) as ptau:
        _check_power(ptau, r1cs, power)
        tau_g1 = ptau.lagrange_tau_g1(power)
        tau_g2 = ptau.lagrange_tau_g2(power)
        alpha_tau_g1 = ptau.lagrange_alpha_tau_g1(power)
        beta_tau_g1 = ptau.lagrange_beta_tau_g1(power)
        h_query = ptau.lagrange_tau_g1(power + 1)[1::2]
        h_count = snarkjs_h_hash_count(n)
        powers = ptau.tau_g1(n + h_count)
        header = ZkeyHeader(
            n_vars=r1cs.n_wires,
            n_public=n_public,
            domain_size=n,
            alpha1=ptau.alpha_tau_g1(1),
            beta1=ptau.beta_tau_g1(1),
            beta2=ptau.beta_g2(),
            gamma2=G2Points.generator(),
            delta1=G1Points.generator(),
            delta2=G2Points.generator(),
        )

    a, b, c = _terms(r1cs)
    n_wires = r1cs.n_wires
    a_query = sparse_sums(tau_g1[a.rows], a.coeffs, a.wires, n_wires)
    b1_query = sparse_sums(tau_g1[b.rows], b.coeffs, b.wires, n_wires)
    b2_query = sparse_sums(tau_g2[b.rows], b.coeffs, b.wires, n_wires)
    # K_i = Σ (β·A + α·B + C)·L(τ)·G1: one sparse sum over the three sources of bases.
    k_query = sparse_sums(
        G1Points.concatenate([beta_tau_g1[a.rows], alpha_tau_g1[b.rows], tau_g1[c.rows]]),
        Fr.concatenate([a.coeffs, b.coeffs, c.coeffs]),
        np.concatenate([a.wires, b.wires, c.wires]),
        n_wires,
    )
    ic, c_query = k_query[: n_public + 1], k_query[n_public + 1 :]

    h_hashed = powers[n : n + h_count] - powers[:h_count]  # τⁱ·Z(τ)·G1 = (τ^(i+n) − τⁱ)·G1
    cs_hash = circuit_hash(
        CircuitHashInputs(header, ic, h_hashed, n - 1, c_query, a_query, b1_query, b2_query)
    )
    return Groth16Zkey(
        header=header,
        ic=ic,
        coefficients=setup_coefficients(r1cs),
        a_query=a_query,
        b1_query=b1_query,
        b2_query=b2_query,
        c_query=c_query,
        h_query=h_query,
        contributions=ZkeyContributions.empty(cs_hash),
        section_order=SETUP_SECTION_ORDER,
    )


def zkey_new_files(r1cs_path: str | Path, ptau_path: str | Path, zkey_path: str | Path) -> bytes:
    """``snarkjs zkey new R1CS PTAU ZKEY``: write the initial key (0600); return its csHash."""
    zkey = zkey_new(read_r1cs(r1cs_path).r1cs, ptau_path)
    write_zkey(zkey_path, zkey)
    return zkey.contributions.cs_hash
