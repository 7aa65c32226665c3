"""What every command shares: exit codes and turning typed errors into exit code 2."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import ZkReceiptError

#: Exit codes, as documented in the README: valid, invalid (proof or signature), bad input.
EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2

F = TypeVar("F", bound=Callable[..., Any])


def reports_bad_input(command: F) -> F:
    """Print a typed zkreceipt error as one line on stderr and exit with code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ZkReceiptError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def exit_with_verdict(valid: bool, *, quiet: bool = False) -> None:
    """A verdict line, then exit 0 (valid) or 1 (invalid)."""
    if not quiet:
        click.echo("OK: the proof is valid" if valid else "INVALID: the proof does not verify", err=not valid)
    sys.exit(EXIT_VALID if valid else EXIT_INVALID)
