"""The zkreceipt home: the one folder that holds a user's keys, store, trust profile and audit log.

The home is private: whatever creates it first (a key, the store, the audit
log, a setup) creates it with mode 0700, through :func:`private_directory`.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENVIRONMENT_VARIABLE = "ZKRECEIPT_HOME"
PRIVATE_DIRECTORY_MODE = 0o700


def zkreceipt_home() -> Path:
    """``$ZKRECEIPT_HOME`` if set, else ``~/.zkreceipt`` (not created: see :func:`ensure_home`)."""
    configured = os.environ.get(HOME_ENVIRONMENT_VARIABLE)
    return Path(configured).expanduser() if configured else Path.home() / ".zkreceipt"


def private_directory(path: str | Path) -> Path:
    """Create ``path`` and every missing parent with mode 0700 (whatever the umask); return it.

    ``Path.mkdir(parents=True, mode=…)`` gives the mode to the last folder only,
    so a home created on the way to ``home/keys`` would be world-readable.
    Folders that already exist keep their mode.
    """
    directory = Path(path)
    missing = [folder for folder in (directory, *directory.parents) if not folder.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIRECTORY_MODE)
        except FileExistsError:
            continue  # another process created it first
        os.chmod(folder, PRIVATE_DIRECTORY_MODE)
    return directory


def ensure_home() -> Path:
    """The zkreceipt home, created 0700 if it does not exist yet."""
    return private_directory(zkreceipt_home())
