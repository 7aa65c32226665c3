"""Atomic file writes, and reads of private files that refuse loose permissions.

A file is written to a temporary file in the same directory (created 0600 by
``mkstemp``), flushed and fsynced, given its final mode, then moved into place
with ``os.replace`` — or, when overwriting is not allowed, hard-linked into
place so an existing file is never replaced. Readers see the old file or the
complete new one, never a partial write.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from .errors import FileAccessError, ZkReceiptError

PRIVATE_FILE_MODE = 0o600
PUBLIC_FILE_MODE = 0o644
PRIVATE_DIRECTORY_MODE = 0o700


def write_file_atomically(
    path: str | Path,
    data: bytes,
    *,
    private: bool,
    overwrite: bool = False,
    error_type: type[ZkReceiptError] = FileAccessError,
) -> Path:
    """Write ``data`` to ``path`` atomically, mode 0600 if ``private`` else 0644.

    Raises ``error_type`` (a typed zkreceipt error naming the path) if ``path`` exists and
    ``overwrite`` is false, or on any OS error.
    """
    target = Path(path)
    try:
        directory = target.parent
        directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIRECTORY_MODE if private else 0o755)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise error_type(f"{target}: cannot create the file ({error.strerror})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE if private else PUBLIC_FILE_MODE)
        if overwrite:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)
        _fsync_directory(directory)
    except FileExistsError:
        raise error_type(f"{target}: already exists; refusing to overwrite it") from None
    except OSError as error:
        raise error_type(f"{target}: cannot write the file ({error.strerror})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return target


def _fsync_directory(directory: Path) -> None:
    """Persist the directory entry of a file just moved into ``directory`` (POSIX)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def read_private_file(path: str | Path, *, error_type: type[ZkReceiptError] = FileAccessError) -> bytes:
    """The bytes of a private file; ``error_type`` if unreadable, not a regular file, or group/world accessible."""
    source = Path(path)
    try:
        descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise error_type(f"{source}: cannot open the private key file ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise error_type(f"{source}: is not a regular file")
        if status.st_mode & 0o077:
            raise error_type(
                f"{source}: permissions {stat.S_IMODE(status.st_mode):04o} are too open for a private key; "
                "run chmod 600 on it"
            )
        return handle.read(1 << 16)
