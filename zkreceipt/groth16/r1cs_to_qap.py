"""From an R1CS to a quadratic arithmetic program, the way snarkjs does it.

The QAP's domain is the n-th roots of unity ω^i (n = ``domain_size``); constraint
row i is the Lagrange polynomial Lᵢ. Like snarkjs, the A matrix gets one extra
row per public wire j = 0 … n_public (row ``n_constraints + j``: coefficient 1 at
wire j, nothing in B or C) so that the public inputs are bound to the proof.

The quotient is computed on the odd coset of the 2n-th roots of unity
(``CircomReduction`` in ark-circom): with P = A·B − C, which vanishes on the n
roots, P(τ) = Σᵢ P(ω₂ₙ^(2i+1)) · L^(2n)_(2i+1)(τ). So the prover evaluates A, B,
C at the odd points ω₂ₙ^(2i+1), and the proving key's ``h_query`` holds
L^(2n)_(2i+1)(τ)/δ·G1 — exactly what a snarkjs ``.zkey`` stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import CircuitError
from ..field import FieldVector, Fr, intt, ntt, parallel, root_of_unity
from ..field.ntt import PARALLEL_MIN_SIZE, _twiddles, ntt_in_place, powers
from ..field.parallel import parallel_for
from ..r1cs import R1CS, SparseMatrix
from . import _qap_kernels


def domain_size_for(n_constraints: int, n_public: int) -> int:
    """snarkjs's domain: 2^(⌊log2(n_constraints + n_public)⌋ + 1), which fits every row."""
    rows = n_constraints + n_public
    size = 1 << (max(rows, 1).bit_length())
    if size > 1 << (Fr.two_adicity - 1):  # the odd coset needs 2n-th roots of unity
        raise CircuitError(f"{n_constraints} constraints exceed the largest domain Fr supports")
    return size


@dataclass(frozen=True)
class QapMatrices:
    """The matrices the prover evaluates, over a domain of ``domain_size`` rows.

    ``a``: the R1CS A plus the public-input rows; ``b``: the R1CS B (same row
    count as ``a``); C·w is never needed by the prover, which takes (A·w)∘(B·w).
    """

    a: SparseMatrix
    b: SparseMatrix
    n_public: int
    domain_size: int

    @property
    def n_wires(self) -> int:
        return self.a.n_cols


def qap_matrices(r1cs: R1CS) -> QapMatrices:
    """A with the n_public + 1 input-consistency rows appended, and B padded to match."""
    n = r1cs.n_constraints
    extra = r1cs.n_public + 1
    public_wires = np.arange(extra, dtype=np.int64)
    a = SparseMatrix(
        np.concatenate([r1cs.a.rows, n + public_wires]),
        np.concatenate([r1cs.a.cols, public_wires]),
        r1cs.a.coeffs.field.concatenate([r1cs.a.coeffs, Fr.ones(extra)]),
        n + extra,
        r1cs.n_wires,
    )
    b = SparseMatrix(r1cs.b.rows, r1cs.b.cols, r1cs.b.coeffs, n + extra, r1cs.n_wires)
    return QapMatrices(a, b, r1cs.n_public, domain_size_for(n, r1cs.n_public))


def _padded(v: FieldVector, size: int) -> FieldVector:
    return Fr.concatenate([v, Fr.zeros(size - len(v))]) if len(v) < size else v


def odd_coset_shift(domain_size: int) -> int:
    """ω₂ₙ, the primitive 2n-th root of unity: evaluating at ω₂ₙ·ωₙ^i hits the odd 2n-th roots."""
    return root_of_unity(2 * domain_size)


def constraint_evaluations(qap: QapMatrices, witness: FieldVector) -> tuple[FieldVector, FieldVector]:
    """(A·w, B·w) zero-padded to the domain size: the R1CS evaluation step of proving."""
    n = qap.domain_size
    return _padded(qap.a.mul_vector(witness), n), _padded(qap.b.mul_vector(witness), n)


def quotient_from_evaluations(aw: FieldVector, bw: FieldVector) -> FieldVector:
    """P = A·B − C at the odd 2n-th roots, from A·w and B·w on the n-domain (six NTTs of size n)."""
    n = len(aw)
    cw = aw * bw  # C·w = (A·w)∘(B·w) on every row of a satisfying witness
    shift = powers(1, odd_coset_shift(n), n)
    a_odd, b_odd, c_odd = (ntt(intt(evals) * shift) for evals in (aw, bw, cw))
    return a_odd * b_odd - c_odd


