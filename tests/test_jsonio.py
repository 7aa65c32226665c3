"""Bounded JSON: the depth scan agrees with the decoder, and every bound gives a typed error naming the source."""

from __future__ import annotations

import json

import pytest

from zkreceipt.errors import FormatError, ReceiptError
from zkreceipt.jsonio import MAX_JSON_DEPTH, MAX_NUMBER_CHARS, nesting_depth, parse_json


def real_depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((real_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((real_depth(v) for v in value.values()), default=0)
    return 0


@pytest.mark.parametrize(
    "text",
    [
        "1",
        "[]",
        '{"a": [1, {"b": []}]}',
        '["[[[", "]]]]]]", "\\"[", "\\\\", {"k\\"[": "{{"}]',
        '[[["\\u005b"]], [[[[]]]]]',
        json.dumps({"x": ["[" * 10, {"y": "]" * 10}], "z": "\\\""}),
    ],
)
def test_depth_scan_matches_the_parsed_value(text: str) -> None:
    assert nesting_depth(text) == real_depth(json.loads(text))


def test_depth_scan_of_malformed_text_covers_what_the_decoder_would_reach() -> None:
    assert nesting_depth('"unterminated [[[[') == 0  # the decoder stops at the string
    assert nesting_depth('[[[ "a\\') == 3
    assert nesting_depth("]]][[[") >= 0


def test_depth_limit_is_exact() -> None:
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert real_depth(parse_json(at_limit, "doc", max_bytes=1000)) == MAX_JSON_DEPTH
    with pytest.raises(FormatError, match=f"^doc: nested {MAX_JSON_DEPTH + 1} levels deep"):
        parse_json("[" + at_limit + "]", "doc", max_bytes=1000)


def test_numbers_constants_size_and_encoding_are_bounded() -> None:
    assert parse_json("[" + "9" * MAX_NUMBER_CHARS + "]", "doc", max_bytes=1000) == [int("9" * MAX_NUMBER_CHARS)]
    with pytest.raises(ReceiptError, match=f"^r: a number of {MAX_NUMBER_CHARS + 1} characters"):
        parse_json("[" + "9" * (MAX_NUMBER_CHARS + 1) + "]", "r", max_bytes=1000, error=ReceiptError)
    with pytest.raises(FormatError, match="a number of 5002 characters"):
        parse_json("[1." + "0" * 5000 + "]", "doc", max_bytes=10_000)
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(FormatError, match=f"{constant} is not a number"):
            parse_json(f"[{constant}]", "doc", max_bytes=1000)
    with pytest.raises(FormatError, match="larger than the 10-byte limit"):
        parse_json(b"[" + b" " * 10 + b"]", "doc", max_bytes=10)
    with pytest.raises(FormatError, match="not UTF-8 text"):
        parse_json(b'["\xff"]', "doc", max_bytes=10)
    with pytest.raises(FormatError, match="not valid JSON"):
        parse_json("[1,]", "doc", max_bytes=10)
