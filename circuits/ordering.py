"""Ordering of values whose range earlier constraints already prove.

``zkreceipt.circuit.gadgets.assert_less_or_equal`` range-checks any operand
that is not a single wire already known to fit, so a linear combination such
as ``completed_at − started_at`` would be decomposed a second time. The policy
circuits know such bounds from their own earlier constraints and state them
where they call :func:`assert_le_in_range`.
"""

from __future__ import annotations

from zkreceipt.circuit import CircuitAPI, VariableLike, gadget
from zkreceipt.circuit.gadgets import MAX_COMPARE_BITS, to_bits
from zkreceipt.circuit.gadgets.bits import check_bit_width
from zkreceipt.circuit.variable import as_variable


@gadget
def assert_le_in_range(api: CircuitAPI, low: VariableLike, high: VariableLike, n_bits: int) -> None:
    """Prove low ≤ high, **given** that other constraints of the circuit prove 0 ≤ low, high < 2^n_bits.

    One n-bit decomposition of high − low: n_bits + 1 constraints. Why it is
    sound: when low ≤ high the difference is in [0, 2^n); when low > high it is
    r − (low − high) > r − 2^n > 2^n (n ≤ 252), which no n-bit decomposition
    reaches. Without the precondition a wrapped operand could pass: callers
    must name the constraints that bound both operands.
    """
    check_bit_width(n_bits, MAX_COMPARE_BITS, "assert_le_in_range")
    to_bits(api, as_variable(high, "assert_le_in_range high") - as_variable(low, "assert_le_in_range low"), n_bits)
