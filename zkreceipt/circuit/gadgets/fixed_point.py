"""Fixed-point multiplication with an exact, range-checked remainder.

For a < 2^a_bits, b < 2^b_bits and a scale S ≥ 2, prove
``a·b = q·S + rem`` with ``0 ≤ rem < S``: q is ⌊a·b / S⌋ and rem the remainder
(e.g. milli-units × micro-tokens/unit at S = 1000 gives micro-tokens, rounded down).

Strategy: range-check a and b; a hint proposes (q, rem); range-check q to the
width of the largest possible quotient, check rem < S, and constrain
a·b = q·S + rem (1 constraint).

Why nothing wraps: a·b ≤ (2^a_bits − 1)(2^b_bits − 1) < r, and
q·S + rem < 2^q_bits·S ≤ r, so both sides are integers below r and equality mod
r is equality of integers; Euclidean division then makes (q, rem) unique.
Parameters for which either bound could reach r are refused (ParameterError).

Cost: (a_bits + 1) + (b_bits + 1) [0 for an operand already proven in range]
+ (q_bits + 1) + rem check + 1, where the rem check is k + 1 for S = 2^k and
2·(k + 1) otherwise (rem < 2^k and S − 1 − rem < 2^k, k = bit length of S − 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..api import CircuitAPI
from ..errors import ParameterError
from ..naming import gadget
from ..variable import R, Variable, VariableLike, as_variable
from .bits import MAX_RANGE_BITS, assert_range, check_bit_width, to_bits


@dataclass(frozen=True)
class FixedMulBounds:
    """Checked widths for a·b = q·scale + rem: q < 2^quotient_bits, rem < scale ≤ 2^remainder_bits."""

    a_bits: int
    b_bits: int
    scale: int
    quotient_bits: int
    remainder_bits: int


class FixedMulResult(NamedTuple):
    """Quotient ⌊a·b / scale⌋ and remainder a·b mod scale, as circuit variables."""

    quotient: Variable
    remainder: Variable


class QuotientRemainder(NamedTuple):
    """Quotient ⌊a·b / scale⌋ and remainder a·b mod scale, as ints (the native twin's result)."""

    quotient: int
    remainder: int


def fixed_mul_bounds(a_bits: int, b_bits: int, scale: int) -> FixedMulBounds:
    """Widths for ``fixed_mul``; ParameterError if a·b or q·scale + rem could reach r."""
    check_bit_width(a_bits, MAX_RANGE_BITS, "fixed_mul a_bits")
    check_bit_width(b_bits, MAX_RANGE_BITS, "fixed_mul b_bits")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 2:
        raise ParameterError(f"fixed_mul: scale must be an int ≥ 2, got {scale!r}")
    max_product = ((1 << a_bits) - 1) * ((1 << b_bits) - 1)
    if max_product >= R:
        raise ParameterError(
            f"fixed_mul: a_bits + b_bits = {a_bits + b_bits} lets a·b reach the field order r; "
            "use operands of at most 253 bits together"
        )
    quotient_bits = max(1, (max_product // scale).bit_length())
    remainder_bits = (scale - 1).bit_length()
    if quotient_bits > MAX_RANGE_BITS or remainder_bits > MAX_RANGE_BITS or (scale << quotient_bits) > R:
        raise ParameterError(
            f"fixed_mul: with scale {scale}, q·scale + rem could reach r (q needs {quotient_bits} bits)"
        )
    return FixedMulBounds(a_bits, b_bits, scale, quotient_bits, remainder_bits)


def fixed_mul_native(a: int, b: int, scale: int, a_bits: int, b_bits: int) -> QuotientRemainder:
    """The twin of :func:`fixed_mul` on ints; ParameterError if an operand is out of range."""
    fixed_mul_bounds(a_bits, b_bits, scale)
    for name, value, bits in (("a", a, a_bits), ("b", b, b_bits)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits:
            raise ParameterError(f"fixed_mul: {name} = {value!r} is not an int in [0, 2^{bits})")
    return QuotientRemainder(*divmod(a * b, scale))


def _divide_product_by(scale: int) -> Callable[[list[int]], list[int]]:
    def quotient_remainder(values: list[int]) -> list[int]:
        return list(divmod(values[0] * values[1], scale))

    return quotient_remainder


@gadget
def assert_below_constant(api: CircuitAPI, x: VariableLike, bound: int) -> None:
    """Prove 0 ≤ x < bound for a constant bound ≥ 2 (< 2^253).

    Cost k + 1 if bound = 2^k; otherwise 2·(k + 1) with k = bit length of bound − 1:
    x < 2^k and bound − 1 − x < 2^k (which fails, by wrapping, when x ≥ bound).
    """
    if isinstance(bound, bool) or not isinstance(bound, int) or not 2 <= bound <= 1 << MAX_RANGE_BITS:
        raise ParameterError(f"assert_below_constant: bound must be an int in [2, 2^253], got {bound!r}")
    x = as_variable(x, "assert_below_constant input")
    k = (bound - 1).bit_length()
    assert_range(api, x, k)
    if bound != 1 << k:
        to_bits(api, (bound - 1) - x, k)


@gadget
def fixed_mul(
    api: CircuitAPI, a: VariableLike, b: VariableLike, scale: int, a_bits: int, b_bits: int
) -> FixedMulResult:
    """(q, rem) with a·b = q·scale + rem, 0 ≤ rem < scale, for a < 2^a_bits, b < 2^b_bits.

    See the module docstring for the strategy, the no-wrap bound and the cost.
    """
    bounds = fixed_mul_bounds(a_bits, b_bits, scale)
    a, b = as_variable(a, "fixed_mul a"), as_variable(b, "fixed_mul b")
    assert_range(api, a, a_bits)
    assert_range(api, b, b_bits)
    quotient, remainder = api.hint(_divide_product_by(scale), [a, b], 2, label="divmod")
    assert_range(api, quotient, bounds.quotient_bits)
    assert_below_constant(api, remainder, scale)
    api.assert_product(a, b, quotient * scale + remainder, label="a·b = q·scale + rem")
    return FixedMulResult(quotient, remainder)
