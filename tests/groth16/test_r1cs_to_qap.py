"""The snarkjs-style QAP reduction: odd-coset quotient evaluations against the QAP at τ."""

from __future__ import annotations

import secrets

import pytest
from groth16_helpers import cube_r1cs, cube_witness

from zkreceipt.field import Fr
from zkreceipt.groth16.r1cs_to_qap import (
    domain_size_for,
    lagrange_at,
    odd_lagrange_at,
    qap_matrices,
    quotient_evaluations,
    wire_polynomials_at,
)
from zkreceipt.r1cs import SparseMatrix

R = Fr.modulus


def test_domain_size_matches_snarkjs_rule() -> None:
    # 2^(floor(log2(nConstraints + nPublic)) + 1)
    assert domain_size_for(3, 1) == 8
    assert domain_size_for(1023, 1) == 2048
    assert domain_size_for(1022, 1) == 1024
    assert domain_size_for(774, 3) == 1024


def test_input_consistency_rows_are_appended() -> None:
    qap = qap_matrices(cube_r1cs())
    assert qap.a.n_rows == 3 + 3 and qap.b.n_rows == 6
    aw = qap.a.mul_vector(Fr.from_ints(cube_witness(3, 5))).to_ints()
    assert aw[3:] == [1, 35, 5]  # rows for wire 0 (the constant), the output and the public offset


def qap_identity_holds(witness: list[int]) -> bool:
    """Σ P(odd points)·L_odd(τ) == A(τ)·B(τ) − C(τ) for the real C matrix."""
    r1cs = cube_r1cs()
    qap = qap_matrices(r1cs)
    n = qap.domain_size
    tau = secrets.randbelow(R)
    w = Fr.from_ints(witness)
    lag = lagrange_at(n, tau)
    a_t = wire_polynomials_at(qap.a, lag).inner(w).to_ints()[0]
    b_t = wire_polynomials_at(qap.b, lag).inner(w).to_ints()[0]
    c_rows = SparseMatrix(r1cs.c.rows, r1cs.c.cols, r1cs.c.coeffs, qap.a.n_rows, r1cs.n_wires)
    c_t = wire_polynomials_at(c_rows, lag).inner(w).to_ints()[0]
    h_sum = quotient_evaluations(qap, w).inner(odd_lagrange_at(n, tau)).to_ints()[0]
    return h_sum == (a_t * b_t - c_t) % R


def test_quotient_matches_qap_for_a_satisfying_witness() -> None:
    assert qap_identity_holds(cube_witness(3, 5))
    assert qap_identity_holds(cube_witness(R - 1, R - 2))


def test_quotient_identity_fails_for_a_bad_witness() -> None:
    bad = cube_witness(3, 5)
    bad[1] += 1
    assert not qap_identity_holds(bad)


def test_lagrange_basis_interpolates() -> None:
    n = 8
    tau = secrets.randbelow(R)
    lag = lagrange_at(n, tau).to_ints()
    # Σ Lᵢ(τ) = 1 and Σ ωⁱ·Lᵢ(τ) = τ.
    from zkreceipt.field import root_of_unity

    w = root_of_unity(n)
    assert sum(lag) % R == 1
    assert sum(pow(w, i, R) * l for i, l in enumerate(lag)) % R == tau


def plain_lagrange(m: int, k: int, tau: int) -> int:
    """L^(m)_k(τ) = Πⱼ≠ₖ (τ − ωʲ)/(ωᵏ − ωʲ) over the m-th roots of unity ω = 5^((r−1)/m), with Python ints."""
    omega = pow(5, (R - 1) // m, R)
    points = [pow(omega, j, R) for j in range(m)]
    numerator, denominator = 1, 1
    for j, x in enumerate(points):
        if j != k:
            numerator = numerator * (tau - x) % R
            denominator = denominator * (points[k] - x) % R
    return numerator * pow(denominator, -1, R) % R


@pytest.mark.parametrize("n", [2, 16])
def test_odd_lagrange_matches_the_product_formula(n: int) -> None:
    """The h_query scalars: the 2n-domain's Lagrange polynomials at its odd points, from their definition."""
    tau = secrets.randbelow(R)
    assert odd_lagrange_at(n, tau).to_ints() == [plain_lagrange(2 * n, 2 * i + 1, tau) for i in range(n)]
    assert lagrange_at(n, tau).to_ints() == [plain_lagrange(n, i, tau) for i in range(n)]
