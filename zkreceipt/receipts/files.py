"""Key-file I/O for the receipts layer: the shared atomic writers and bounded JSON, raising KeyFileError."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from ..fileio import PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, read_private_file as _read, write_file_atomically as _write
from ..jsonio import parse_json
from .errors import KeyFileError

#: Key files are a few hundred bytes; the private-file reader reads at most this much.
MAX_KEY_FILE_BYTES = 1 << 16

write_file_atomically = partial(_write, error_type=KeyFileError)
read_private_file = partial(_read, error_type=KeyFileError)


def parse_key_json(path: Path, data: bytes) -> Any:
    """The JSON value of a key file's bytes (bounded as every JSON input); KeyFileError naming the file."""
    try:
        return parse_json(data, str(path), max_bytes=MAX_KEY_FILE_BYTES, error=KeyFileError)
    except KeyFileError as error:
        raise KeyFileError(f"{error}: not a zkreceipt key file") from None


__all__ = [
    "MAX_KEY_FILE_BYTES",
    "PRIVATE_FILE_MODE",
    "PUBLIC_FILE_MODE",
    "parse_key_json",
    "read_private_file",
    "write_file_atomically",
]
