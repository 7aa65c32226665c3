"""circom input JSON → the input signals to set, in the order and form circom's calculator uses.

snarkjs (``wtns calculate``, ``circom_runtime``) reads ``input.json`` with ``JSON.parse``:
each top-level key names an input signal, arrays of any depth are flattened in row-major
order, and each value becomes ``BigInt(value) mod p`` (negative values wrap: −1 → p − 1;
values ≥ p are reduced). circom's own generated calculator also qualifies nested objects
(bus inputs): ``{"p": {"x": 1}}`` sets ``p.x`` and ``{"ps": [{"x": 1}, {"x": 2}]}`` sets
``ps[0].x`` and ``ps[1].x``; so does this reader.

Values: JSON integers and integral numbers of magnitude ≤ 2^53, decimal strings with an
optional minus sign, ``0x`` hex strings. Refused where JavaScript would guess: larger JSON
numbers (JavaScript reads them as doubles, silently rounded: write them as strings),
fractions, booleans, null, empty or padded strings, binary or octal strings. Signals come
in the order of JavaScript's ``Object.keys`` (integer-like keys first, ascending; then file
order), which decides which error is reported first.

Bounds: the file is at most :data:`MAX_INPUT_BYTES`, nested at most :data:`MAX_NESTING`
deep (checked before parsing), each value at most :data:`MAX_VALUE_CHARS` characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import WitnessInputError

MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_NESTING = 64
MAX_VALUE_CHARS = 1024
#: Largest magnitude a JSON number keeps exactly in JavaScript (a double's 53-bit significand).
MAX_EXACT_NUMBER = 1 << 53

_DECIMAL = re.compile(r"-?[0-9]+")
_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


@dataclass(frozen=True)
class InputSignal:
    """One input signal by its (qualified) name, with its values flattened (ints, not yet reduced)."""

    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class _InexactNumber:
    """A JSON number JavaScript would round (kept as text so the error can name it)."""

    text: str


def _parse_integer(text: str) -> int | _InexactNumber:
    if len(text) > 17:  # more than 2^53 ≈ 9.0e15 can hold, sign included
        return _InexactNumber(text)
    value = int(text)
    return value if abs(value) <= MAX_EXACT_NUMBER else _InexactNumber(text)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _nesting_exceeds(text: str, limit: int) -> bool:
    """Whether arrays/objects nest deeper than ``limit`` (strings ignored), without recursion."""
    skeleton = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).replace("{", "[").replace("}", "]")
    for _ in range(limit):
        stripped = skeleton.replace("[]", "")
        if stripped == skeleton:
            return False
        skeleton = stripped
    return "[]" in skeleton


def read_input_file(path: str | Path) -> tuple[InputSignal, ...]:
    """The input signals of a circom ``input.json``; WitnessInputError naming the file and signal."""
    source = Path(path)
    try:
        with open(source, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise WitnessInputError(f"{source}: cannot read the input file ({exc.strerror})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise WitnessInputError(f"{source}: larger than the {MAX_INPUT_BYTES}-byte limit")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessInputError(f"{source}: not UTF-8 text") from None
    if _nesting_exceeds(text, MAX_NESTING):
        raise WitnessInputError(f"{source}: arrays or objects nested deeper than {MAX_NESTING} levels")
    try:
        document = json.loads(text, parse_int=_parse_integer, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        reason = f"{exc.msg} at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise WitnessInputError(f"{source}: not valid JSON ({reason})") from None
    return input_signals(document, str(source))


def input_signals(document: Any, source: str = "input") -> tuple[InputSignal, ...]:
    """The input signals of a parsed input document (a mapping of signal name → value or nested list).

    Python callers may pass ints of any size; ``source`` names the document in errors.
    """
    if not isinstance(document, Mapping):
        raise WitnessInputError(f"{source}: expected a JSON object of input signals, got {type(document).__name__}")
    qualified: dict[str, list[Any]] = {}
    _qualify(source, "", document, qualified, 0)
    return tuple(
        InputSignal(name, tuple(_integer(source, name, i, v) for i, v in enumerate(values)))
        for name, values in qualified.items()
    )


def _js_key_order(mapping: Mapping[str, Any]) -> list[str]:
    """``Object.keys`` order: canonical array indices (0 … 2^32 − 2) ascending, then insertion order."""
    def is_index(key: str) -> bool:
        return key.isdigit() and key.isascii() and str(int(key)) == key and int(key) < 2**32 - 1

    keys = list(mapping)
    return sorted((k for k in keys if is_index(k)), key=int) + [k for k in keys if not is_index(k)]


def _qualify(source: str, prefix: str, value: Any, out: dict[str, list[Any]], depth: int) -> None:
    """circom's ``qualify_input``: objects become dotted names, arrays of objects indexed names."""
    if depth > MAX_NESTING:
        raise WitnessInputError(f"{source}: {prefix or 'the input'}: nested deeper than {MAX_NESTING} levels")
    if isinstance(value, Mapping):
        for key in _js_key_order(value):
            if not isinstance(key, str):
                raise WitnessInputError(f"{source}: signal names must be strings, got {key!r}")
            _qualify(source, f"{prefix}.{key}" if prefix else key, value[key], out, depth + 1)
    elif isinstance(value, (list, tuple)):
        flat = _flatten(source, prefix, value, depth)
        if flat and isinstance(flat[0], Mapping):
            if not all(isinstance(item, Mapping) for item in flat):
                raise WitnessInputError(f"{source}: Types are not the same in the key {prefix}")
            for index, item in enumerate(value):
                _qualify_list(source, f"{prefix}[{index}]", item, out, depth + 1)
        else:
            out[prefix] = flat
    else:
        out[prefix] = [value]


