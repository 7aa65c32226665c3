"""Reading untrusted JSON documents exactly: decimals as Decimal (never float), strict fields.

A document may be given as JSON text (str), bytes (UTF-8) or an already-parsed
mapping. Parsing (:func:`zkreceipt.jsonio.parse_json`) refuses duplicate keys,
NaN/Infinity, documents over ``MAX_DOCUMENT_BYTES``, nesting deeper than
:data:`~zkreceipt.jsonio.MAX_JSON_DEPTH` and over-long numbers. A mapping built in
Python may hold ints, Decimals and decimal strings, but not floats (a float is
already rounded).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ReceiptError
from ..jsonio import parse_json, read_capped_bytes
from .fixed_point import decimal_to_fixed

JsonSource = str | bytes | bytearray | Mapping[str, Any]

MAX_DOCUMENT_BYTES = 1 << 20
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {key!r}")
        document[key] = value
    return document


def load_document(source: JsonSource, what: str) -> Mapping[str, Any]:
    """The top-level JSON object of ``source``; ReceiptError naming ``what`` if it is not one."""
    if isinstance(source, Mapping):
        return source
    if not isinstance(source, (str, bytes, bytearray)):
        raise ReceiptError(f"{what}: expected JSON text, bytes or a mapping, got {type(source).__name__}")
    document = parse_json(
        source,
        what,
        max_bytes=MAX_DOCUMENT_BYTES,
        error=ReceiptError,
        parse_float=Decimal,
        object_pairs_hook=_refuse_duplicates,
    )
    if not isinstance(document, dict):
        raise ReceiptError(f"{what}: the document must be a JSON object, got {_json_type(document)}")
    return document


def read_document_file(path: str | Path, what: str) -> bytes:
    """The bytes of a receipt, invoice or rate-table file (at most ``MAX_DOCUMENT_BYTES``);
    ReceiptError naming it (as ``what``, e.g. "receipt file") if it cannot be read."""
    return read_capped_bytes(path, MAX_DOCUMENT_BYTES, ReceiptError, what)


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


class FieldReader:
    """Typed access to the fields of one JSON object, with errors naming ``path.field``.

    ``path`` is empty for the top-level object and ``what`` names the document
    kind for messages about the object itself.
    """

    def __init__(self, document: object, path: str, what: str = "document") -> None:
        if not isinstance(document, Mapping):
            raise ReceiptError(f"{path or what}: must be an object, got {_json_type(document)}")
        for key in document:
            if not isinstance(key, str):
                raise ReceiptError(f"{path or what}: field names must be strings, got {key!r:.40}")
        self._document = document
        self.path = path

    def name(self, field: str) -> str:
        """The dotted path of ``field`` (``"units"``, ``"lineItem[2].account"``), as messages show it."""
        return f"{self.path}.{field}" if self.path else field

    def check_fields(self, required: Collection[str], optional: Collection[str] = ()) -> None:
        """Refuse a missing required field or any field not listed (unknown fields are rejected)."""
        for field in required:
            if field not in self._document:
                raise ReceiptError(f"{self.name(field)}: missing required field")
        allowed = set(required) | set(optional)
        for field in self._document:
            if field not in allowed:
                raise ReceiptError(f"{self.name(field)}: unknown field (allowed: {', '.join(sorted(allowed))})")

    def has(self, field: str) -> bool:
        """Whether ``field`` is present."""
        return field in self._document

    def raw(self, field: str) -> Any:
        """The value of ``field`` as parsed, unchecked."""
        return self._document[field]

    def string(self, field: str) -> str:
        """A JSON string (content checks belong to the model)."""
        value = self._document[field]
        if not isinstance(value, str):
            raise ReceiptError(f"{self.name(field)}: must be a string, got {_json_type(value)}")
        return value

    def integer(self, field: str) -> int:
        """A JSON integer (``3``, not ``3.0`` nor ``"3"``)."""
        value = self._document[field]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ReceiptError(f"{self.name(field)}: must be an integer, got {_json_type(value)} {value!r:.40}")
        return value

    def fixed(self, field: str, decimals: int) -> int:
        """A decimal (JSON number, or a string such as ``"2.5"``) as an int at scale 10^-decimals, exactly."""
        value = self._document[field]
        return decimal_to_fixed(self.name(field), self._as_decimal(field, value), decimals)

    def child(self, field: str) -> FieldReader:
        """A reader for the object held in ``field``."""
        return FieldReader(self._document[field], self.name(field))

    def element(self, field: str, index: int, value: object) -> FieldReader:
        """A reader for ``value``, the object at ``index`` of the array ``field``."""
        return FieldReader(value, f"{self.name(field)}[{index}]")

    def array(self, field: str) -> list[Any]:
        """A JSON array."""
        value = self._document[field]
        if not isinstance(value, (list, tuple)):
            raise ReceiptError(f"{self.name(field)}: must be an array, got {_json_type(value)}")
        return list(value)

    def _as_decimal(self, field: str, value: object) -> Decimal:
        if isinstance(value, bool):
            raise ReceiptError(f"{self.name(field)}: must be a decimal number, got boolean")
        if isinstance(value, float):
            raise ReceiptError(f"{self.name(field)}: a float is not exact; give a Decimal, an int or a decimal string")
        if isinstance(value, (int, Decimal)):
            return Decimal(value)
        if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
            return Decimal(value)
        raise ReceiptError(f"{self.name(field)}: must be a decimal number, got {_json_type(value)} {value!r:.40}")
