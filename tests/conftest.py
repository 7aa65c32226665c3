"""Fixtures every test folder may use."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture()
def py_ecc_recursion_limit() -> Iterator[None]:
    """The recursion limit py_ecc sets when imported: the C stack overflows before it is reached."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
