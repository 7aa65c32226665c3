"""Errors specific to building and solving circuits (all are :class:`CircuitError`)."""

from __future__ import annotations

from ..errors import CircuitError, UnsatisfiedConstraintError


class WitnessInputError(CircuitError, ValueError):
    """An assignment given to the solver is wrong: a missing or unknown input, a
    wrong array length, a non-integer, or a value outside [0, r). ``input_name``
    names the input at fault."""

    def __init__(self, input_name: str, message: str) -> None:
        super().__init__(f"input {input_name!r}: {message}")
        self.input_name = input_name


class HintError(CircuitError):
    """A hint function raised, or returned something other than the promised
    number of field elements; the message names the hint."""


class ParameterError(CircuitError, ValueError):
    """A gadget or hash was given parameters it does not support (a bit width
    above its limit, an arity outside 1..16, a fixed-point scale that could wrap)."""


class ConstraintViolation(UnsatisfiedConstraintError):
    """The solved witness violates a constraint: ``index`` is its row in the R1CS,
    ``name`` its readable name (gadget scopes, operation, label, call site)."""

    def __init__(self, index: int, name: str, reason: str = "is not satisfied by this assignment") -> None:
        super().__init__(f"constraint {index} ({name}) {reason}")
        self.index = index
        self.name = name
