"""Readable names for constraints: gadget scopes and call sites.

A constraint's name is the chain of gadget scopes it was made in, then the
operation and its label, then the line that asked for it, e.g.
``less_than (pricing.py:31) › to_bits (compare.py:52) › assert_bool 'bit 3' (bits.py:47)``.
The builder records the raw pieces per constraint (cheap) and formats them once,
when the circuit is compiled.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import NamedTuple, ParamSpec, TypeVar

from ..errors import CircuitError

P = ParamSpec("P")
T = TypeVar("T")

_BUILDER_FILES: set[str] = set()


class CallSite(NamedTuple):
    """A source location: file path and line number."""

    filename: str
    line: int

    def __str__(self) -> str:
        return f"{os.path.basename(self.filename)}:{self.line}"


class Origin(NamedTuple):
    """Where a constraint (or hint) came from: enclosing gadget scopes, operation, label, call site."""

    scopes: tuple[str, ...]
    operation: str
    label: str | None
    site: CallSite

    def describe(self) -> str:
        label = f" {self.label!r}" if self.label else ""
        return " › ".join((*self.scopes, f"{self.operation}{label} ({self.site})"))


def register_builder_file(filename: str) -> None:
    """Treat ``filename`` as builder internals: call sites are looked up beyond it."""
    _BUILDER_FILES.add(filename)


def caller_site() -> CallSite:
    """The innermost frame outside the builder's own modules."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename in _BUILDER_FILES:
        frame = frame.f_back
    return CallSite(frame.f_code.co_filename, frame.f_lineno)


def gadget(function: Callable[P, T]) -> Callable[P, T]:
    """Decorate a gadget ``f(api, ...)``: constraints it makes are named ``f (caller:line) › ...``."""
    name = function.__name__

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        scope = getattr(args[0], "scope", None) if args else None
        if scope is None:
            raise CircuitError(f"{name}: the first argument must be the circuit api, got {args[:1]!r:.80}")
        frame = sys._getframe(1)
        with scope(f"{name} ({CallSite(frame.f_code.co_filename, frame.f_lineno)})"):
            return function(*args, **kwargs)

    return wrapper


register_builder_file(__file__)
