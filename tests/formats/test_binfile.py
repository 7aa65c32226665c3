"""The iden3 container: section table validation, bounded reads, typed conversions, atomic writes."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import numpy as np
import pytest
from formats_helpers import container, fails_fast, g1_points, g2_points, le, mont_q, off_curve_g1_lem, u32, u64

from zkreceipt.curve import G1Points
from zkreceipt.errors import CurveError, FieldError, FormatError
from zkreceipt.field import Fq, Fr
from zkreceipt.formats.binfile import (
    BinFileError,
    BinFileReader,
    InvalidFieldElementError,
    InvalidPointError,
    SectionData,
    TruncatedFileError,
    first_not_below,
    write_bin_file,
)

NAMES = {1: "header", 2: "body", 3: "extra"}


def open_test(path: Path) -> BinFileReader:
    return BinFileReader(path, "test", {1}, NAMES)


def write(tmp_path: Path, data: bytes, name: str = "f.test") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_sections_are_found_by_id_not_position(tmp_path: Path) -> None:
    path = write(tmp_path, container(b"test", 1, [(2, b"body!"), (1, b"head"), (3, b"")]))
    with open_test(path) as reader:
        assert reader.section_order == (2, 1, 3)
        assert reader.section_bytes(1) == b"head"
        assert reader.section_bytes(2) == b"body!"
        assert reader.section_bytes(3) == b""
        assert reader.version == 1


def test_writer_output_matches_the_hand_built_layout(tmp_path: Path) -> None:
    path = tmp_path / "w.test"
    array = np.arange(3, dtype="<u4")
    write_bin_file(path, "test", 1, [SectionData.of(2, b"ab", array), SectionData.of(1, b"")])
    assert path.read_bytes() == container(b"test", 1, [(2, b"ab" + array.tobytes()), (1, b"")])
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    write_bin_file(path, "test", 1, [SectionData.of(1, b"secret")], private=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["w.test"]  # no temporary file left behind


def test_writer_rejects_repeated_ids_and_bad_magic(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="repeat"):
        write_bin_file(tmp_path / "x", "test", 1, [SectionData.of(1, b""), SectionData.of(1, b"")])
    with pytest.raises(FormatError, match="magic"):
        write_bin_file(tmp_path / "x", "toolong", 1, [])
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", TruncatedFileError, "0 bytes is too short"),
        (b"test\x01\x00", TruncatedFileError, "too short"),
        (container(b"tset", 1, []), BinFileError, "not a test file"),
        (container(b"test", 2, []), BinFileError, "unsupported test version 2"),
        (container(b"test", 1, [(1, b"a")])[:-1], TruncatedFileError, "section 1 (header): declares 1 bytes"),
        (b"test" + u32(1) + u32(2) + u32(1) + u64(0), TruncatedFileError, "ends inside the header of section #1"),
        (container(b"test", 1, [(1, b"a"), (1, b"b")]), BinFileError, "section 1 (header): appears twice"),
        (container(b"test", 1, [(9, b"")]), BinFileError, "section 9: unknown section id"),
        (container(b"test", 1, [(1, b"a")]) + b"\x00", BinFileError, "1 unexpected bytes after the last section"),
    ],
    ids=["empty", "short", "magic", "version", "truncated", "n-sections", "duplicate", "unknown", "trailing"],
)
def test_malformed_containers_raise_typed_errors_naming_the_file(
    tmp_path: Path, data: bytes, error: type[BinFileError], message: str
) -> None:
    path = write(tmp_path, data)
    with pytest.raises(error, match=re.escape(message)) as info:
        open_test(path)
    assert str(info.value).startswith(str(path))
    assert isinstance(info.value, FormatError)


def test_forged_section_size_fails_fast(tmp_path: Path) -> None:
    data = b"test" + u32(1) + u32(1) + u32(2) + u64(1 << 60) + b"\x00" * 16
    path = write(tmp_path, data)
    with fails_fast(), pytest.raises(TruncatedFileError, match="section 2 \\(body\\): declares 1152921504606846976"):
        open_test(path)


def test_forged_section_count_fails_fast(tmp_path: Path) -> None:
    path = write(tmp_path, b"test" + u32(1) + u32(0xFFFFFFFF) + u32(1) + u64(0))
    with fails_fast(), pytest.raises(TruncatedFileError):
        open_test(path)


def test_missing_file_and_missing_section(tmp_path: Path) -> None:
    with pytest.raises(BinFileError, match="cannot read the file"):
        open_test(tmp_path / "absent.test")
    with open_test(write(tmp_path, container(b"test", 1, [(1, b"")]))) as reader:
        with pytest.raises(BinFileError, match=re.escape("section 2 (body): is missing")):
            reader.cursor(2)


def test_cursor_reads_are_bounded_by_the_section(tmp_path: Path) -> None:
    body = u32(7) + u64(1 << 40) + b"xyz"
    with open_test(write(tmp_path, container(b"test", 1, [(2, body)]))) as reader:
        cur = reader.cursor(2)
        assert cur.u32("a") == 7 and cur.u64("b") == 1 << 40
        with fails_fast(), pytest.raises(TruncatedFileError, match="1099511627776 items"):
            cur.take_items(1 << 40, 32, "forged count")
        with pytest.raises(BinFileError, match="3 unexpected bytes after offset 12"):
            cur.expect_end()
        with pytest.raises(TruncatedFileError, match=re.escape("section 2 (body): c needs 4 bytes at offset 12")):
            cur.take(4, "c")
        assert cur.take(3, "d") == b"xyz"
        cur.expect_end()


def test_prime_check(tmp_path: Path) -> None:
    good, wrong, wide = u32(32) + le(Fr.modulus), u32(32) + le(Fq.modulus), u32(48) + le(Fr.modulus, 48)
    with open_test(write(tmp_path, container(b"test", 1, [(1, good + wrong + wide)]))) as reader:
        cur = reader.cursor(1)
        cur.prime(Fr.modulus, "prime")
        with pytest.raises(InvalidFieldElementError, match="expected the BN254 prime"):
            cur.prime(Fr.modulus, "prime")
        with pytest.raises(InvalidFieldElementError, match="n8 = 48"):
            cur.prime(Fr.modulus, "prime")


def test_field_elements_are_range_checked(tmp_path: Path) -> None:
    values = le(5) + le(Fr.modulus - 1) + le(Fr.modulus) + le(2**256 - 1)
    with open_test(write(tmp_path, container(b"test", 1, [(2, values)]))) as reader:
        cur = reader.cursor(2)
        assert cur.field_standard(Fr, 2, "v").to_ints() == [5, Fr.modulus - 1]
        with pytest.raises(InvalidFieldElementError, match=r"section 2 \(body\): w: element 0 = \d+ is not below") as e:
            cur.field_standard(Fr, 2, "w")
        assert isinstance(e.value, FieldError)


def test_first_not_below_compares_all_limbs() -> None:
    p = Fr.modulus
    values = [0, p - 1, p - (1 << 64), p, p + 1, 2**256 - 1, p - 1 + (1 << 192)]
    words = np.frombuffer(b"".join(le(v % 2**256) for v in values), dtype="<u8").reshape(-1, 4)
    assert [first_not_below(words[i : i + 1], p) for i in range(len(values))] == [None, None, None, 0, 0, 0, 0]


def test_points_are_validated(tmp_path: Path) -> None:
    g1 = g1_points(2).to_montgomery_bytes()
    q_coordinate = mont_q(Fq.modulus) + g1[32:64]
    body = g1 + bytes(64) + q_coordinate + off_curve_g1_lem() + g2_points(1).to_montgomery_bytes()
    with open_test(write(tmp_path, container(b"test", 1, [(3, body)]))) as reader:
        cur = reader.cursor(3)
        points = cur.g1(3, "good")
        assert isinstance(points, G1Points) and points.is_infinity().tolist() == [False, False, True]
        with pytest.raises(InvalidPointError, match=re.escape("section 3 (extra): bad: G1 point 0: x =")) as e:
            cur.g1(1, "bad")
        assert isinstance(e.value, CurveError) and "not below q" in str(e.value)
        with pytest.raises(InvalidPointError, match="off: G1 point 0 is not on the curve"):
            cur.g1(1, "off")
        assert len(cur.g2(1, "g2")) == 1
        cur.expect_end()