def quotient_evaluations(qap: QapMatrices, witness: FieldVector) -> FieldVector:
    """P = A·B − C evaluated at the odd 2n-th roots ω₂ₙ^(2i+1), i < n: the h_query scalars.

    ``witness``: Fr vector of length ``n_wires`` (wire 0 = 1).
    """
    return quotient_from_evaluations(*constraint_evaluations(qap, witness))


def quotient_evaluations_many(qap: QapMatrices, witnesses: Sequence[FieldVector]) -> list[FieldVector]:
    """:func:`quotient_evaluations` for K witnesses in one compiled call, witnesses spread over all cores."""
    n = qap.domain_size
    if not witnesses:
        return []
    for index, w in enumerate(witnesses):
        if w.field is not Fr or len(w) != qap.n_wires:
            raise CircuitError(f"witness {index}: expected {qap.n_wires} Fr values, got {len(w)} over {w.field.name}")
    scale = powers(pow(n, -1, Fr.modulus), odd_coset_shift(n), n).limbs
    if len(witnesses) == 1 and n >= 2 * PARALLEL_MIN_SIZE and parallel.threads() > 1:
        return [_quotient_on_all_cores(qap, witnesses[0], scale)]
    stacked = np.stack([w.limbs for w in witnesses])
    out = np.empty((len(witnesses), n, 4), dtype=np.uint64)
    parallel_for(
        _qap_kernels.quotients,
        len(witnesses),
        qap.a.rows,
        qap.a.cols,
        qap.a.coeffs.limbs,
        qap.b.rows,
        qap.b.cols,
        qap.b.coeffs.limbs,
        stacked,
        _twiddles(n, True),
        scale,
        _twiddles(n, False),
        n.bit_length() - 1,
        Fr.modulus_words,
        Fr.ninv,
        out,
    )
    return [FieldVector(Fr, out[k]) for k in range(len(witnesses))]


def _quotient_on_all_cores(qap: QapMatrices, witness: FieldVector, scale: np.ndarray) -> FieldVector:
    """One witness's quotient (as ``_qap_kernels.quotients``) with every transform spread over the cores."""
    n = qap.domain_size
    log_n = n.bit_length() - 1
    aw, bw = constraint_evaluations(qap, witness)
    odd = []
    for evals in (aw, bw, aw * bw):
        v = np.array(evals.limbs, dtype=np.uint64, order="C")
        ntt_in_place(v, _twiddles(n, True), log_n, Fr.modulus_words, Fr.ninv)
        v = (FieldVector(Fr, v) * FieldVector(Fr, scale)).limbs
        ntt_in_place(v, _twiddles(n, False), log_n, Fr.modulus_words, Fr.ninv)
        odd.append(FieldVector(Fr, v))
    return odd[0] * odd[1] - odd[2]


def lagrange_at(domain_size: int, tau: int) -> FieldVector:
    """Lᵢ(τ) for the n-th roots of unity, i < n: (τⁿ − 1)/n · ωⁱ/(τ − ωⁱ).

    τ must not be a root of unity of the domain (a random τ is not, except with
    negligible probability; the caller draws again if it is).
    """
    r = Fr.modulus
    omegas = powers(1, root_of_unity(domain_size), domain_size)
    z_over_n = (pow(tau, domain_size, r) - 1) * pow(domain_size, -1, r) % r
    return omegas * (Fr.full(domain_size, tau) - omegas).inv() * z_over_n


def odd_lagrange_at(domain_size: int, tau: int) -> FieldVector:
    """L^(2n)_(2i+1)(τ) for i < n: the 2n-domain Lagrange polynomials at its odd points."""
    return lagrange_at(2 * domain_size, tau)[1::2]


def transposed(m: SparseMatrix) -> SparseMatrix:
    return SparseMatrix(m.cols, m.rows, m.coeffs, m.n_cols, m.n_rows)


def wire_polynomials_at(matrix: SparseMatrix, lagrange: FieldVector) -> FieldVector:
    """uⱼ(τ) = Σᵢ Mᵢⱼ·Lᵢ(τ) for every wire j: the matrix transposed times the Lagrange vector."""
    return transposed(matrix).mul_vector(lagrange[: matrix.n_rows])
