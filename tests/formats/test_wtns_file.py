"""Witness files (.wtns v2) on synthetic data."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from formats_helpers import BLS12_381_R, container, fails_fast, le, patch, u32

from zkreceipt.errors import FieldMismatchError
from zkreceipt.field import Fq, Fr
from zkreceipt.formats import BinFileError, InvalidFieldElementError, TruncatedFileError, read_wtns, write_wtns

P = Fr.modulus
VALUES = [1, 0, 5, P - 1, 2**200]


def hand_built(values: list[int], n: int | None = None, prime: int = P, version: int = 2) -> bytes:
    header = u32(32) + le(prime) + u32(len(values) if n is None else n)
    return container(b"wtns", version, [(1, header), (2, b"".join(le(v) for v in values))])


def test_write_matches_the_snarkjs_layout_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "w.wtns"
    write_wtns(path, Fr.from_ints(VALUES))
    assert path.read_bytes() == hand_built(VALUES)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_wtns(path).to_ints() == VALUES


def test_sections_may_come_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "w.wtns"
    header = u32(32) + le(P) + u32(2)
    path.write_bytes(container(b"wtns", 2, [(2, le(1) + le(9)), (1, header)]))
    assert read_wtns(path).to_ints() == [1, 9]


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (hand_built(VALUES, prime=BLS12_381_R), InvalidFieldElementError, "section 1 (header): prime is"),
        (hand_built([1, P]), InvalidFieldElementError, "section 2 (witness values): witness values: element 1 ="),
        (hand_built(VALUES, n=4), BinFileError, "section 2 (witness values): 32 unexpected bytes"),
        (hand_built(VALUES, n=6), TruncatedFileError, "witness values: 6 items of 32 bytes do not fit"),
        (hand_built(VALUES, version=1), BinFileError, "unsupported wtns version 1"),
        (hand_built(VALUES)[:-1], TruncatedFileError, "section 2 (witness values): declares 160 bytes"),
        (
            container(b"wtns", 2, [(1, u32(32) + le(P) + u32(0))]),
            BinFileError,
            "section 2 (witness values): is missing",
        ),
        (container(b"zkey", 2, []), BinFileError, "not a wtns file"),
    ],
    ids=["prime", "value-eq-p", "extra", "short", "version", "cut", "missing", "magic"],
)
def test_malformed_files_raise_typed_errors(tmp_path: Path, data: bytes, error: type, message: str) -> None:
    path = tmp_path / "bad.wtns"
    path.write_bytes(data)
    with pytest.raises(error, match=re.escape(message)) as info:
        read_wtns(path)
    assert str(info.value).startswith(str(path))


def test_forged_witness_count_fails_fast(tmp_path: Path) -> None:
    path = tmp_path / "forged.wtns"
    path.write_bytes(hand_built(VALUES))
    patch(path, 1, 36, u32(0xFFFFFFFF))
    with fails_fast(), pytest.raises(TruncatedFileError, match="4294967295 items"):
        read_wtns(path)


def test_only_fr_vectors_are_witnesses(tmp_path: Path) -> None:
    with pytest.raises(FieldMismatchError):
        write_wtns(tmp_path / "w.wtns", Fq.from_ints([1]))
    assert not (tmp_path / "w.wtns").exists()
