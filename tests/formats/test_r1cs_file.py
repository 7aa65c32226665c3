"""circom .r1cs reading and writing on synthetic files."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from formats_helpers import BLS12_381_R, container, fails_fast, le, patch, replace_section, section_data, u32, u64

from zkreceipt.errors import FormatError
from zkreceipt.field import Fr
from zkreceipt.formats import (
    BinFileError,
    InvalidFieldElementError,
    R1csFile,
    R1csHeader,
    TruncatedFileError,
    read_r1cs,
    write_r1cs,
)
from zkreceipt.formats.r1cs_file import R1csSection
from zkreceipt.r1cs import R1CS, SparseMatrix

P = Fr.modulus


def small_r1cs() -> R1CS:
    """wires [1, out, pub, a, b]: (−a)·b = −out; (a + pub)·1 = b − 7 (so coefficients include p − 1)."""
    a = SparseMatrix.from_entries([(0, 3, P - 1), (1, 3, 1), (1, 2, 1)], 2, 5)
    b = SparseMatrix.from_entries([(0, 4, 1), (1, 0, 1)], 2, 5)
    c = SparseMatrix.from_entries([(0, 1, P - 1), (1, 4, 1), (1, 0, P - 7)], 2, 5)
    return R1CS(5, 2, a, b, c)


def hand_built(constraints: bytes, n_constraints: int = 1, n_wires: int = 3, prime: int = P) -> bytes:
    """A .r1cs in circom's section order (2, 1, 3) with the given constraint section."""
    header = u32(32) + le(prime) + u32(n_wires) + u32(1) + u32(0) + u32(1) + u64(n_wires) + u32(n_constraints)
    labels = b"".join(u64(i) for i in range(n_wires))
    return container(b"r1cs", 1, [(2, constraints), (1, header), (3, labels)])


def lc(*terms: tuple[int, int]) -> bytes:
    return u32(len(terms)) + b"".join(u32(w) + le(c) for w, c in terms)


#: out = a · a over wires [1, out, a].
SQUARE = lc((2, 1)) + lc((2, 1)) + lc((1, 1))


@pytest.fixture
def written(tmp_path: Path) -> Path:
    path = tmp_path / "small.r1cs"
    write_r1cs(path, R1csFile.from_r1cs(small_r1cs(), n_outputs=1, n_prv_inputs=2))
    return path


def test_reads_a_hand_built_file(tmp_path: Path) -> None:
    path = tmp_path / "square.r1cs"
    path.write_bytes(hand_built(SQUARE))
    parsed = read_r1cs(path)
    assert parsed.header == R1csHeader(3, 1, 0, 1, 3, 1)
    assert parsed.section_order == (2, 1, 3)
    assert parsed.r1cs.n_public == 1
    parsed.r1cs.check_witness(Fr.from_ints([1, 49, 7]))
    assert parsed.wire_to_label.tolist() == [0, 1, 2]
    out = tmp_path / "out.r1cs"
    write_r1cs(out, parsed)
    assert out.read_bytes() == path.read_bytes()


def test_round_trip_keeps_matrices_header_and_labels(written: Path) -> None:
    parsed = read_r1cs(written)
    original = small_r1cs()
    for name in "abc":
        got, want = getattr(parsed.r1cs, name), getattr(original, name)
        assert got.rows.tolist() == want.rows.tolist()
        assert got.cols.tolist() == want.cols.tolist()
        assert got.coeffs.to_ints() == want.coeffs.to_ints()
    assert parsed.header == R1csHeader(5, 1, 1, 2, 5, 2)
    parsed.r1cs.check_witness(Fr.from_ints([1, 36, 2, 3, 12]))
    # coefficients are stored in standard form: p − 1 appears as its plain little-endian bytes
    assert le(P - 1) in section_data(written, R1csSection.CONSTRAINTS)


def test_section_order_does_not_matter(written: Path, tmp_path: Path) -> None:
    parsed = read_r1cs(written)
    reordered = tmp_path / "reordered.r1cs"
    write_r1cs(reordered, R1csFile(parsed.header, parsed.r1cs, parsed.wire_to_label, (3, 1, 2)))
    again = read_r1cs(reordered)
    assert again.section_order == (3, 1, 2)
    assert again.header == parsed.header
    assert again.r1cs.c.coeffs.to_ints() == parsed.r1cs.c.coeffs.to_ints()


def test_repeated_terms_are_merged_when_writing(tmp_path: Path) -> None:
    a = SparseMatrix.from_entries([(0, 2, 3), (0, 0, 1), (0, 2, 4)], 1, 3)
    b = SparseMatrix.from_entries([(0, 0, 1)], 1, 3)
    c = SparseMatrix.from_entries([(0, 1, 1)], 1, 3)
    path = tmp_path / "m.r1cs"
    write_r1cs(path, R1csFile.from_r1cs(R1CS(3, 1, a, b, c)))
    back = read_r1cs(path).r1cs
    assert list(zip(back.a.cols.tolist(), back.a.coeffs.to_ints(), strict=True)) == [(2, 7), (0, 1)]
    back.check_witness(Fr.from_ints([1, 15, 2]))


