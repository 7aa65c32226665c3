"""Reading circom input JSON: the value forms snarkjs accepts, the guesses we refuse, bounds, key order."""

from __future__ import annotations

from pathlib import Path

import pytest

from zkreceipt.witness import InputSignal, WitnessInputError, input_signals, read_input_file
from zkreceipt.witness import inputs as inputs_module


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_value_forms_snarkjs_accepts(tmp_path: Path) -> None:
    text = '{"a": ["12", "-3", "0x1F", "0XfF", 7, -8, 1e3, 9007199254740992, "00012"], "b": [[1], [2, [3]]]}'
    assert read_input_file(write(tmp_path, text)) == (
        InputSignal("a", (12, -3, 31, 255, 7, -8, 1000, 1 << 53, 12)),
        InputSignal("b", (1, 2, 3)),
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9007199254740993", "the number 9007199254740993 is not exact in JSON"),  # 2^53 + 1: JavaScript rounds it
        ("123456789012345678901234567890", "not exact in JSON"),
        ("1e30", "not exact in JSON"),
        ("3.5", "3.5 is not an integer"),
        ('"3.5"', "'3.5' is not a decimal or 0x-hex integer"),
        ('""', "'' is not a decimal"),  # BigInt("") is 0 in JavaScript
        ('" 7 "', "' 7 ' is not a decimal"),
        ('"0b11"', "'0b11' is not a decimal"),
        ('"+5"', "'\\+5' is not a decimal"),
        ('"-0x5"', "is not a decimal"),
        ("true", "true is not a number"),  # BigInt(true) is 1 in JavaScript
        ("null", "null is not a number"),
        ('"' + "1" * 1025 + '"', "longer than 1024 characters"),
        ('[1, {"x": 1}]', "a dict is not a number"),
    ],
)
def test_guesses_are_refused_naming_the_signal_and_value(tmp_path: Path, value: str, reason: str) -> None:
    with pytest.raises(WitnessInputError, match=f"input.json: signal 'a' value \\d: .*{reason}"):
        read_input_file(write(tmp_path, f'{{"a": {value}}}'))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "expected a JSON object of input signals, got list"),
        ('{"a": 1', "not valid JSON"),
        ('{"a": NaN}', "not valid JSON \\(NaN is not JSON\\)"),
        ('{"a": Infinity}', "not valid JSON"),
        ("[" * 65 + "]" * 65, "nested deeper than 64 levels"),
        ('{"a": ' + "[" * 100000 + "]" * 100000 + "}", "nested deeper than 64 levels"),
        ('{"a": [{"x": 1}, 2]}', "Types are not the same in the key a"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(WitnessInputError, match=message):
        read_input_file(write(tmp_path, text))


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    deep_string = '"' + "[" * 200 + '\\"' + "{" * 200 + '"'
    with pytest.raises(WitnessInputError, match="is not a decimal"):  # parsed, then refused as a value
        read_input_file(write(tmp_path, f'{{"a": [[[{deep_string}]]]}}'))


def test_size_and_encoding_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs_module, "MAX_INPUT_BYTES", 16)
    with pytest.raises(WitnessInputError, match="larger than the 16-byte limit"):
        read_input_file(write(tmp_path, '{"a": "123456789"}'))
    monkeypatch.undo()
    (tmp_path / "latin1.json").write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(WitnessInputError, match="not UTF-8"):
        read_input_file(tmp_path / "latin1.json")
    with pytest.raises(WitnessInputError, match="cannot read the input file"):
        read_input_file(tmp_path / "missing.json")


def test_bus_inputs_are_qualified_as_circoms_calculator_does() -> None:
    document = {"p": {"x": 3, "y": "4"}, "q": [{"x": 1}, {"x": 2}], "grid": [[{"v": 1}], [{"v": 2}]], "k": [5]}
    assert input_signals(document) == (
        InputSignal("p.x", (3,)),
        InputSignal("p.y", (4,)),
        InputSignal("q[0].x", (1,)),
        InputSignal("q[1].x", (2,)),
        InputSignal("grid[0][0].v", (1,)),
        InputSignal("grid[1][0].v", (2,)),
        InputSignal("k", (5,)),
    )


def test_javascript_key_order_and_python_ints() -> None:
    names = [s.name for s in input_signals({"b": 1, "10": 1, "a": 1, "2": 1, "01": 1, "-1": 1})]
    assert names == ["2", "10", "b", "a", "01", "-1"]  # canonical array indices first, ascending
    assert input_signals({"a": 1 << 300}) == (InputSignal("a", (1 << 300,)),)  # Python ints are exact
    with pytest.raises(WitnessInputError, match="input: signal 'a' value 0: 2.5 is not an integer"):
        input_signals({"a": 2.5})


def test_duplicate_keys_keep_the_last_value_as_javascript(tmp_path: Path) -> None:
    assert read_input_file(write(tmp_path, '{"a": 1, "b": 2, "a": 3}')) == (
        InputSignal("a", (3,)),
        InputSignal("b", (2,)),
    )
