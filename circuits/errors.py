"""Errors of the policy circuits: a bad policy, and a document that cannot satisfy one.

:class:`PolicyError` is raised when a policy or circuit shape is built with
unsupported parameters (a window that ends before it starts, a depth too deep);
:class:`PolicyViolation` when a receipt or invoice would give a witness the
circuit refuses (outside the window, unbalanced), before any proving starts.
Both name the parameter or document field at fault.
"""

from __future__ import annotations

from zkreceipt.circuit.errors import ParameterError
from zkreceipt.errors import ReceiptError


class PolicyError(ParameterError):
    """A policy or circuit shape has an unsupported value; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class PolicyViolation(ReceiptError):
    """A receipt or invoice cannot satisfy the policy; ``field`` names the document field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def require_int_in_range(parameter: str, value: object, low: int, high: int) -> int:
    """``value`` if it is an int in [low, high]; PolicyError naming ``parameter`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(parameter, f"must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise PolicyError(parameter, f"{value} is outside [{low}, {high}]")
    return value


def require_bounded_int(parameter: str, value: object, bits: int, minimum: int = 0) -> int:
    """``value`` if it is an int in [minimum, 2^bits); PolicyError naming ``parameter`` otherwise."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0 and value >> bits:
        raise PolicyError(parameter, f"{value} does not fit in {bits} bits (the circuit's bound)")
    return require_int_in_range(parameter, value, minimum, (1 << bits) - 1)
