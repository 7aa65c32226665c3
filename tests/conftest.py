"""Fixtures shared by every test folder: a private zkreceipt home per test, a real PostgreSQL server, py_ecc's recursion limit.

Every test runs with ``$ZKRECEIPT_HOME`` in its own temporary folder and no
``$ZKRECEIPT_DATABASE_URL``, so no test writes to the user's home, store or
audit log (tests that need a particular home set the variable themselves).

``postgresql_server`` (session scope) runs ``initdb`` and ``pg_ctl`` on a
temporary directory, listening only on a Unix socket there (no TCP port). As
root it runs the server as the ``postgres`` user (or ``nobody``): PostgreSQL
refuses to run as root. ``scripts/test.sh`` installs the Debian package
``postgresql`` when the binaries are missing, so a missing server is a
failure here, never a skip. ``server.create_database()`` returns the URL of
a new empty database.
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

POSTGRESQL_USER = "zkreceipt"


@pytest.fixture(autouse=True)
def private_zkreceipt_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("zkreceipt-home") / "home"
    monkeypatch.setenv("ZKRECEIPT_HOME", str(home))
    monkeypatch.delenv("ZKRECEIPT_DATABASE_URL", raising=False)
    return home


@dataclass(frozen=True)
class PostgresqlServer:
    """A running server: connect as ``POSTGRESQL_USER`` (trust) through ``socket_dir``."""

    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql://{POSTGRESQL_USER}@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"zkreceipt_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def postgresql_bin_directory() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``: on the PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parent.parent.name)
    )
    if not candidates:
        pytest.fail(
            "PostgreSQL binaries (initdb, pg_ctl) not found: install the Debian package postgresql"
            " (scripts/test.sh does so when they are missing)"
        )
    return candidates[-1].parent


def _server_user() -> str | None:
    """The unprivileged user to run the server as when we are root, else None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    pytest.fail("running as root and no postgres or nobody user to run PostgreSQL as")


def _as_user(command: Sequence[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else list(command)


def _run(command: Sequence[str], user: str | None) -> None:
    result = subprocess.run(_as_user(command, user), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command[:2])} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresqlServer]:
    binaries = postgresql_bin_directory()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="zkreceipt-pg-"))
    data = root / "data"
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    port = random.randint(20000, 60000)  # names the socket file only: the server listens on no TCP address
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", POSTGRESQL_USER, "--auth=trust",
              "--locale=C", "-E", "UTF8", "--no-sync"], user)
        options = f"-k {root} -h '' -p {port} -F -c max_connections=60"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
              "-o", options, "start"], user)
        try:
            yield PostgresqlServer(root, port)
        finally:
            stop = [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            subprocess.run(_as_user(stop, user), capture_output=True, timeout=60)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def py_ecc_recursion_limit() -> Iterator[None]:
    """The recursion limit py_ecc sets when imported: the C stack overflows before it is reached."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
