"""Plain twins of the prover: the quotient with Python ints (an O(n²) interpolation, no NTT), the
witness MSM sums and the whole proof with py_ecc, against the compiled kernels on small circuits.

Nothing here calls zkreceipt's field, NTT or curve code: the twins take the R1CS and the proving
key's points as data and redo the prover's arithmetic from its definitions (``prover.py``,
``r1cs_to_qap.py``). The roots of unity are 5^((r−1)/m), as ffjavascript (snarkjs) derives them.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from groth16_helpers import cube_r1cs, cube_witness
from py_ecc import optimized_bn128 as ob
from zkreceipt.circuits.mul_chain import MulChain

from zkreceipt.circuit import compile_circuit
from zkreceipt.curve.plain import to_py_ecc
from zkreceipt.field import Fr
from zkreceipt.groth16 import Proof, ProvingKey, prove_with_randomness, setup_development
from zkreceipt.groth16.prover import witness_sums
from zkreceipt.groth16.prover_bases import ProverBases
from zkreceipt.groth16.r1cs_to_qap import qap_matrices, quotient_evaluations, quotient_evaluations_many
from zkreceipt.r1cs import R1CS, SparseMatrix

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


# --- the quotient, with Python ints ------------------------------------------------------------------


def rows_times_witness(matrix: SparseMatrix, witness: list[int], n_rows: int) -> list[int]:
    """(M·w)ᵢ for i < n_rows, from the matrix's (row, col, coeff) entries."""
    out = [0] * n_rows
    for row, col, coeff in zip(matrix.rows.tolist(), matrix.cols.tolist(), matrix.coeffs.to_ints(), strict=True):
        out[row] = (out[row] + coeff * witness[col]) % R
    return out


