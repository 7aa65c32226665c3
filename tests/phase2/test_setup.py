"""``zkey_new``: the initial phase-2 key from a ptau, without Node (byte-exactness against
snarkjs is in tests/interop/test_interop_phase2.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from phase2_setup_helpers import POT10, mul_chain, truncated_ptau

from zkreceipt.curve import G1Points, G2Points, pairing_check
from zkreceipt.field import Fr
from zkreceipt.formats import PtauReader, PtauTooSmallError, read_zkey, write_zkey
from zkreceipt.formats.binfile import BinFileError
from zkreceipt.formats.zkey_circuit_hash import snarkjs_h_hash_count
from zkreceipt.formats.zkey_file import MATRIX_A, MATRIX_B, SETUP_SECTION_ORDER
from zkreceipt.formats.zkey_keys import proving_key_from_zkey
from zkreceipt.groth16 import prove, verify
from zkreceipt.phase2.setup import setup_domain_power, zkey_new, zkey_new_files


@pytest.fixture(scope="module")
def circuit():  # type: ignore[no-untyped-def]
    return mul_chain(6)


@pytest.fixture(scope="module")
def zkey(circuit):  # type: ignore[no-untyped-def]
    return zkey_new(circuit[0], POT10)


def column_sums(bases, rows, cols, coeffs, n_wires):  # type: ignore[no-untyped-def]
    """Σ_rows coef·bases[row] per wire by plain per-wire point sums (independent of sparse_sums)."""
    terms = bases[rows] * coeffs
    sums = [type(bases).infinity(1)] * n_wires
    for wire in np.unique(cols):
        sums[int(wire)] = terms[np.flatnonzero(cols == wire)].sum()
    return type(bases).concatenate(sums)


def test_header_domain_and_fixed_points(zkey, circuit) -> None:  # type: ignore[no-untyped-def]
    r1cs = circuit[0]
    h = zkey.header
    assert (h.n_vars, h.n_public) == (r1cs.n_wires, r1cs.n_public)
    rows = r1cs.n_constraints + r1cs.n_public
    assert h.domain_size == 2 ** setup_domain_power(r1cs) and rows + 1 <= h.domain_size <= 2 * rows
    with PtauReader(POT10) as ptau:
        assert (h.alpha1 == ptau.alpha_tau_g1(1)).all() and (h.beta1 == ptau.beta_tau_g1(1)).all()
        assert (h.beta2 == ptau.beta_g2()).all()
    assert (h.gamma2 == G2Points.generator()).all() and (h.delta2 == G2Points.generator()).all()
    assert (h.delta1 == G1Points.generator()).all()
    assert zkey.section_order == SETUP_SECTION_ORDER and not zkey.development
    assert zkey.contributions.contributions == () and zkey.contributions.cs_hash != bytes(64)


def test_queries_are_the_documented_sums(zkey, circuit) -> None:  # type: ignore[no-untyped-def]
    r1cs = circuit[0]
    h = zkey.header
    k = zkey.domain_power
    public = np.arange(h.n_public + 1)
    a_rows = np.concatenate([r1cs.a.rows, r1cs.n_constraints + public])
    a_cols = np.concatenate([r1cs.a.cols, public])
    a_coeffs = Fr.concatenate([r1cs.a.coeffs, Fr.ones(len(public))])
    with PtauReader(POT10) as ptau:
        tau, tau2 = ptau.lagrange_tau_g1(k), ptau.lagrange_tau_g2(k)
        alpha, beta = ptau.lagrange_alpha_tau_g1(k), ptau.lagrange_beta_tau_g1(k)
        assert (zkey.h_query == ptau.lagrange_tau_g1(k + 1)[1::2]).all()
    n = h.n_vars
    assert (zkey.a_query == column_sums(tau, a_rows, a_cols, a_coeffs, n)).all()
    assert (zkey.b1_query == column_sums(tau, r1cs.b.rows, r1cs.b.cols, r1cs.b.coeffs, n)).all()
    assert (zkey.b2_query == column_sums(tau2, r1cs.b.rows, r1cs.b.cols, r1cs.b.coeffs, n)).all()
    k_points = (
        column_sums(beta, a_rows, a_cols, a_coeffs, n)
        + column_sums(alpha, r1cs.b.rows, r1cs.b.cols, r1cs.b.coeffs, n)
        + column_sums(tau, r1cs.c.rows, r1cs.c.cols, r1cs.c.coeffs, n)
    )
    assert (zkey.ic == k_points[: h.n_public + 1]).all()
    assert (zkey.c_query == k_points[h.n_public + 1 :]).all()


def test_coefficients_per_constraint_a_then_b_then_consistency_rows(zkey, circuit) -> None:  # type: ignore[no-untyped-def]
    r1cs = circuit[0]
    c = zkey.coefficients
    body = len(c) - (r1cs.n_public + 1)
    key = c.constraint[:body] * 2 + c.matrix[:body]
    assert np.all(np.diff(key) >= 0)  # grouped by constraint, A before B
    assert int((c.matrix[:body] == MATRIX_A).sum()) == r1cs.a.nnz
    assert int((c.matrix[:body] == MATRIX_B).sum()) == r1cs.b.nnz
    assert zkey.n_constraints == r1cs.n_constraints


def test_the_key_proves_and_verifies(zkey, circuit) -> None:  # type: ignore[no-untyped-def]
    r1cs, witness = circuit
    pk = proving_key_from_zkey(zkey)
    proof = prove(pk, witness)
    public = witness[1 : r1cs.n_public + 1]
    assert verify(pk.vk, public, proof)
    assert not verify(pk.vk, public + 1, proof)
    # δ = 1 and γ = 1 in the fresh key: e(δ₁, G2) = e(G1, δ₂).
    assert pairing_check(G1Points.concatenate([zkey.header.delta1, -G1Points.generator()]),
                         G2Points.concatenate([G2Points.generator(), zkey.header.delta2]))


def test_smallest_sufficient_ptau_gives_the_same_key(zkey, circuit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A power-p file cut from the power-10 one holds the same Lagrange blocks: same key,
    same csHash (the H part hashes τⁱ·Z(τ) from tauG1, present up to index 2n − 1)."""
    small = truncated_ptau(tmp_path / "small.ptau", zkey.domain_power + 1)
    ours, reference = tmp_path / "k.zkey", tmp_path / "ref.zkey"
    write_zkey(ours, zkey_new(circuit[0], small))
    write_zkey(reference, zkey)
    assert ours.read_bytes() == reference.read_bytes()
    assert read_zkey(ours).contributions.cs_hash == zkey.contributions.cs_hash


