"""Zero and equality tests returning a boolean variable.

Strategy (circomlib's IsZero): a hint proposes inv = 1/x (0 when x = 0); with
t = x·inv (1 constraint) and out = 1 − t, the constraint x·out = 0 (1 more)
forces out = 0 when x ≠ 0, and out = 1 when x = 0 (then t = 0 whatever inv is).
A forged inv for x ≠ 0 makes out ≠ 0 and breaks x·out = 0.
Cost: 2 constraints (0 for a constant x).
"""

from __future__ import annotations

from ..api import CircuitAPI
from ..naming import gadget
from ..variable import R, Variable, VariableLike, as_variable


def _inverse_or_zero(values: list[int]) -> int:
    return pow(values[0], -1, R) if values[0] else 0


@gadget
def is_zero(api: CircuitAPI, x: VariableLike) -> Variable:
    """1 if x = 0 else 0. Cost 2 constraints."""
    x = as_variable(x, "is_zero input")
    constant = x.constant_value()
    if constant is not None:
        return Variable.constant(int(constant == 0))
    (inverse,) = api.hint(_inverse_or_zero, [x], label="inverse")
    product = api.mul(x, inverse, label="x·inverse")
    out = 1 - product
    api.assert_product(x, out, 0, label="x·out = 0")  # with product = x·inverse: product ∈ {0, 1}
    return out


@gadget
def is_equal(api: CircuitAPI, a: VariableLike, b: VariableLike) -> Variable:
    """1 if a = b else 0: ``is_zero(a − b)``. Cost 2 constraints."""
    return is_zero(api, as_variable(a, "is_equal operand") - as_variable(b, "is_equal operand"))
