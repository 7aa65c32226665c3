"""The one-party development setup: draw the secrets, evaluate the QAP at τ, commit in G1/G2.

The toxic waste (τ, α, β, γ, δ) lives in local variables of :func:`setup_development`
only: never logged, printed, returned or written. Whoever runs this setup could forge
proofs, so its keys are marked ``development=True``; production keys come from a
ceremony (a ``.ptau`` and phase-2 contributions).
"""

from __future__ import annotations

from typing import TypeVar

from ..curve import G1Points, G2Points
from ..field import Fr
from ..r1cs import R1CS, SparseMatrix
from .data_structures import ProvingKey, VerifyingKey
from .r1cs_to_qap import lagrange_at, odd_lagrange_at, qap_matrices, wire_polynomials_at


def _nonzero_secrets(count: int) -> list[int]:
    values = Fr.random(count).to_ints()
    while 0 in values:  # probability ~count/2^254
        values = Fr.random(count).to_ints()
    return values


PointsT = TypeVar("PointsT", G1Points, G2Points)


def _split(points: PointsT, lengths: list[int]) -> list[PointsT]:
    """Consecutive slices of ``points`` with the given lengths."""
    out, start = [], 0
    for length in lengths:
        out.append(points[start : start + length])
        start += length
    return out


def setup_development(r1cs: R1CS) -> ProvingKey:
    """A proving key (with its verifying key) for ``r1cs`` from fresh random secrets."""
    qap = qap_matrices(r1cs)
    n = qap.domain_size
    tau, alpha, beta, gamma, delta = _nonzero_secrets(5)
    while pow(tau, n, Fr.modulus) == 1:  # τ must lie off the evaluation domain
        tau = _nonzero_secrets(1)[0]
    lagrange = lagrange_at(n, tau)
    a_tau = wire_polynomials_at(qap.a, lagrange)
    b_tau = wire_polynomials_at(qap.b, lagrange)
    c_rows = SparseMatrix(r1cs.c.rows, r1cs.c.cols, r1cs.c.coeffs, qap.a.n_rows, r1cs.n_wires)
    c_tau = wire_polynomials_at(c_rows, lagrange)
    combined = a_tau * beta + b_tau * alpha + c_tau
    n_pub = r1cs.n_public + 1
    gamma_abc = combined[:n_pub] * pow(gamma, -1, Fr.modulus)
    l_values = combined[n_pub:] * pow(delta, -1, Fr.modulus)
    h_values = odd_lagrange_at(n, tau) * pow(delta, -1, Fr.modulus)
    del tau

    g1_parts = [Fr.from_ints([alpha, beta, delta]), gamma_abc, a_tau, b_tau, l_values, h_values]
    g2_parts = [Fr.from_ints([beta, gamma, delta]), b_tau]
    del alpha, beta, gamma, delta
    # One fixed-base batch per group: every query is a multiple of the generator.
    g1_points = G1Points.generator() * Fr.concatenate(g1_parts)
    g2_points = G2Points.generator() * Fr.concatenate(g2_parts)
    secrets_g1, ic, a_query, b_g1_query, l_query, h_query = _split(g1_points, [len(v) for v in g1_parts])
    secrets_g2, b_g2_query = _split(g2_points, [len(v) for v in g2_parts])
    alpha_g1, beta_g1, delta_g1 = secrets_g1[0], secrets_g1[1], secrets_g1[2]
    beta_g2, gamma_g2, delta_g2 = secrets_g2[0], secrets_g2[1], secrets_g2[2]
    vk = VerifyingKey(alpha_g1=alpha_g1, beta_g2=beta_g2, gamma_g2=gamma_g2, delta_g2=delta_g2, gamma_abc_g1=ic)
    return ProvingKey(
        vk=vk,
        beta_g1=beta_g1,
        delta_g1=delta_g1,
        a_query=a_query,
        b_g1_query=b_g1_query,
        b_g2_query=b_g2_query,
        l_query=l_query,
        h_query=h_query,
        qap=qap,
        development=True,
    )
