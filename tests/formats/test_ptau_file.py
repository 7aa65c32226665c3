"""Powers-of-tau files on a synthetic power-1 ceremony (valid points, arbitrary values)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from formats_helpers import (
    BLS12_381_R,
    container,
    fails_fast,
    g1_points,
    g2_points,
    le,
    mont_q,
    off_curve_g1_lem,
    patch,
    replace_section,
    u32,
)

from zkreceipt.field import Fq
from zkreceipt.formats import (
    BinFileError,
    InvalidFieldElementError,
    InvalidPointError,
    PtauReader,
    PtauTooSmallError,
    read_ptau,
)
from zkreceipt.formats.ptau_file import PtauSection

POWER = 1


def synthetic_sections(power: int = POWER, prepared: bool = True) -> list[tuple[int, bytes]]:
    """Each section's points are distinct multiples, numbered so slices can be recognised."""
    n = 2**power
    parts = [
        (1, u32(32) + le(Fq.modulus) + u32(power) + u32(power)),
        (2, g1_points(2 * n - 1, 100).to_montgomery_bytes()),
        (3, g2_points(n, 200).to_montgomery_bytes()),
        (4, g1_points(n, 300).to_montgomery_bytes()),
        (5, g1_points(n, 400).to_montgomery_bytes()),
        (6, g2_points(1, 500).to_montgomery_bytes()),
        (7, b"contributions"),
    ]
    if prepared:
        parts += [
            (12, g1_points(4 * n - 1, 1200).to_montgomery_bytes()),
            (13, g2_points(2 * n - 1, 1300).to_montgomery_bytes()),
            (14, g1_points(2 * n - 1, 1400).to_montgomery_bytes()),
            (15, g1_points(2 * n - 1, 1500).to_montgomery_bytes()),
        ]
    return parts


@pytest.fixture(scope="module")
def prepared_bytes() -> bytes:
    return container(b"ptau", 1, synthetic_sections())


@pytest.fixture
def prepared(prepared_bytes: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "pot1.ptau"
    path.write_bytes(prepared_bytes)
    return path


def test_reads_every_section(prepared: Path) -> None:
    ptau = read_ptau(prepared)
    assert (ptau.header.power, ptau.header.ceremony_power) == (1, 1)
    assert (ptau.tau_g1 == g1_points(3, 100)).all()
    assert (ptau.tau_g2 == g2_points(2, 200)).all()
    assert (ptau.alpha_tau_g1 == g1_points(2, 300)).all() and (ptau.beta_tau_g1 == g1_points(2, 400)).all()
    assert (ptau.beta_g2 == g2_points(1, 500)).all()
    assert ptau.contributions == b"contributions"
    assert ptau.lagrange is not None and (ptau.lagrange.tau_g2 == g2_points(3, 1300)).all()


def test_lagrange_blocks_start_at_two_to_the_k_minus_one(prepared: Path) -> None:
    with PtauReader(prepared) as ptau:
        assert ptau.is_prepared
        assert (ptau.lagrange_tau_g1(0) == g1_points(1, 1200)).all()
        assert (ptau.lagrange_tau_g1(1) == g1_points(2, 1201)).all()
        assert (ptau.lagrange_tau_g1(2) == g1_points(4, 1203)).all()  # the p + 1 block
        assert (ptau.lagrange_tau_g2(1) == g2_points(2, 1301)).all()
        assert (ptau.lagrange_alpha_tau_g1(1) == g1_points(2, 1401)).all()
        assert (ptau.lagrange_beta_tau_g1(0) == g1_points(1, 1500)).all()
        assert (ptau.tau_g1(2) == g1_points(2, 100)).all()
        with pytest.raises(
            PtauTooSmallError, match=re.escape("lagrange tauG2: has blocks for domains 2^0..2^1, not 2^2")
        ):
            ptau.lagrange_tau_g2(2)
        with pytest.raises(PtauTooSmallError, match="it holds 3"):
            ptau.tau_g1(4)


def test_unprepared_file(tmp_path: Path) -> None:
    path = tmp_path / "phase1.ptau"
    path.write_bytes(container(b"ptau", 1, synthetic_sections(prepared=False)))
    assert read_ptau(path).lagrange is None
    with PtauReader(path) as ptau, pytest.raises(BinFileError, match="not prepared for phase 2"):
        ptau.lagrange_tau_g1(0)


def test_partly_prepared_file(tmp_path: Path) -> None:
    path = tmp_path / "partial.ptau"
    path.write_bytes(container(b"ptau", 1, synthetic_sections()[:-1]))
    with pytest.raises(BinFileError, match=re.escape("Lagrange sections [15] are missing")):
        PtauReader(path)


def test_points_are_read_lazily_and_validated(prepared: Path) -> None:
    patch(prepared, PtauSection.LAGRANGE_TAU_G1, 64 * 5, off_curve_g1_lem())  # point 5: in block k = 2
    with PtauReader(prepared) as ptau:
        assert len(ptau.lagrange_tau_g1(1)) == 2  # the bad point is not read
        with pytest.raises(InvalidPointError, match=re.escape("section 12 (lagrange tauG1): lagrange tauG1 block 2^2")):
            ptau.lagrange_tau_g1(2)
    with pytest.raises(InvalidPointError, match="G1 point 5 is not on the curve"):
        read_ptau(prepared)


@pytest.mark.parametrize(
    ("section", "offset", "new", "error", "message"),
    [
        (1, 4, le(BLS12_381_R), InvalidFieldElementError, "section 1 (header): base field prime q is"),
        (1, 36, u32(2), BinFileError, "power = 2, ceremonyPower = 1"),
        (1, 36, u32(0xFFFFFFFF), BinFileError, "power = 4294967295"),
        (1, 40, u32(29), BinFileError, "ceremonyPower = 29: need power ≤ ceremonyPower ≤ 28"),
        (3, 0, mont_q(Fq.modulus), InvalidPointError, "section 3 (tauG2): tauG2: G2 point 0: x.c0 ="),
    ],
    ids=["prime", "power-above-ceremony", "huge-power", "ceremony-29", "g2-x-ge-q"],
)
def test_forged_files_raise_typed_errors(
    prepared: Path, section: int, offset: int, new: bytes, error: type, message: str
) -> None:
    patch(prepared, section, offset, new)
    with fails_fast(max_seconds=2.0), pytest.raises(error, match=re.escape(message)) as info:
        read_ptau(prepared)
    assert str(info.value).startswith(str(prepared))


def test_section_size_must_match_the_power(prepared: Path) -> None:
    replace_section(prepared, PtauSection.ALPHA_TAU_G1, g1_points(3).to_montgomery_bytes())
    with pytest.raises(BinFileError, match=re.escape("section 4 (alphaTauG1): 192 bytes, expected 128 for power 1")):
        PtauReader(prepared)


def test_missing_powers_section(tmp_path: Path) -> None:
    path = tmp_path / "p.ptau"
    path.write_bytes(container(b"ptau", 1, [p for p in synthetic_sections() if p[0] != 3]))
    with pytest.raises(BinFileError, match=re.escape("section 3 (tauG2): is missing")):
        read_ptau(path)
