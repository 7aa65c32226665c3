"""The zkreceipt home: the one folder that holds a user's keys, store, trust profile and audit log."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENVIRONMENT_VARIABLE = "ZKRECEIPT_HOME"


def zkreceipt_home() -> Path:
    """``$ZKRECEIPT_HOME`` if set, else ``~/.zkreceipt``."""
    configured = os.environ.get(HOME_ENVIRONMENT_VARIABLE)
    return Path(configured).expanduser() if configured else Path.home() / ".zkreceipt"
