"""Bit decomposition and n-bit range checks.

Strategy (circomlib's Num2Bits): a hint proposes the n low bits of x; each bit
is constrained boolean (n constraints) and Σ bᵢ·2^i = x (1 constraint).
Cost: n + 1 constraints; 0 for a constant x.

Why n ≤ 253: Σ bᵢ·2^i < 2^253 < r, so the sum cannot wrap mod r; the bits are
then the unique binary expansion of x, and x < 2^n holds as integers. At 254
bits two decompositions exist for small x (x and x + r), so wider requests are
refused.
"""

from __future__ import annotations

from collections.abc import Callable

from ..api import CircuitAPI
from ..errors import ParameterError
from ..naming import gadget
from ..variable import Variable, VariableLike, as_variable

MAX_RANGE_BITS = 253


def check_bit_width(n_bits: int, limit: int, what: str) -> None:
    """Refuse a bit width that is not an int in [1, limit] (ParameterError naming ``what``)."""
    if isinstance(n_bits, bool) or not isinstance(n_bits, int) or not 1 <= n_bits <= limit:
        raise ParameterError(f"{what}: n_bits must be an int in [1, {limit}], got {n_bits!r}")


def _low_bits(n_bits: int) -> Callable[[list[int]], list[int]]:
    def bits(values: list[int]) -> list[int]:
        return [(values[0] >> i) & 1 for i in range(n_bits)]

    return bits


@gadget
def to_bits(api: CircuitAPI, x: VariableLike, n_bits: int) -> list[Variable]:
    """The n_bits little-endian bits of x, proving x < 2^n_bits (n_bits ≤ 253).

    Cost n_bits + 1 constraints (0 for a constant). A witness with x ≥ 2^n_bits
    violates the ``recompose`` constraint.
    """
    check_bit_width(n_bits, MAX_RANGE_BITS, "to_bits")
    x = as_variable(x, "to_bits input")
    constant = x.constant_value()
    if constant is not None:
        if constant >> n_bits:
            raise ParameterError(f"to_bits: the constant {constant} does not fit in {n_bits} bits")
        return [Variable.constant((constant >> i) & 1) for i in range(n_bits)]
    bits = api.hint(_low_bits(n_bits), [x], n_bits, label="bits")
    for i, bit in enumerate(bits):
        api.assert_bool(bit, label=f"bit {i}")
    api.assert_equal(from_bits(api, bits), x, label="recompose")  # the builder now knows x < 2^n_bits
    return bits


def from_bits(api: CircuitAPI, bits: list[Variable]) -> Variable:
    """Σ bits[i]·2^i (free; the caller vouches that the bits are boolean)."""
    return api.linear_combination([1 << i for i in range(len(bits))], bits)


@gadget
def assert_range(api: CircuitAPI, x: VariableLike, n_bits: int) -> None:
    """Prove 0 ≤ x < 2^n_bits (n_bits ≤ 253).

    Cost n_bits + 1 constraints (a bit decomposition), or 0 when x is a constant
    that fits or a wire already proven to fit (e.g. by an earlier check).
    """
    check_bit_width(n_bits, MAX_RANGE_BITS, "assert_range")
    known = api.bit_bound(x)
    if known is not None and known <= n_bits:
        return
    to_bits(api, x, n_bits)
