"""Selection between two values by a boolean condition (a 2-way mux).

Strategy: out = if_false + cond·(if_true − if_false): one multiplication, none
when the difference or the condition is constant. The condition is constrained
boolean unless it is already known to be (the outputs of is_zero, comparisons
and bit decompositions are): otherwise cond = 2 would select 2·if_true − if_false.
Cost: 1 constraint, + 1 for a condition not known to be boolean.
"""

from __future__ import annotations

from ..api import CircuitAPI
from ..naming import gadget
from ..variable import Variable, VariableLike, as_variable


@gadget
def select(api: CircuitAPI, cond: VariableLike, if_true: VariableLike, if_false: VariableLike) -> Variable:
    """``if_true`` if cond = 1, ``if_false`` if cond = 0 (cond must be a bit)."""
    cond = as_variable(cond, "select condition")
    if_true, if_false = as_variable(if_true, "select if_true"), as_variable(if_false, "select if_false")
    api.assert_bool(cond, label="condition")
    return if_false + api.mul(cond, if_true - if_false, label="choose")