def test_ptau_too_small_names_both_sizes(circuit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r1cs = circuit[0]
    need = setup_domain_power(r1cs)
    small = truncated_ptau(tmp_path / "tiny.ptau", need - 1)
    with pytest.raises(PtauTooSmallError, match=rf"tiny.ptau.*2\^{need}.*power {need - 1}"):
        zkey_new(r1cs, small)


def test_unprepared_ptau_is_refused(circuit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = truncated_ptau(tmp_path / "raw.ptau", 5, prepared=False)
    with pytest.raises(BinFileError, match="not prepared for phase 2"):
        zkey_new(circuit[0], raw)


def test_file_level_function_writes_0600(circuit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from zkreceipt.formats import R1csFile, write_r1cs

    write_r1cs(tmp_path / "c.r1cs", R1csFile.from_r1cs(circuit[0], n_outputs=1))
    cs_hash = zkey_new_files(tmp_path / "c.r1cs", POT10, tmp_path / "c.zkey")
    assert (tmp_path / "c.zkey").stat().st_mode & 0o777 == 0o600
    assert read_zkey(tmp_path / "c.zkey").contributions.cs_hash == cs_hash


@pytest.mark.parametrize(("n", "count"), [(2, 1), (8, 7), (2**14, 2**14 - 1), (2**15, 2**15), (2**16, 2**16)])
def test_h_hash_count_follows_snarkjs_chunking(n: int, count: int) -> None:
    assert snarkjs_h_hash_count(n) == count
