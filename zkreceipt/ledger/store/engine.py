"""Connections to the store: one SQLAlchemy engine per backend, the busy wait, and typed errors.

SQLite (one file): WAL journal, so readers never wait for a writer and never
lock it out; ``synchronous = FULL``; foreign keys on. A write transaction
starts ``BEGIN IMMEDIATE`` (it takes the write lock first, waiting at most the
busy timeout), a read transaction a plain ``BEGIN``.

PostgreSQL (psycopg 3): ``lock_timeout`` is the busy timeout, so a writer
queued behind another one's row lock gives up after it.

Either way, a wait that runs out raises :class:`StoreBusyError` ("store busy,
retry"); every other database error becomes a :class:`StoreError` naming the
store.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ...errors import StoreError
from ..home import private_directory
from .location import StoreLocation
from .records import StoreBusyError
from .schema import MIGRATION_LOCK_KEY, SCHEMA_VERSION, read_version, refuse_newer, upgrade

#: Execution option of the engine that writes: its transactions start with the write lock.
WRITE_OPTION = "zkreceipt_write"
_SQLITE_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_SQLITE_NOT_A_DATABASE = 26  # SQLITE_NOTADB
#: lock_not_available, serialization_failure, deadlock_detected, query_canceled (statement timeout)
_POSTGRESQL_BUSY_STATES = {"55P03", "40001", "40P01"}
_CONNECT_TIMEOUT_SECONDS = 10


def create_store_engine(location: StoreLocation, busy_timeout: float) -> Engine:
    """An engine on the store at ``location`` (a new SQLite file is created 0600 in a 0700 folder)."""
    if location.backend == "sqlite":
        return _sqlite_engine(location, busy_timeout)
    return _postgresql_engine(location, busy_timeout)


def _sqlite_engine(location: StoreLocation, busy_timeout: float) -> Engine:
    assert location.path is not None
    try:
        private_directory(location.path.parent)
        os.close(os.open(location.path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as error:
        raise StoreError(f"{location.display}: cannot open the store ({error.strerror})") from None
    engine = sa.create_engine(
        f"sqlite:///{location.path}", connect_args={"timeout": busy_timeout, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit transactions: the "begin" hook says how to start
        for pragma in ("foreign_keys = ON", "synchronous = FULL"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION) else "BEGIN")

    return engine


def _postgresql_engine(location: StoreLocation, busy_timeout: float) -> Engine:
    try:
        import psycopg  # noqa: F401  (the driver SQLAlchemy loads for postgresql+psycopg)
    except ImportError:
        raise StoreError(
            f"{location.display}: a PostgreSQL store needs psycopg 3: pip install 'zkreceipt[postgresql]'"
        ) from None
    milliseconds = max(1, round(busy_timeout * 1000))
    assert location.url is not None
    return sa.create_engine(
        location.url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": _CONNECT_TIMEOUT_SECONDS, "options": f"-c lock_timeout={milliseconds}"},
    )


def ensure_schema(engine: Engine, location: StoreLocation, busy_timeout: float) -> None:
    """Create or migrate the schema when needed; a store already at :data:`SCHEMA_VERSION` is only read."""
    with translate_errors(location, "cannot open the store", busy_timeout):
        with engine.connect() as connection:
            try:
                version: int | None = read_version(connection, location.display)
            except StoreError:
                if engine.dialect.name != "postgresql":
                    raise  # a foreign SQLite file is refused untouched
                # Unlocked, its reads can straddle another process's schema creation (READ COMMITTED):
                # decide under the migration lock below, where the state is settled.
                version = None
            connection.rollback()
        if version == SCHEMA_VERSION:
            return
        if version is not None:
            refuse_newer(version, location.display)
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()  # WAL is a property of the file: set once, outside any transaction
            try:
                raw.driver_connection.execute("PRAGMA journal_mode = WAL")  # type: ignore[union-attr]
            finally:
                raw.close()
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
            upgrade(connection, read_version(connection, location.display), location.display)


@contextmanager
def translate_errors(location: StoreLocation, action: str, busy_timeout: float) -> Iterator[None]:
    """Turn database errors into StoreBusyError (a wait ran out) or StoreError naming the store and ``action``."""
    try:
        yield
    except sa.exc.DBAPIError as error:
        if is_busy(error):
            raise StoreBusyError(
                f"{location.display}: store busy (another writer held it for more than {busy_timeout:g} s); retry"
            ) from None
        if getattr(error.orig, "sqlite_errorcode", None) == _SQLITE_NOT_A_DATABASE:
            raise StoreError(f"{location.display}: not a zkreceipt store ({error.orig})") from None
        raise StoreError(f"{location.display}: {action} ({_reason(error)})") from None
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"{location.display}: {action} ({error})") from None


def is_busy(error: sa.exc.DBAPIError) -> bool:
    """Whether ``error`` says a lock wait ran out (SQLite busy/locked, PostgreSQL lock timeout, conflict)."""
    original = error.orig
    if isinstance(original, sqlite3.Error):
        return getattr(original, "sqlite_errorcode", None) in _SQLITE_BUSY_CODES or "locked" in str(original)
    return getattr(original, "sqlstate", None) in _POSTGRESQL_BUSY_STATES


def _reason(error: sa.exc.DBAPIError) -> str:
    """The driver's message, first line only (psycopg adds context lines)."""
    return str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
