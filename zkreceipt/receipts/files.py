"""Key-file I/O for the receipts layer: the shared atomic writers, raising KeyFileError."""

from __future__ import annotations

from functools import partial

from ..fileio import PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, read_private_file as _read, write_file_atomically as _write
from .errors import KeyFileError

write_file_atomically = partial(_write, error_type=KeyFileError)
read_private_file = partial(_read, error_type=KeyFileError)

__all__ = ["PRIVATE_FILE_MODE", "PUBLIC_FILE_MODE", "read_private_file", "write_file_atomically"]