def interpolate_and_evaluate(values: list[int], points: list[int]) -> list[int]:
    """The polynomial through (ωⁱ, valuesᵢ) on the n-th roots of unity, evaluated at ``points``."""
    n = len(values)
    omega_inverse = pow(pow(5, (R - 1) // n, R), -1, R)
    n_inverse = pow(n, -1, R)
    coefficients = [
        n_inverse * sum(v * pow(omega_inverse, i * k, R) for i, v in enumerate(values)) % R for k in range(n)
    ]
    return [sum(c * pow(x, k, R) for k, c in enumerate(coefficients)) % R for x in points]


def plain_quotient(r1cs: R1CS, witness: list[int]) -> list[int]:
    """P = A·B − C at the odd 2n-th roots ω₂ₙ^(2i+1), i < n, with A's input-consistency rows
    (row n_constraints + j: wire j, for j = 0 … n_public) and the R1CS's own C matrix."""
    m = r1cs.n_constraints
    n = 1 << (m + r1cs.n_public).bit_length()  # snarkjs: 2^(⌊log2(constraints + public)⌋ + 1)
    a = rows_times_witness(r1cs.a, witness, n)
    for j in range(r1cs.n_public + 1):
        a[m + j] = (a[m + j] + witness[j]) % R
    b = rows_times_witness(r1cs.b, witness, n)
    c = rows_times_witness(r1cs.c, witness, n)
    omega_2n = pow(5, (R - 1) // (2 * n), R)
    odd = [pow(omega_2n, 2 * i + 1, R) for i in range(n)]
    a_odd, b_odd, c_odd = (interpolate_and_evaluate(v, odd) for v in (a, b, c))
    return [(x * y - z) % R for x, y, z in zip(a_odd, b_odd, c_odd, strict=True)]


@pytest.fixture(scope="module")
def chain() -> tuple[R1CS, list[list[int]]]:
    compiled = compile_circuit(MulChain(20))
    witnesses = [compiled.solve({"a": a, "b": b}).values.to_ints() for a, b in ((3, 5), (R - 1, 0), (2, R - 2))]
    return compiled.r1cs, witnesses


def test_quotient_equals_its_plain_twin(chain: tuple[R1CS, list[list[int]]]) -> None:
    cube = cube_r1cs()
    cases = [(cube, [cube_witness(3, 5), cube_witness(0, 0), cube_witness(R - 1, R - 2)]), chain]
    for r1cs, witnesses in cases:
        qap = qap_matrices(r1cs)
        vectors = [Fr.from_ints(w) for w in witnesses]
        many = quotient_evaluations_many(qap, vectors)
        for w, vector, from_many in zip(witnesses, vectors, many, strict=True):
            expected = plain_quotient(r1cs, w)
            assert len(expected) == qap.domain_size
            assert quotient_evaluations(qap, vector).to_ints() == expected
            assert from_many.to_ints() == expected


def test_the_twin_quotient_vanishes_exactly_for_satisfying_witnesses() -> None:
    """Self-check of the twin: on the n roots of unity themselves P = A·B − C is 0 iff the witness satisfies."""
    r1cs = cube_r1cs()
    n = 8
    omega = pow(5, (R - 1) // n, R)
    for witness, satisfies in ((cube_witness(3, 5), True), ([1, 36, 5, 3, 9, 28], False)):
        rows = [rows_times_witness(m, witness, n) for m in (r1cs.a, r1cs.b, r1cs.c)]
        for j in range(r1cs.n_public + 1):
            rows[0][r1cs.n_constraints + j] = (rows[0][r1cs.n_constraints + j] + witness[j]) % R
        at_roots = [interpolate_and_evaluate(v, [pow(omega, i, R) for i in range(n)]) for v in rows]
        assert at_roots == rows  # interpolation reproduces the rows
        products = [(x * y - z) % R for x, y, z in zip(*at_roots, strict=True)]
        assert (products == [0] * n) == satisfies


# --- the witness MSM sums and the proof, with py_ecc ----------------------------------------------------


def plain_msm(points: Any, scalars: list[int]) -> Any:
    """Σ kⱼ·Pⱼ one point at a time with py_ecc (the points converted from the key, nothing else)."""
    total = None
    for point, k in zip(to_py_ecc(points), scalars, strict=True):
        term = ob.multiply(point, k % R)
        total = term if total is None else ob.add(total, term)
    return total


def same(ours: Any, plain: Any) -> bool:
    return ob.eq(to_py_ecc(ours)[0], plain)


def plain_proof(pk: ProvingKey, r1cs: R1CS, witness: list[int], r: int, s: int) -> tuple[Any, Any, Any]:
    """(A, B, C) of prover.py's formulas with py_ecc and the twin quotient."""
    (alpha,), (beta1,), (beta2,) = to_py_ecc(pk.vk.alpha_g1), to_py_ecc(pk.beta_g1), to_py_ecc(pk.vk.beta_g2)
    (delta1,), (delta2,) = to_py_ecc(pk.delta_g1), to_py_ecc(pk.vk.delta_g2)
    a = ob.add(ob.add(alpha, plain_msm(pk.a_query, witness)), ob.multiply(delta1, r))
    b2 = ob.add(ob.add(beta2, plain_msm(pk.b_g2_query, witness)), ob.multiply(delta2, s))
    b1 = ob.add(ob.add(beta1, plain_msm(pk.b_g1_query, witness)), ob.multiply(delta1, s))
    private = plain_msm(pk.l_query, witness[pk.n_public + 1 :])
    c = ob.add(private, plain_msm(pk.h_query, plain_quotient(r1cs, witness)))
    c = ob.add(ob.add(c, ob.multiply(a, s)), ob.multiply(b1, r))
    return a, b2, ob.add(c, ob.neg(ob.multiply(delta1, r * s % R)))


@pytest.mark.parametrize("tables", [False, True], ids=["plain", "tables"])
def test_witness_msm_sums_equal_their_py_ecc_twins(cube_key: ProvingKey, tables: bool) -> None:
    """The grouped, shared-wire sums of a mixed chunk (witnesses agreeing on some wires, not others)."""
    witnesses = [cube_witness(5, 7), cube_witness(5, 10), cube_witness(9, 7), [1, 0, R - 1, 0, 1, R - 1]]
    bases = ProverBases.with_tables(cube_key) if tables else ProverBases.plain(cube_key)
    sums = witness_sums(cube_key, bases, [Fr.from_ints(w) for w in witnesses])
    for i, w in enumerate(witnesses):
        assert same(sums.a[i], plain_msm(cube_key.a_query, w))
        assert same(sums.b_g1[i], plain_msm(cube_key.b_g1_query, w))
        assert same(sums.b_g2[i], plain_msm(cube_key.b_g2_query, w))
        assert same(sums.l[i], plain_msm(cube_key.l_query, w[3:]))


def test_a_whole_proof_equals_its_plain_twin(cube_key: ProvingKey) -> None:
    cube = cube_r1cs()
    for witness in (cube_witness(3, 5), cube_witness(R - 1, 2)):
        r, s = secrets.randbelow(R), secrets.randbelow(R)
        proof: Proof = prove_with_randomness(cube_key, Fr.from_ints(witness), r, s)
        a, b, c = plain_proof(cube_key, cube, witness, r, s)
        assert same(proof.a, a) and same(proof.b, b) and same(proof.c, c)


def test_the_twin_proof_of_a_larger_circuit(chain: tuple[R1CS, list[list[int]]]) -> None:
    r1cs, witnesses = chain
    pk = setup_development(r1cs)
    r, s = secrets.randbelow(R), secrets.randbelow(R)
    proof = prove_with_randomness(pk, Fr.from_ints(witnesses[0]), r, s)
    a, b, c = plain_proof(pk, r1cs, witnesses[0], r, s)
    assert same(proof.a, a) and same(proof.b, b) and same(proof.c, c)
