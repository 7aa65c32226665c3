"""snarkjs powers-of-tau files through zkreceipt's reader.

The Lagrange sections are checked against the powers: on the domain of size 2^k with
generator ω (zkreceipt's ``root_of_unity``, which is snarkjs's), Σⱼ ω^(j·m)·Lⱼ(τ) = τ^m
for m < 2^k, so Σⱼ ω^(j·m)·[Lⱼ(τ)·G] must equal [τ^m·G] from the powers sections.
"""

from __future__ import annotations

from typing import TypeVar

import pytest
from interop_files import PtauFiles
from tools import snarkjs

from zkreceipt.curve import G1Points, G2Points
from zkreceipt.field import Fr, root_of_unity
from zkreceipt.formats import BinFileError, PtauReader, PtauTooSmallError, read_ptau

P = TypeVar("P", G1Points, G2Points)


def _lagrange_to_powers(lagrange: P, k: int, exponents: list[int]) -> P:
    """[Σⱼ ω^(j·m)·lagrange[j] for m in exponents] on the domain of size 2^k."""
    omega = root_of_unity(2**k)
    rows = []
    for m in exponents:
        scalars = Fr.from_ints([pow(omega, j * m, Fr.modulus) for j in range(2**k)])
        rows.append((lagrange * scalars).sum())
    return type(lagrange).concatenate(rows)


def test_phase1_file_is_not_prepared(ptau_files: PtauFiles) -> None:
    with PtauReader(ptau_files.phase1) as ptau:
        assert (ptau.header.power, ptau.header.ceremony_power) == (ptau_files.small_power, ptau_files.small_power)
        assert not ptau.is_prepared
        with pytest.raises(BinFileError, match="not prepared"):
            ptau.lagrange_tau_g1(2)
    assert read_ptau(ptau_files.phase1).lagrange is None


def test_prepare_phase2_keeps_the_powers(ptau_files: PtauFiles) -> None:
    before, after = read_ptau(ptau_files.phase1), read_ptau(ptau_files.prepared)
    for name in ("tau_g1", "tau_g2", "alpha_tau_g1", "beta_tau_g1", "beta_g2"):
        assert (getattr(before, name) == getattr(after, name)).all(), name
    assert before.contributions == after.contributions
    assert (after.tau_g1[0] == G1Points.generator()).all()
    assert (after.tau_g2[0] == G2Points.generator()).all()
    assert len(after.tau_g1) == 2 ** (ptau_files.small_power + 1) - 1


@pytest.mark.parametrize("which", ["prepared", "fixture"])
def test_lagrange_blocks_match_the_powers(ptau_files: PtauFiles, which: str) -> None:
    with PtauReader(getattr(ptau_files, which)) as ptau:
        p = ptau.header.power
        for k in (0, 1, 3, p):
            m = [0, 1, 2**k - 1] if k else [0]
            assert (_lagrange_to_powers(ptau.lagrange_tau_g1(k), k, m) == ptau.tau_g1(2**k)[m]).all(), k
            assert (_lagrange_to_powers(ptau.lagrange_alpha_tau_g1(k), k, m) == ptau.alpha_tau_g1(2**k)[m]).all()
            assert (_lagrange_to_powers(ptau.lagrange_beta_tau_g1(k), k, m) == ptau.beta_tau_g1(2**k)[m]).all()
        # tauG1 also has the block for 2^(p+1), which the zkey's H points come from
        m = [0, 2 ** (p + 1) - 2]
        assert (_lagrange_to_powers(ptau.lagrange_tau_g1(p + 1), p + 1, m) == ptau.tau_g1()[m]).all()
        assert (_lagrange_to_powers(ptau.lagrange_tau_g2(2), 2, [0, 1, 3]) == ptau.tau_g2(4)[[0, 1, 3]]).all()
        with pytest.raises(PtauTooSmallError):
            ptau.lagrange_tau_g2(p + 1)
        with pytest.raises(PtauTooSmallError):
            ptau.lagrange_tau_g1(p + 2)


def test_whole_fixture_reads(ptau_files: PtauFiles) -> None:
    ptau = read_ptau(ptau_files.fixture)
    assert ptau.header.power == 10 and ptau.lagrange is not None
    assert len(ptau.lagrange.tau_g1) == 2**12 - 1 and len(ptau.lagrange.tau_g2) == 2**11 - 1
    assert ptau.contributions


def test_snarkjs_verifies_the_checked_in_fixture(ptau_files: PtauFiles) -> None:
    assert "Powers of Tau Ok!" in snarkjs("powersoftau", "verify", ptau_files.fixture).output
