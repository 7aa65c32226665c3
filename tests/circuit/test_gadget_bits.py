"""Bit decomposition and range checks: valid values, one past the range, forged bits."""

from __future__ import annotations

import pytest
from circuit_helpers import assert_rejected, compile_adhoc, tampered, tampered_wires

from zkreceipt.circuit import ConstraintViolation, ParameterError, PrivateInput, PublicInput, R
from zkreceipt.circuit.gadgets import MAX_RANGE_BITS, assert_range, from_bits, to_bits


def bits_circuit(n_bits: int, captured: dict):
    def define(self, api):
        captured["bits"] = to_bits(api, self.x, n_bits)
        captured["recomposed"] = from_bits(api, captured["bits"])

    return compile_adhoc(define, x=PublicInput())


@pytest.mark.parametrize("n_bits", [1, 8, 64, MAX_RANGE_BITS])
def test_to_bits_costs_n_plus_one_and_decomposes(n_bits: int) -> None:
    captured: dict = {}
    compiled = bits_circuit(n_bits, captured)
    assert compiled.stats.n_constraints == n_bits + 1
    for x in {0, 1, (1 << n_bits) - 1, 0b1011 % (1 << n_bits)}:
        witness = compiled.solve({"x": x})
        bits = [compiled.evaluate(witness, b) for b in captured["bits"]]
        assert bits == [(x >> i) & 1 for i in range(n_bits)]
        assert compiled.evaluate(witness, captured["recomposed"]) == x


@pytest.mark.parametrize("n_bits", [1, 8, MAX_RANGE_BITS])
def test_one_past_the_range_is_rejected_by_the_recomposition(n_bits: int) -> None:
    compiled = bits_circuit(n_bits, {})
    with pytest.raises(ConstraintViolation, match="to_bits \\(test_gadget_bits.py:\\d+\\) › assert_equal 'recompose'"):
        compiled.solve({"x": 1 << n_bits})
    with pytest.raises(ConstraintViolation, match="recompose"):
        compiled.solve({"x": R - 1})


def test_forged_bits_are_rejected() -> None:
    captured: dict = {}
    compiled = bits_circuit(4, captured)
    witness = compiled.solve({"x": 2})  # bits 0, 1, 0, 0
    wires = [compiled.wire_index(b) for b in captured["bits"]]
    # a non-boolean "bit" that keeps the sum: 2 = 2·2^0
    forged = tampered_wires(witness, {wires[0]: 2, wires[1]: 0})
    assert "assert_bool 'bit 0'" in assert_rejected(compiled, forged)
    # a flipped bit breaks the recomposition
    assert "recompose" in assert_rejected(compiled, tampered(witness, wires[3], 1))
    # the x wire moved out from under its bits
    assert "recompose" in assert_rejected(compiled, tampered(witness, compiled.signals[0].wires[0], 3))


def test_widths_are_limited_to_253_bits() -> None:
    for bad in (0, MAX_RANGE_BITS + 1, 254, -3, 2.0, True):
        with pytest.raises(ParameterError, match="n_bits must be an int in \\[1, 253\\]"):
            compile_adhoc(lambda self, api, n=bad: to_bits(api, self.x, n), x=PrivateInput())
        with pytest.raises(ParameterError, match="assert_range"):
            compile_adhoc(lambda self, api, n=bad: assert_range(api, self.x, n), x=PrivateInput())


def test_assert_range_skips_what_is_already_proven() -> None:
    def define(self, api):
        assert_range(api, self.x, 8)  # 9 constraints
        assert_range(api, self.x, 8)  # known: free
        assert_range(api, self.x, 16)  # wider than known: free
        assert_range(api, self.x, 4)  # narrower: a new check, 5 constraints
        assert_range(api, 200, 8)  # a constant that fits: free

    compiled = compile_adhoc(define, x=PrivateInput())
    assert compiled.stats.n_constraints == 9 + 5
    compiled.solve({"x": 15})
    with pytest.raises(ConstraintViolation, match="recompose"):
        compiled.solve({"x": 16})


def test_constant_inputs_decompose_for_free_or_are_refused() -> None:
    captured: dict = {}

    def define(self, api):
        captured["bits"] = to_bits(api, 6, 3)
        api.assert_equal(self.x, from_bits(api, captured["bits"]))

    compiled = compile_adhoc(define, x=PublicInput())
    assert compiled.stats.n_constraints == 1
    assert [b.constant_value() for b in captured["bits"]] == [0, 1, 1]
    with pytest.raises(ParameterError, match="the constant 8 does not fit in 3 bits"):
        compile_adhoc(lambda self, api: assert_range(api, 8, 3), x=PublicInput())


def test_range_check_of_a_linear_combination() -> None:
    def define(self, api):
        assert_range(api, self.x - self.y, 10)  # x ≥ y and x − y < 1024

    compiled = compile_adhoc(define, x=PrivateInput(), y=PrivateInput())
    assert compiled.stats.n_constraints == 11
    compiled.solve({"x": 1023 + 5, "y": 5})
    with pytest.raises(ConstraintViolation):
        compiled.solve({"x": 1024 + 5, "y": 5})
    with pytest.raises(ConstraintViolation):
        compiled.solve({"x": 4, "y": 5})
