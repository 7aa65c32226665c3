"""What every command shares: exit codes, typed errors → exit code 2, crashes → 3, logging, audit records, progress.

Kept light (click and the error types only): the root group imports it for
every invocation, including ``--help``; the logging and store modules are
imported inside the functions that need them.

:func:`run_guarded` is the one place that turns what escapes a command into an
exit code; the root group runs every command through it, so no command can let
a traceback out or exit 1 ("invalid") on a crash.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import click

from ..errors import ZkReceiptError

#: Exit codes, as documented in the README: valid, invalid (proof or signature), bad input, internal error.
EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 3
#: Longest message printed for an error (a message quoting hostile input stays readable).
MAX_MESSAGE_CHARS = 1000

DAY_SECONDS = 86400
KERNEL_COMPILATION_NOTICE = "compiling the field kernels on all cores (first run only)…"

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_log_file: IO[str] | None = None


def one_line(text: str) -> str:
    """``text`` on one line (line breaks become spaces), cut to :data:`MAX_MESSAGE_CHARS`."""
    flat = " ".join(text.split("\n")).replace("\r", " ")
    return flat if len(flat) <= MAX_MESSAGE_CHARS else flat[: MAX_MESSAGE_CHARS - 1] + "…"


def exit_bad_input(error: ZkReceiptError) -> NoReturn:
    """Print a typed zkreceipt error as one line on stderr and exit with code 2."""
    click.echo(f"error: {one_line(str(error))}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def reports_bad_input(command: F) -> F:
    """Print a typed zkreceipt error as one line on stderr and exit with code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ZkReceiptError as exc:
            exit_bad_input(exc)

    return wrapper  # type: ignore[return-value]


def run_guarded(invoke: Callable[[], T], *, debug: bool) -> T:
    """``invoke()`` with what escapes it mapped to an exit code.

    click's own exits and errors (usage errors exit 2, ``--help``), ``SystemExit`` and
    Ctrl-C pass through. A typed zkreceipt error is bad input: one line, exit 2. Any
    other exception is a crash: one line ``internal error: …`` and exit 3, with the
    traceback on stderr only when ``debug`` (``--log-level debug``), so a crash never
    reads as "invalid" (1).
    """
    try:
        return invoke()
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except ZkReceiptError as exc:
        exit_bad_input(exc)
    except Exception as exc:  # noqa: BLE001 - this is the one place that catches everything
        if debug:
            click.echo(traceback.format_exc().rstrip(), err=True)
        hint = "" if debug else " (run with --log-level debug for the traceback)"
        click.echo(f"internal error: {type(exc).__name__}: {one_line(str(exc))}{hint}", err=True)
        sys.exit(EXIT_INTERNAL_ERROR)


def exit_with_verdict(valid: bool, *, quiet: bool = False) -> None:
    """A verdict line, then exit 0 (valid) or 1 (invalid)."""
    if not quiet:
        click.echo("OK: the proof is valid" if valid else "INVALID: the proof does not verify", err=not valid)
    sys.exit(EXIT_VALID if valid else EXIT_INVALID)


def start_logging(level: str, log_file: str | None) -> None:
    """Structured JSON logs at ``level`` to stderr, or appended to ``log_file`` (created 0600)."""
    from ..ledger.logs import configure_logging

    global _log_file
    stream = None
    if log_file:
        if _log_file is not None:
            _log_file.close()
        descriptor = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        _log_file = stream = os.fdopen(descriptor, "a", encoding="utf-8")
    configure_logging(level.upper(), stream)


def record_audit(action: str, subject: str, subject_id: str, **details: str | int | bool | None) -> None:
    """Append one event to the audit log ($ZKRECEIPT_HOME/audit.log); it refuses secret-looking fields."""
    from ..ledger.logs import AuditLog

    AuditLog().record(action, subject, subject_id, **details)


def run_stage(label: str, step: Callable[[], T]) -> T:
    """Run one stage of a long command, saying on stderr what it does and how long it took."""
    click.echo(f"{label} …", err=True, nl=False)
    started = time.perf_counter()
    try:
        result = step()
    except BaseException:
        click.echo(" failed", err=True)  # end the line, so the error message starts on its own
        raise
    click.echo(f" {time.perf_counter() - started:.1f} s", err=True)
    return result


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A click progress bar on stderr; yields ``advance(n)``, the shape of the library's ``progress`` callbacks."""
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def kernel_cache_roots() -> list[Path]:
    """Where numba keeps zkreceipt's compiled kernels: $NUMBA_CACHE_DIR when set (then only there),
    else beside the sources or in ~/.cache/numba (numba's fallback when the package is read-only)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return [Path(os.environ["NUMBA_CACHE_DIR"])]
    return [Path(__file__).resolve().parents[1], Path.home() / ".cache" / "numba"]


def kernel_cache_is_cold(roots: list[Path] | None = None) -> bool:
    """Whether numba has no cached zkreceipt kernel index (``*.nbi``) in any of ``roots`` (found without numba)."""
    for root in kernel_cache_roots() if roots is None else roots:
        for index in root.glob("**/*.nbi"):
            if "zkreceipt" in str(index):
                return False
    return True


def announce_kernel_compilation() -> None:
    """Say that the kernels are about to compile, when the cache is cold; call before importing the core."""
    if kernel_cache_is_cold():
        click.echo(KERNEL_COMPILATION_NOTICE)