def test_wire_map_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "nomap.r1cs"
    data = hand_built(SQUARE)
    path.write_bytes(data)
    replace_section(path, 3, b"")
    with pytest.raises(TruncatedFileError, match=re.escape("section 3 (wire-to-label map): label ids")):
        read_r1cs(path)
    header = section_data(Path(path), 1)
    path.write_bytes(container(b"r1cs", 1, [(1, header), (2, SQUARE)]))
    assert read_r1cs(path).wire_to_label is None


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (hand_built(SQUARE, prime=BLS12_381_R), InvalidFieldElementError, "section 1 (header): prime is"),
        (hand_built(lc((2, 1)) + lc((2, P)) + lc((1, 1))), InvalidFieldElementError, "constraint 0 B term for wire 2"),
        (hand_built(lc((3, 1)) + lc((2, 1)) + lc((1, 1))), BinFileError, "constraint 0 A uses wire 3, but nVars = 3"),
        (hand_built(SQUARE + b"\x00"), BinFileError, "1 unexpected bytes after the last constraint"),
        (hand_built(SQUARE, n_constraints=2), TruncatedFileError, "the section ends before constraint 1 A"),
        (
            hand_built(lc((2, 1)) + u32(3) + u32(2) + le(1) + lc((1, 1))),
            TruncatedFileError,
            "constraint 0 B declares 3",
        ),
        (hand_built(SQUARE, n_wires=0), BinFileError, "section 1 (header): nVars = 0"),
        (
            container(
                b"r1cs", 1, [(2, SQUARE), (1, u32(32) + le(P) + u32(3) + u32(1) + u32(1) + u32(1) + u64(3) + u32(1))]
            ),
            BinFileError,
            "nOutputs + nPubInputs + nPrvInputs = 3 exceeds the 2 wires",
        ),
        (hand_built(SQUARE)[: 12 + 12 + 10], TruncatedFileError, "section 2 (constraints): declares"),
        (
            container(
                b"r1cs", 1, [(2, SQUARE), (1, u32(32) + le(P) + u32(3) + u32(1) * 3 + u64(3) + u32(1)), (4, b"")]
            ),
            BinFileError,
            "section 4 (custom gates list): custom gates are PLONK-only",
        ),
        (container(b"r1cs", 1, [(2, SQUARE)]), BinFileError, "section 1 (header): is missing"),
    ],
    ids=[
        "bls-prime",
        "coeff-eq-p",
        "wire-range",
        "trailing",
        "short-count",
        "short-terms",
        "no-wires",
        "input-counts",
        "cut",
        "custom-gates",
        "no-header",
    ],
)
def test_malformed_files_raise_typed_errors(tmp_path: Path, data: bytes, error: type, message: str) -> None:
    path = tmp_path / "bad.r1cs"
    path.write_bytes(data)
    with pytest.raises(error, match=re.escape(message)) as info:
        read_r1cs(path)
    assert str(path) in str(info.value)


def test_label_beyond_n_labels(written: Path) -> None:
    patch(written, R1csSection.WIRE_TO_LABEL, 8 * 4, u64(99))
    with pytest.raises(BinFileError, match="wire 4 has label 99, but nLabels = 5"):
        read_r1cs(written)


def test_forged_counts_fail_fast(tmp_path: Path) -> None:
    path = tmp_path / "forged.r1cs"
    path.write_bytes(hand_built(SQUARE, n_constraints=0xFFFFFFFF))
    with fails_fast(), pytest.raises(TruncatedFileError, match="nConstraints = 4294967295 cannot fit"):
        read_r1cs(path)
    path.write_bytes(hand_built(u32(0xFFFFFFFF) + SQUARE[4:]))
    with fails_fast(), pytest.raises(TruncatedFileError, match="constraint 0 A declares 4294967295 terms"):
        read_r1cs(path)


def test_writer_refuses_a_header_that_disagrees(tmp_path: Path) -> None:
    r1cs = small_r1cs()
    header = R1csHeader(5, 1, 0, 0, 5, 2)  # n_public 1, the system has 2
    with pytest.raises(FormatError, match="counts do not match"):
        write_r1cs(tmp_path / "x.r1cs", R1csFile(header, r1cs))


def test_large_file_loads_quickly(tmp_path: Path) -> None:
    """2^16 constraints with 6 terms each: parsing is vectorized (well under a second here)."""
    n, n_wires = 1 << 16, (1 << 16) + 2

    def matrix(k: int) -> SparseMatrix:
        rows = np.repeat(np.arange(n), k)
        cols = (rows * 7 + np.tile(np.arange(k), n) * 1009) % n_wires  # distinct wires within a row
        return SparseMatrix(rows, cols, Fr.random(n * k), n, n_wires)

    r1cs = R1CS(n_wires, 1, matrix(2), matrix(1), matrix(3))
    path = tmp_path / "big.r1cs"
    write_r1cs(path, R1csFile.from_r1cs(r1cs))
    started = time.perf_counter()
    parsed = read_r1cs(path)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{elapsed:.2f} s"
    assert parsed.r1cs.c.nnz == 3 * n
    assert np.array_equal(parsed.r1cs.c.cols, r1cs.c.cols)
    assert (parsed.r1cs.a.coeffs == r1cs.a.coeffs).all()
