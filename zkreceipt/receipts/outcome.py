"""The result of one named check, as the detailed check reports show it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckOutcome:
    """Whether the check ``name`` passed, with a human-readable ``detail`` either way."""

    name: str
    passed: bool
    detail: str
