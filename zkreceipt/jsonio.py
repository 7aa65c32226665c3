"""Untrusted JSON within fixed bounds: file size, nesting depth and number length.

Every JSON document zkreceipt reads (proofs, public signals, verification keys,
receipts, invoices, bundles, key files) goes through :func:`parse_json`, which
refuses, with a typed error naming the source, before ``json.loads`` runs:

* text longer than the reader's cap (each reader passes the cap suited to its file);
* nesting deeper than ``max_depth`` (default :data:`MAX_JSON_DEPTH`), counted
  without recursion by :func:`nesting_depth`. The C decoder recurses once per
  level and trusts the interpreter's recursion limit, which py_ecc raises to
  100,000 at import: deep enough to overflow the C stack (a segfault) on a
  150 KB file of ``[[[…]]]``. Bounding the depth first makes parsing safe
  whatever that limit is;

and while it runs:

* number literals longer than :data:`MAX_NUMBER_CHARS` (a longer integer would
  hit Python's 4,300-digit ``int()`` limit with an untyped ValueError, or take
  quadratic time below it);
* ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON.

Files are read through :func:`read_capped_bytes`, which never reads more than
the cap (plus one byte to tell that the file is larger).
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import FormatError, ZkReceiptError

#: Deepest nesting accepted. The deepest legitimate document (a verification key's
#: ``vk_alphabeta_12``, an invoice's line items) nests 4 levels.
MAX_JSON_DEPTH = 32
#: Longest number literal accepted (a field element has 77 digits).
MAX_NUMBER_CHARS = 100

#: A JSON string (escapes consumed in pairs), or an unterminated one through the end
#: of the text. The possessive loop and the end-of-text alternative make every match
#: succeed from its quote, so the scan is linear.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (0 for a scalar).

    Brackets inside strings do not count. On malformed text the result is at least
    the depth the decoder reaches before it stops at the first error, since up to
    that point the text is valid JSON and the scan agrees with the decoder.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _bounded_number(source: str, error: type[ZkReceiptError], convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(literal: str) -> Any:
        if len(literal) > MAX_NUMBER_CHARS:
            raise error(f"{source}: a number of {len(literal)} characters (at most {MAX_NUMBER_CHARS} are accepted)")
        return convert(literal)

    return parse


def _refuse_constant(source: str, error: type[ZkReceiptError]) -> Callable[[str], Any]:
    def refuse(name: str) -> Any:
        raise error(f"{source}: not valid JSON ({name} is not a number)")

    return refuse


def parse_json(
    text: str | bytes | bytearray,
    source: str,
    *,
    max_bytes: int,
    max_depth: int = MAX_JSON_DEPTH,
    error: type[ZkReceiptError] = FormatError,
    parse_float: Callable[[str], Any] = float,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """The JSON value of ``text`` (str, or UTF-8 bytes); ``error`` naming ``source`` if it is
    larger than ``max_bytes`` (characters for str), nested deeper than ``max_depth``, has an
    over-long number or a NaN/Infinity, or is not JSON.

    ``parse_float`` converts decimal literals (e.g. ``decimal.Decimal``, to read them
    exactly); ``object_pairs_hook`` as in :func:`json.loads` (an exception it raises
    that is not ``error`` is reported as invalid JSON).
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise error(f"{source}: expected JSON text, got {type(text).__name__}")
    if len(text) > max_bytes:
        raise error(f"{source}: document larger than the {max_bytes}-byte limit for this file (it has {len(text)})")
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(f"{source}: not UTF-8 text (byte {exc.start})") from None
    depth = nesting_depth(text)
    if depth > max_depth:
        raise error(f"{source}: nested {depth} levels deep (at most {max_depth} are accepted)")
    try:
        return json.loads(
            text,
            parse_int=_bounded_number(source, error, int),
            parse_float=_bounded_number(source, error, parse_float),
            parse_constant=_refuse_constant(source, error),
            object_pairs_hook=object_pairs_hook,
        )
    except error:
        raise
    except json.JSONDecodeError as exc:
        raise error(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:
        raise error(f"{source}: not valid JSON ({exc})") from None


def read_capped_bytes(
    path: str | os.PathLike[str],
    max_bytes: int,
    error: type[ZkReceiptError] = FormatError,
    what: str = "file",
    access_error: type[ZkReceiptError] | None = None,
) -> bytes:
    """The bytes of the file ``path``, read only if it holds at most ``max_bytes``; ``error`` naming it
    (as ``what``, e.g. "receipt file") otherwise, or ``access_error`` (default ``error``) if it cannot be read."""
    source = Path(path)
    try:
        with open(source, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise (access_error or error)(f"{source}: cannot read the {what} ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise error(f"{source}: document larger than the {max_bytes}-byte limit for this file")
    return data


def read_json_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int,
    error: type[ZkReceiptError] = FormatError,
    **options: Any,
) -> Any:
    """The JSON value in the file ``path`` (see :func:`parse_json` for the bounds and ``options``)."""
    return parse_json(read_capped_bytes(path, max_bytes, error), str(path), max_bytes=max_bytes, error=error, **options)


__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_NUMBER_CHARS",
    "nesting_depth",
    "parse_json",
    "read_capped_bytes",
    "read_json_file",
]
