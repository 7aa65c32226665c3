"""A record of large point vectors already found in their subgroup: a key's G2 points are checked once.

Loading a proving key checks that each of its G2 points has order r (``_g2_kernels.in_subgroup``,
about 60 µs a point: seconds for a 2^16-constraint key). A vector that passed is recorded by the
SHA-256 of its exact bytes (tagged with the group) as an empty file in
``$ZKRECEIPT_CACHE_DIR/subgroup-checked/`` (default ``$XDG_CACHE_HOME/zkreceipt`` or
``~/.cache/zkreceipt``; directory 0700), so the next load of the same bytes skips only that
test: coordinates below q and every point on its curve are still checked every time.

Trust: the record is this user's own earlier verdict, in this user's private cache, over
exactly these bytes; SHA-256 makes a different vector with the same record infeasible. A
missing or unreadable cache only means the check runs again. Vectors shorter than
:data:`MIN_POINTS` (a proof's B, a verification key) are always checked: their check is
cheaper than the lookup.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: Shorter point vectors are always checked in full.
MIN_POINTS = 256
CACHE_ENVIRONMENT_VARIABLE = "ZKRECEIPT_CACHE_DIR"
_TAG = b"zkreceipt subgroup-checked v1\0"


def cache_directory() -> Path:
    """Where the records live (see the module docstring)."""
    configured = os.environ.get(CACHE_ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured) / "subgroup-checked"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "zkreceipt" / "subgroup-checked"


def digest(group: str, data: bytes) -> str:
    """The record's name for these LEM bytes of ``group``'s points."""
    return hashlib.sha256(_TAG + group.encode() + b"\0" + data).hexdigest()


def is_recorded(name: str) -> bool:
    try:
        return (cache_directory() / name).is_file()
    except OSError:
        return False


def record(name: str) -> None:
    """Remember a vector that passed; best effort (a cache that cannot be written is not an error)."""
    directory = cache_directory()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
    except OSError:
        pass
