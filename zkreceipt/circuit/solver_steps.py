"""The witness solver's program: one step per wire-producing operation.

The builder appends a step whenever it creates internal wires; the solver runs
them in order over ``values`` (a list of Python ints indexed by the builder's
wire ids), each step filling its output wires from wires already known.
Linear combinations are stored as ``Terms``: a tuple of (wire, coefficient)
pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .errors import HintError
from .variable import R

Terms = tuple[tuple[int, int], ...]
HintFunction = Callable[[list[int]], "Sequence[int] | int"]


def evaluate(terms: Terms, values: list[int]) -> int:
    """Σ coeff · values[wire] mod R."""
    total = 0
    for wire, coeff in terms:
        total += values[wire] * coeff
    return total % R


class DivisionByZero(Exception):
    """Raised by a step whose divisor is 0; ``constraint`` is the index of the constraint it would violate."""

    def __init__(self, constraint: int) -> None:
        super().__init__(constraint)
        self.constraint = constraint


class ProductStep:
    """values[out] = left · right (the wire of a multiplication constraint)."""

    __slots__ = ("left", "out", "right")

    def __init__(self, out: int, left: Terms, right: Terms) -> None:
        self.out, self.left, self.right = out, left, right

    def run(self, values: list[int]) -> None:
        values[self.out] = evaluate(self.left, values) * evaluate(self.right, values) % R


class QuotientStep:
    """values[out] = numerator / denominator; a zero denominator violates ``constraint``."""

    __slots__ = ("constraint", "denominator", "numerator", "out")

    def __init__(self, out: int, numerator: Terms, denominator: Terms, constraint: int) -> None:
        self.out, self.numerator, self.denominator, self.constraint = out, numerator, denominator, constraint

    def run(self, values: list[int]) -> None:
        denominator = evaluate(self.denominator, values)
        if denominator == 0:
            raise DivisionByZero(self.constraint)
        values[self.out] = evaluate(self.numerator, values) * pow(denominator, -1, R) % R


class LinearStep:
    """values[out] = a linear combination (an output bound to a combination of wires)."""

    __slots__ = ("out", "terms")

    def __init__(self, out: int, terms: Terms) -> None:
        self.out, self.terms = out, terms

    def run(self, values: list[int]) -> None:
        values[self.out] = evaluate(self.terms, values)


class HintStep:
    """values[outs] = function(values of inputs): computed outside the constraints.

    ``description`` names the hint in errors. The function gets Python ints in
    [0, R) and must return ``len(outs)`` ints in [0, R) (or one int when
    ``len(outs) == 1``).
    """

    __slots__ = ("description", "function", "inputs", "outs")

    def __init__(
        self, function: HintFunction, inputs: tuple[Terms, ...], outs: tuple[int, ...], description: str
    ) -> None:
        self.function, self.inputs, self.outs, self.description = function, inputs, outs, description

    def run(self, values: list[int]) -> None:
        results = self.compute([evaluate(terms, values) for terms in self.inputs])
        for wire, value in zip(self.outs, results, strict=True):
            values[wire] = value

    def compute(self, arguments: list[int]) -> list[int]:
        """The hint's outputs for its argument values, checked: HintError if it fails or misbehaves."""
        try:
            result = self.function(arguments)
        except HintError:
            raise
        except Exception as exc:  # a hint is user code: report which one failed
            raise HintError(f"{self.description} raised {type(exc).__name__}: {exc}") from exc
        if len(self.outs) == 1 and isinstance(result, int) and not isinstance(result, bool):
            result = [result]
        if isinstance(result, (str, bytes)) or not isinstance(result, Sequence) or len(result) != len(self.outs):
            raise HintError(f"{self.description} must return {len(self.outs)} field elements, got {result!r:.200}")
        for index, value in enumerate(result):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < R:
                raise HintError(f"{self.description}: output {index} = {value!r:.100} is not an int in [0, r)")
        return [int(value) for value in result]


Step = ProductStep | QuotientStep | LinearStep | HintStep
