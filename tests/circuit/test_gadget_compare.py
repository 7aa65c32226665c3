"""Comparisons: exhaustive on small widths, boundaries at 252 bits, swapped and forged results."""

from __future__ import annotations

import itertools

import pytest
from circuit_helpers import assert_rejected, compile_adhoc, tampered

from zkreceipt.circuit import ConstraintViolation, ParameterError, PrivateInput, PublicInput, PublicOutput
from zkreceipt.circuit.gadgets import (
    MAX_COMPARE_BITS,
    assert_less_or_equal,
    assert_less_than,
    assert_range,
    greater_or_equal,
    greater_than,
    less_or_equal,
    less_than,
)

COMPARISONS = {
    less_than: lambda a, b: a < b,
    less_or_equal: lambda a, b: a <= b,
    greater_than: lambda a, b: a > b,
    greater_or_equal: lambda a, b: a >= b,
}


def comparison_circuit(compare, n_bits: int, prechecked: bool = True):
    def define(self, api):
        if prechecked:
            assert_range(api, self.a, n_bits)
            assert_range(api, self.b, n_bits)
        api.set_output(self.out, compare(api, self.a, self.b, n_bits))

    return compile_adhoc(define, out=PublicOutput(), a=PublicInput(), b=PublicInput())


@pytest.mark.parametrize("compare", list(COMPARISONS), ids=lambda f: f.__name__)
def test_exhaustive_three_bit_comparisons(compare) -> None:
    compiled = comparison_circuit(compare, 3)
    expected = COMPARISONS[compare]
    for a, b in itertools.product(range(8), repeat=2):
        assert compiled.solve({"a": a, "b": b}).outputs["out"] == int(expected(a, b)), (a, b)


@pytest.mark.parametrize("compare", list(COMPARISONS), ids=lambda f: f.__name__)
def test_comparisons_at_the_widest_width(compare) -> None:
    n = MAX_COMPARE_BITS
    compiled = comparison_circuit(compare, n)
    top = (1 << n) - 1
    for a, b in [(0, 0), (0, top), (top, 0), (top, top), (top - 1, top), (top, top - 1), (1 << (n - 1), 1 << (n - 1))]:
        assert compiled.solve({"a": a, "b": b}).outputs["out"] == int(COMPARISONS[compare](a, b)), (a, b)


def test_costs() -> None:
    n = 16
    checks = 2 * (n + 1)
    assert comparison_circuit(less_than, n).stats.n_constraints == checks + (n + 2) + 1  # + output binding
    assert comparison_circuit(less_than, n, prechecked=False).stats.n_constraints == checks + (n + 2) + 1

    def asserts(self, api):
        assert_range(api, self.a, n)
        assert_range(api, self.b, n)
        assert_less_than(api, self.a, self.b, n)
        assert_less_or_equal(api, self.a, self.b, n)

    assert compile_adhoc(asserts, a=PublicInput(), b=PublicInput()).stats.n_constraints == checks + 2 * (n + 1)


def test_operands_one_past_the_range_are_rejected() -> None:
    compiled = comparison_circuit(less_than, 8, prechecked=False)
    compiled.solve({"a": 255, "b": 255})
    with pytest.raises(ConstraintViolation, match="less_than .* › assert_range .* › to_bits .*recompose"):
        compiled.solve({"a": 256, "b": 3})
    with pytest.raises(ConstraintViolation, match="recompose"):
        compiled.solve({"a": 3, "b": 256})


def test_a_forged_comparison_result_is_rejected() -> None:
    compiled = comparison_circuit(less_than, 8)
    witness = compiled.solve({"a": 3, "b": 200})
    assert witness.outputs["out"] == 1
    assert_rejected(compiled, tampered(witness, 1, 0))  # claim 3 ≥ 200
    witness = compiled.solve({"a": 200, "b": 3})
    assert_rejected(compiled, tampered(witness, 1, 1))


@pytest.mark.parametrize(
    ("assertion", "holds"),
    [(assert_less_than, lambda a, b: a < b), (assert_less_or_equal, lambda a, b: a <= b)],
    ids=["assert_less_than", "assert_less_or_equal"],
)
def test_assertions_hold_exactly_when_they_should(assertion, holds) -> None:
    n = 4
    compiled = compile_adhoc(lambda self, api: assertion(api, self.a, self.b, n), a=PrivateInput(), b=PrivateInput())
    for a, b in itertools.product(range(16), repeat=2):
        if holds(a, b):
            compiled.solve({"a": a, "b": b})
        else:  # includes the swapped comparison of every valid pair
            with pytest.raises(ConstraintViolation, match=assertion.__name__):
                compiled.solve({"a": a, "b": b})
    with pytest.raises(ConstraintViolation):  # an operand beyond n bits cannot sneak through
        compiled.solve({"a": 3, "b": 16})


def test_time_window_assertions_use_known_ranges() -> None:
    """started ≤ completed ≤ started + 600, with 40-bit timestamps range-checked once."""

    def define(self, api):
        assert_range(api, self.started, 40)
        assert_range(api, self.completed, 40)
        assert_less_or_equal(api, self.started, self.completed, 40)
        assert_less_or_equal(api, self.completed, self.started + 600, 41)

    compiled = compile_adhoc(define, started=PublicInput(), completed=PublicInput())
    compiled.solve({"started": 1737730800, "completed": 1737730803})
    with pytest.raises(ConstraintViolation):
        compiled.solve({"started": 1737730803, "completed": 1737730800})
    with pytest.raises(ConstraintViolation):
        compiled.solve({"started": 1737730800, "completed": 1737730800 + 601})


def test_widths_above_252_are_refused() -> None:
    for compare in (less_than, assert_less_than, assert_less_or_equal, less_or_equal):
        with pytest.raises(ParameterError, match="n_bits must be an int in \\[1, 252\\]"):
            compile_adhoc(lambda self, api, f=compare: f(api, self.a, self.b, 253), a=PublicInput(), b=PublicInput())
