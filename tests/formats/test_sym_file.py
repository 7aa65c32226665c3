"""circom ``.sym`` files: parsing, lookups and every malformed-line class."""

from __future__ import annotations

from pathlib import Path

import pytest

from zkreceipt.errors import FileAccessError
from zkreceipt.formats import SymFileError, read_sym
from zkreceipt.formats.sym_file import parse_sym

SAMPLE = """1,1,2,main.out
2,2,2,main.a
3,-1,1,main.sq.in
4,3,1,main.sq.out
5,3,0,main.copy
"""


def test_parse_keeps_every_column_in_file_order() -> None:
    table = parse_sym(SAMPLE)
    assert len(table) == 5
    assert table.label_ids.tolist() == [1, 2, 3, 4, 5]
    assert table.wire_ids.tolist() == [1, 2, -1, 3, 3]
    assert table.component_ids.tolist() == [2, 2, 1, 1, 0]
    assert table.names == ("main.out", "main.a", "main.sq.in", "main.sq.out", "main.copy")


def test_lookups_by_name_and_wire() -> None:
    table = parse_sym(SAMPLE)
    assert table.wire_of("main.a") == 2
    assert table.wire_of("main.sq.in") is None  # eliminated by circom
    with pytest.raises(KeyError):
        table.wire_of("main.missing")
    assert table.wire_names == {1: "main.out", 2: "main.a", 3: "main.sq.out"}  # first name wins on wire 3
    assert [table.wire_name(w) for w in (0, 3, 9)] == ["one", "main.sq.out", "wire9"]


def test_blank_lines_are_ignored_and_names_may_hold_commas() -> None:
    table = parse_sym("\n1,1,0,main.x\n\n2,2,0,main.y[0],odd\n")
    assert table.names == ("main.x", "main.y[0],odd")


def test_read_sym_from_file(tmp_path: Path) -> None:
    path = tmp_path / "c.sym"
    path.write_text(SAMPLE)
    assert read_sym(path, n_wires=4).names == parse_sym(SAMPLE).names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,1,main.out\n", "line 1: expected labelId,wireId,componentId,name"),
        ("x,1,0,main.out\n", "line 1: labelId 'x' is not an integer"),
        ("1,1.5,0,main.out\n", "line 1: wireId '1.5' is not an integer"),
        ("1,1,-3,main.out\n", "line 1: componentId -3 is out of range"),
        ("1,-2,0,main.out\n", "line 1: wireId -2 is out of range"),
        ("1,1,0,main.a\n1,2,0,main.b\n", "line 2: labelId 1 does not follow 1"),
        ("2,1,0,main.a\n1,2,0,main.b\n", "line 2: labelId 1 does not follow 2"),
        ("1,1,0,main.a\n2,2,0,main.a\n", "line 2: signal 'main.a' appears twice"),
        ("1,1,0,  \n", "line 1: the signal name is empty"),
        ("1,1,0,main.a\n2,99999999999999999999,0,main.b\n", "line 2: wireId 99999999999999999999 is out of range"),
    ],
)
def test_malformed_lines_name_the_line(text: str, message: str) -> None:
    with pytest.raises(SymFileError, match=message):
        parse_sym(text, "bad.sym")


def test_wire_ids_are_bounded_by_the_circuit() -> None:
    with pytest.raises(SymFileError, match="line 4: wireId 3 is not below the circuit's 3 wires"):
        parse_sym(SAMPLE, n_wires=3)


def test_unreadable_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="cannot read the symbol file"):
        read_sym(tmp_path / "missing.sym")
    binary = tmp_path / "binary.sym"
    binary.write_bytes(b"1,1,0,main.\xff\n")
    with pytest.raises(SymFileError, match="not UTF-8 text"):
        read_sym(binary)


def test_ids_are_counted_before_int() -> None:
    """A digit string int() would refuse (over 4,300 digits, leading zeros or not) is out of range, typed."""
    for wire in ("9" * 5000, "-" + "0" * 5000 + "1", "0" * 5000):
        with pytest.raises(SymFileError, match="line 1: wireId of 50[0-9]{2} digits is out of range"):
            parse_sym(f"1,{wire},0,main.a")
