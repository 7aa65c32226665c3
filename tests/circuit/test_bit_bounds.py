"""Known bit lengths come only from constraints the builder added: no caller can declare one.

``bit_bound`` lets gadgets skip a range check of a wire already proven small. It used to be fed
by a public ``record_bit_bound`` that trusted its caller (a wrong call made a later range check
vanish); now the builder infers bounds from its own constraints: a recomposition of proven bits,
and is_zero's pair x·k = p, x·(1 − p) = 0. Each inference is checked against lookalikes that
prove nothing.
"""

from __future__ import annotations

import pytest
from circuit_helpers import compile_adhoc

from zkreceipt.circuit import CircuitAPI, ConstraintViolation, PrivateInput, R
from zkreceipt.circuit.gadgets import assert_range, is_zero, to_bits


def bound_of(define) -> tuple[int | None, object]:  # type: ignore[no-untyped-def]
    """Compile a circuit whose ``define`` returns a variable; give that variable's bit_bound."""
    seen: dict = {}

    def wrapped(self, api):  # type: ignore[no-untyped-def]
        seen["bound"] = api.bit_bound(define(self, api))

    compiled = compile_adhoc(wrapped, x=PrivateInput(), y=PrivateInput())
    return seen["bound"], compiled


def hinted_bits(api: CircuitAPI, x, n: int, boolean: bool = True) -> list:  # type: ignore[no-untyped-def]
    bits = api.hint(lambda v: [(v[0] >> i) & 1 for i in range(n)], [x], n)
    if boolean:
        for bit in bits:
            api.assert_bool(bit)
    return bits


def test_nobody_can_declare_a_bound() -> None:
    assert not hasattr(CircuitAPI, "record_bit_bound")


def test_a_recomposition_of_proven_bits_bounds_the_wire() -> None:
    def define(self, api):  # type: ignore[no-untyped-def]
        bits = hinted_bits(api, self.x, 5)
        api.assert_equal(api.linear_combination([1 << i for i in range(5)], bits), self.x)
        return self.x

    assert bound_of(define)[0] == 5
    assert bound_of(lambda self, api: (to_bits(api, self.x, 7), self.x)[1])[0] == 7
    # weights that are not powers of two still bound it: x = b0 + 3·b1 + 3·b2 ≤ 7 < 2^3
    def weighted(self, api):  # type: ignore[no-untyped-def]
        bits = hinted_bits(api, self.x, 3)
        api.assert_equal(api.linear_combination([1, 3, 3], bits), self.x)
        return self.x

    assert bound_of(weighted)[0] == 3


@pytest.mark.parametrize(
    "lookalike",
    [
        "a bit without its boolean constraint",
        "a weight of r − 1 (the sum can wrap)",
        "two wires that are not bits",
    ],
)
def test_lookalike_recompositions_bound_nothing(lookalike: str) -> None:
    def define(self, api):  # type: ignore[no-untyped-def]
        if lookalike.startswith("a bit without"):
            bits = hinted_bits(api, self.x, 4, boolean=False)
            for bit in bits[1:]:
                api.assert_bool(bit)
            api.assert_equal(api.linear_combination([1, 2, 4, 8], bits), self.x)
        elif lookalike.startswith("a weight"):
            bits = hinted_bits(api, self.x, 2)
            api.assert_equal(api.linear_combination([1, R - 1], bits), self.x)
        else:
            bits = hinted_bits(api, self.x, 3)
            api.assert_equal(api.linear_combination([1, 2, 4, 1], [*bits, self.y]), self.x)
        return self.x

    bound, _ = bound_of(define)
    assert bound is None


def test_a_later_range_check_of_an_unproven_wire_is_not_skipped() -> None:
    """The unsound case record_bit_bound allowed: a wire whose 'bits' were never proven boolean."""

    def define(self, api):  # type: ignore[no-untyped-def]
        bits = hinted_bits(api, self.x, 4, boolean=False)
        api.assert_equal(api.linear_combination([1, 2, 4, 8], bits), self.x)
        assert_range(api, self.x, 4)

    compiled = compile_adhoc(define, x=PrivateInput())
    assert compiled.stats.n_constraints == 1 + 5  # the recomposition, then a real 4-bit check
    compiled.solve({"x": 15})
    with pytest.raises(ConstraintViolation):
        compiled.solve({"x": 16})


def test_is_zero_output_is_a_bit_and_lookalikes_are_not() -> None:
    assert bound_of(lambda self, api: is_zero(api, self.x))[0] == 1

    def product_of_another_wire(self, api):  # type: ignore[no-untyped-def]
        (k,) = api.hint(lambda v: [0], [self.x])
        p = api.mul(self.y, k)  # p = y·k, not x·k
        api.assert_product(self.x, 1 - p, 0)
        return 1 - p

    def hint_not_product(self, api):  # type: ignore[no-untyped-def]
        (p,) = api.hint(lambda v: [1], [self.x])  # p unconstrained: x·(1 − p) = 0 lets p be anything when x = 0
        api.assert_product(self.x, 1 - p, 0)
        return 1 - p

    assert bound_of(product_of_another_wire)[0] is None
    assert bound_of(hint_not_product)[0] is None