def _qualify_list(source: str, prefix: str, value: Any, out: dict[str, list[Any]], depth: int) -> None:
    if isinstance(value, (list, tuple)):
        if depth > MAX_NESTING:
            raise WitnessInputError(f"{source}: {prefix}: nested deeper than {MAX_NESTING} levels")
        for index, item in enumerate(value):
            _qualify_list(source, f"{prefix}[{index}]", item, out, depth + 1)
    else:
        _qualify(source, prefix, value, out, depth)


def _flatten(source: str, name: str, values: Sequence[Any], depth: int) -> list[Any]:
    """Row-major flattening of nested lists (circom_runtime's ``flatArray``)."""
    flat: list[Any] = []
    for item in values:
        if isinstance(item, (list, tuple)):
            if depth >= MAX_NESTING:
                raise WitnessInputError(f"{source}: signal {name!r}: nested deeper than {MAX_NESTING} levels")
            flat.extend(_flatten(source, name, item, depth + 1))
        else:
            flat.append(item)
    return flat


def _integer(source: str, name: str, index: int, value: Any) -> int:
    """``BigInt(value)`` for the forms that are exact (see the module docstring)."""

    def refuse(reason: str) -> WitnessInputError:
        return WitnessInputError(f"{source}: signal {name!r} value {index}: {reason}")

    if isinstance(value, bool) or value is None:
        raise refuse(f"{json.dumps(value)} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, _InexactNumber):
        raise refuse(f"the number {value.text[:40]} is not exact in JSON (JavaScript rounds it); write it as a string")
    if isinstance(value, float):
        if not value.is_integer():
            raise refuse(f"{value!r} is not an integer")
        if abs(value) > MAX_EXACT_NUMBER:
            raise refuse(f"the number {value!r} is not exact in JSON (JavaScript rounds it); write it as a string")
        return int(value)
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise refuse(f"longer than {MAX_VALUE_CHARS} characters")
        if _DECIMAL.fullmatch(value):
            return int(value)
        if _HEX.fullmatch(value):
            return int(value, 16)
        raise refuse(f"{value[:40]!r} is not a decimal or 0x-hex integer")
    raise refuse(f"a {type(value).__name__} is not a number")


__all__ = ["MAX_INPUT_BYTES", "MAX_NESTING", "InputSignal", "input_signals", "read_input_file"]
