"""snarkjs Groth16 keys through zkreceipt's reader and writer.

Checks the header and coefficients against the .r1cs, the points against the .ptau they
came from (the documented math of every query, on the fresh key where δ = γ = 1), the
verification key snarkjs exports, and that snarkjs verifies and proves with keys zkreceipt wrote.
"""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from interop_files import CircuitFiles, InteropFiles
from tools import snarkjs

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.field import Fr
from zkreceipt.formats import (
    PtauReader,
    read_r1cs,
    read_wtns,
    read_zkey,
    write_wtns,
    write_zkey,
)
from zkreceipt.formats.zkey_file import SETUP_SECTION_ORDER, ZkeyCoefficients
from zkreceipt.r1cs import R1CS, SparseMatrix

P = TypeVar("P", G1Points, G2Points)


def per_wire_sums(bases: P, matrix: SparseMatrix, n_wires: int) -> P:
    """Σ_rows M[row, i]·bases[row] for every wire i: the commitment to column i of M."""
    terms = bases[matrix.rows] * matrix.coeffs
    cls = type(bases)
    sums = [cls.infinity(1)] * n_wires
    for wire in np.unique(matrix.cols):
        sums[int(wire)] = terms[np.flatnonzero(matrix.cols == wire)].sum()
    return cls.concatenate(sums)


def test_header_and_coefficients_match_the_r1cs(circuit: CircuitFiles) -> None:
    r1cs = read_r1cs(circuit.r1cs).r1cs
    for path in (circuit.zkey_setup, circuit.zkey):
        zkey = read_zkey(path)
        assert (zkey.header.n_vars, zkey.header.n_public, zkey.n_constraints) == (r1cs.n_wires, r1cs.n_public, r1cs.n_constraints)
        # snarkjs: domainSize = 2^(floor(log2(nConstraints + nPublic)) + 1)
        assert zkey.header.domain_size == 2 ** ((r1cs.n_constraints + r1cs.n_public).bit_length())
        expected = _expected_coefficients(r1cs)
        got = zkey.coefficients
        assert np.array_equal(got.matrix, expected.matrix)
        assert np.array_equal(got.constraint, expected.constraint)
        assert np.array_equal(got.signal, expected.signal)
        assert got.values.to_ints() == expected.values.to_ints()


def _expected_coefficients(r1cs: R1CS) -> ZkeyCoefficients:
    """snarkjs's section 4: per constraint the A terms then the B terms, then the ℓ+1 consistency rows."""
    n_public_rows = r1cs.n_public + 1
    rows = np.concatenate([r1cs.a.rows, r1cs.b.rows])
    which = np.concatenate([np.zeros(r1cs.a.nnz, np.uint8), np.ones(r1cs.b.nnz, np.uint8)])
    order = np.argsort(rows * 2 + which, kind="stable")
    wires = np.arange(n_public_rows)
    return ZkeyCoefficients(
        matrix=np.concatenate([which[order], np.zeros(n_public_rows, np.uint8)]),
        constraint=np.concatenate([rows[order], r1cs.n_constraints + wires]),
        signal=np.concatenate([np.concatenate([r1cs.a.cols, r1cs.b.cols])[order], wires]),
        values=Fr.concatenate([Fr.concatenate([r1cs.a.coeffs, r1cs.b.coeffs])[order], Fr.ones(n_public_rows)]),
    )


def test_a_b_matrices_include_the_consistency_rows(circuit: CircuitFiles) -> None:
    zkey = read_zkey(circuit.zkey)
    n_rows = zkey.n_constraints + zkey.header.n_public + 1
    a = zkey.coefficients.sparse_matrix(0, n_rows, zkey.header.n_vars)
    r1cs = read_r1cs(circuit.r1cs).r1cs
    assert a.nnz == r1cs.a.nnz + zkey.header.n_public + 1
    assert zkey.coefficients.sparse_matrix(1, n_rows, zkey.header.n_vars).nnz == r1cs.b.nnz


def test_fresh_key_points_follow_the_documented_math(circuit: CircuitFiles) -> None:
    """With γ = δ = 1 every query is a fixed combination of the ptau's Lagrange points."""
    zkey = read_zkey(circuit.zkey_setup)
    r1cs = read_r1cs(circuit.r1cs).r1cs
    n_rows = zkey.n_constraints + zkey.header.n_public + 1
    a = zkey.coefficients.sparse_matrix(0, n_rows, zkey.header.n_vars)
    b = zkey.coefficients.sparse_matrix(1, n_rows, zkey.header.n_vars)
    c = SparseMatrix(r1cs.c.rows, r1cs.c.cols, r1cs.c.coeffs, n_rows, r1cs.n_wires)
    k = zkey.domain_power
    with PtauReader(circuit.ptau) as ptau:
        tau_g1, tau_g2 = ptau.lagrange_tau_g1(k), ptau.lagrange_tau_g2(k)
        alpha_tau, beta_tau = ptau.lagrange_alpha_tau_g1(k), ptau.lagrange_beta_tau_g1(k)
        assert (zkey.header.alpha1 == ptau.alpha_tau_g1(1)).all()
        assert (zkey.header.beta1 == ptau.beta_tau_g1(1)).all()
        assert (zkey.header.beta2 == ptau.beta_g2()).all()
        assert (zkey.h_query == ptau.lagrange_tau_g1(k + 1)[1::2]).all()
    assert (zkey.header.gamma2 == G2Points.generator()).all()
    assert (zkey.header.delta1 == G1Points.generator()).all() and (zkey.header.delta2 == G2Points.generator()).all()

    n = zkey.header.n_vars
    assert (zkey.a_query == per_wire_sums(tau_g1, a, n)).all()
    assert (zkey.b1_query == per_wire_sums(tau_g1, b, n)).all()
    assert (zkey.b2_query == per_wire_sums(tau_g2, b, n)).all()
    combined = per_wire_sums(beta_tau, a, n) + per_wire_sums(alpha_tau, b, n) + per_wire_sums(tau_g1, c, n)
    assert (zkey.ic == combined[: zkey.header.n_public + 1]).all()
    assert (zkey.c_query == combined[zkey.header.n_public + 1 :]).all()


