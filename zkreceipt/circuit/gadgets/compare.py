"""Comparisons of n-bit values (n ≤ 252).

Strategy (circomlib's LessThan): for a, b < 2^n, a + 2^n − b lies in
(0, 2^(n+1)); its bit n is 1 exactly when a ≥ b. So decompose it into n + 1
bits (n + 2 constraints) and return 1 − bit n. a ≤ b decomposes
a + 2^n − b − 1 ∈ [0, 2^(n+1) − 1) the same way.

Assertions are cheaper: a < b ⇔ b − a − 1 ∈ [0, 2^n) and a ≤ b ⇔ b − a ∈ [0, 2^n)
(when a ≥ b those differences wrap to values above r − 2^(n+1) > 2^n), so one
n-bit range check: n + 1 constraints.

Unlike circomlib, the operands' ranges are enforced: an operand not already
known to fit in n bits (a constant, or a wire an earlier range check covered) is
range-checked first, n + 1 constraints each. n ≤ 252 keeps n + 1 ≤ 253.
"""

from __future__ import annotations

from ..api import CircuitAPI
from ..naming import gadget
from ..variable import Variable, VariableLike, as_variable
from .bits import MAX_RANGE_BITS, assert_range, check_bit_width, to_bits

MAX_COMPARE_BITS = MAX_RANGE_BITS - 1


def _operands(api: CircuitAPI, a: VariableLike, b: VariableLike, n_bits: int, what: str) -> tuple[Variable, Variable]:
    check_bit_width(n_bits, MAX_COMPARE_BITS, what)
    a, b = as_variable(a, f"{what} operand"), as_variable(b, f"{what} operand")
    assert_range(api, a, n_bits)
    assert_range(api, b, n_bits)
    return a, b


def _top_bit_clear(api: CircuitAPI, shifted_difference: Variable, n_bits: int) -> Variable:
    """1 − bit n of a value in [0, 2^(n+1)) (n + 2 constraints); a boolean variable."""
    return 1 - to_bits(api, shifted_difference, n_bits + 1)[n_bits]


@gadget
def less_than(api: CircuitAPI, a: VariableLike, b: VariableLike, n_bits: int) -> Variable:
    """1 if a < b else 0, for n-bit a and b. Cost n + 2 (+ n + 1 per unchecked operand)."""
    a, b = _operands(api, a, b, n_bits, "less_than")
    return _top_bit_clear(api, a + (1 << n_bits) - b, n_bits)


@gadget
def less_or_equal(api: CircuitAPI, a: VariableLike, b: VariableLike, n_bits: int) -> Variable:
    """1 if a ≤ b else 0, for n-bit a and b. Cost n + 2 (+ n + 1 per unchecked operand)."""
    a, b = _operands(api, a, b, n_bits, "less_or_equal")
    return _top_bit_clear(api, a + (1 << n_bits) - b - 1, n_bits)


def greater_than(api: CircuitAPI, a: VariableLike, b: VariableLike, n_bits: int) -> Variable:
    """1 if a > b else 0: ``less_than(b, a)``."""
    return less_than(api, b, a, n_bits)


def greater_or_equal(api: CircuitAPI, a: VariableLike, b: VariableLike, n_bits: int) -> Variable:
    """1 if a ≥ b else 0: ``less_or_equal(b, a)``."""
    return less_or_equal(api, b, a, n_bits)


@gadget
def assert_less_than(api: CircuitAPI, a: VariableLike, b: VariableLike, n_bits: int) -> None:
    """Prove a < b for n-bit a, b. Cost n + 1 (+ n + 1 per unchecked operand)."""
    a, b = _operands(api, a, b, n_bits, "assert_less_than")
    to_bits(api, b - a - 1, n_bits)


@gadget
def assert_less_or_equal(api: CircuitAPI, a: VariableLike, b: VariableLike, n_bits: int) -> None:
    """Prove a ≤ b for n-bit a, b. Cost n + 1 (+ n + 1 per unchecked operand)."""
    a, b = _operands(api, a, b, n_bits, "assert_less_or_equal")
    to_bits(api, b - a, n_bits)
