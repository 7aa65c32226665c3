"""Where the store lives: a SQLite file (the embedded default) or a PostgreSQL database named by URL.

``ReceiptStore(path_or_url)`` takes, in this order: the argument, then
``$ZKRECEIPT_DATABASE_URL``, then ``$ZKRECEIPT_HOME/zkreceipt.db``. A value
starting ``postgresql://`` (or ``postgres://``, ``postgresql+psycopg://``) is
a PostgreSQL URL, used with the psycopg 3 driver; ``sqlite:///PATH`` and a
plain path are SQLite files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import StoreError
from ..home import zkreceipt_home

STORE_FILE_NAME = "zkreceipt.db"
DATABASE_URL_ENVIRONMENT_VARIABLE = "ZKRECEIPT_DATABASE_URL"
_POSTGRESQL_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")
_SQLITE_SCHEME = "sqlite:///"
_PASSWORD = re.compile(r"(//[^:/@]*):[^@/]*@")


def default_store_path() -> Path:
    """Where the SQLite store lives when no path or URL is given."""
    return zkreceipt_home() / STORE_FILE_NAME


@dataclass(frozen=True)
class StoreLocation:
    """A resolved store: ``backend`` "sqlite" (``path`` set) or "postgresql" (``url`` set, for SQLAlchemy)."""

    backend: str
    path: Path | None = None
    url: str | None = None

    @property
    def display(self) -> str:
        """The path, or the URL without its password: for messages and logs."""
        return str(self.path) if self.path is not None else _PASSWORD.sub(r"\1:***@", self.url or "")


def resolve_location(path_or_url: str | Path | None = None) -> StoreLocation:
    """The store named by ``path_or_url``, else ``$ZKRECEIPT_DATABASE_URL``, else the default SQLite file."""
    if path_or_url is None:
        path_or_url = os.environ.get(DATABASE_URL_ENVIRONMENT_VARIABLE) or default_store_path()
    if isinstance(path_or_url, Path):
        return StoreLocation("sqlite", path=path_or_url)
    if not isinstance(path_or_url, str) or not path_or_url:
        raise StoreError(f"store: a path or a postgresql:// URL is needed, got {path_or_url!r:.60}")
    for scheme in _POSTGRESQL_SCHEMES:
        if path_or_url.startswith(scheme):
            return StoreLocation("postgresql", url="postgresql+psycopg://" + path_or_url[len(scheme) :])
    if path_or_url.startswith(_SQLITE_SCHEME):
        return StoreLocation("sqlite", path=Path(path_or_url[len(_SQLITE_SCHEME) :]))
    if "://" in path_or_url:
        scheme = path_or_url.split("://", 1)[0]
        raise StoreError(f"store: {scheme}:// is not a supported database (use a path or postgresql://…)")
    return StoreLocation("sqlite", path=Path(path_or_url).expanduser())