def test_contribution_changes_only_delta_c_h(circuit: CircuitFiles) -> None:
    fresh, contributed = read_zkey(circuit.zkey_setup), read_zkey(circuit.zkey)
    for name in ("alpha1", "beta1", "beta2", "gamma2"):
        assert (getattr(fresh.header, name) == getattr(contributed.header, name)).all(), name
    for name in ("ic", "a_query", "b1_query", "b2_query"):
        assert (getattr(fresh, name) == getattr(contributed, name)).all(), name
    for name in ("delta1", "delta2"):
        assert not (getattr(fresh.header, name) == getattr(contributed.header, name)).all(), name
    assert not (fresh.c_query == contributed.c_query).any()
    assert not (fresh.h_query == contributed.h_query).any()
    assert fresh.contributions.contributions == ()
    (entry,) = contributed.contributions.contributions
    assert entry.name == "zkreceipt interop test"
    assert (entry.delta_after == contributed.header.delta1).all()
    assert fresh.contributions.cs_hash == contributed.contributions.cs_hash
    assert fresh.section_order == SETUP_SECTION_ORDER
    assert contributed.section_order == tuple(range(1, 11))


def test_points_match_the_exported_verification_key(circuit: CircuitFiles) -> None:
    zkey = read_zkey(circuit.zkey)
    vkey = json.loads(circuit.vkey.read_text())
    assert vkey["protocol"] == "groth16" and vkey["nPublic"] == zkey.header.n_public
    assert (G1Points.from_json([vkey["vk_alpha_1"]]) == zkey.header.alpha1).all()
    assert (G2Points.from_json([vkey["vk_beta_2"]]) == zkey.header.beta2).all()
    assert (G2Points.from_json([vkey["vk_gamma_2"]]) == zkey.header.gamma2).all()
    assert (G2Points.from_json([vkey["vk_delta_2"]]) == zkey.header.delta2).all()
    assert (G1Points.from_json(vkey["IC"]) == zkey.ic).all()


def test_round_trip_is_byte_exact_and_private(circuit: CircuitFiles, tmp_path: Path) -> None:
    for path in (circuit.zkey_setup, circuit.zkey):
        copy = tmp_path / path.name
        write_zkey(copy, read_zkey(path))
        assert copy.read_bytes() == path.read_bytes()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_snarkjs_verifies_a_zkey_zkreceipt_rewrote(circuit: CircuitFiles, tmp_path: Path) -> None:
    """The fresh key rewritten in section order 1..10 (different bytes) still passes ``zkey verify``."""
    zkey = read_zkey(circuit.zkey_setup)
    rewritten = tmp_path / "rewritten.zkey"
    write_zkey(rewritten, replace(zkey, section_order=tuple(range(1, 11))))
    assert rewritten.read_bytes() != circuit.zkey_setup.read_bytes()
    assert snarkjs("zkey", "verify", circuit.r1cs, circuit.ptau, rewritten).ok


def test_snarkjs_rejects_a_zkey_with_a_wrong_h_point(interop_files: InteropFiles, tmp_path: Path) -> None:
    """A structurally valid key with two H points swapped: zkreceipt reads it, snarkjs's
    verification catches it (so the previous test's success means something)."""
    circuit = interop_files.circuits["multiplier"]
    zkey = read_zkey(circuit.zkey_setup)
    h = zkey.h_query.xy.copy()
    h[[0, 1]] = h[[1, 0]]
    tampered = tmp_path / "tampered.zkey"
    write_zkey(tampered, replace(zkey, h_query=G1Points(h)))
    assert read_zkey(tampered).header.domain_size == zkey.header.domain_size
    result = snarkjs("zkey", "verify", circuit.r1cs, circuit.ptau, tampered, check=False)
    assert not result.ok


@pytest.mark.parametrize("name", ["multiplier", "priced_commitment"])
def test_snarkjs_proves_with_files_zkreceipt_wrote(name: str, interop_files: InteropFiles, tmp_path: Path) -> None:
    circuit = interop_files.circuits[name]
    zkey_path, wtns_path = tmp_path / "key.zkey", tmp_path / "w.wtns"
    write_zkey(zkey_path, replace(read_zkey(circuit.zkey), section_order=SETUP_SECTION_ORDER))
    write_wtns(wtns_path, read_wtns(circuit.wtns))
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    snarkjs("groth16", "prove", zkey_path, wtns_path, proof, public)
    assert json.loads(public.read_text()) == json.loads(circuit.public.read_text())
    assert snarkjs("groth16", "verify", circuit.vkey, public, proof).ok
