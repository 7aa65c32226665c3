"""is_zero, is_equal and select: valid values, forged inverses and results, non-boolean conditions."""

from __future__ import annotations

import pytest
from circuit_helpers import assert_rejected, compile_adhoc, tampered, tampered_wires

from zkreceipt.circuit import ConstraintViolation, PrivateInput, PublicInput, PublicOutput, R
from zkreceipt.circuit.gadgets import is_equal, is_zero, less_than, select, to_bits


def is_zero_circuit(captured: dict):
    def define(self, api):
        captured["out"] = is_zero(api, self.x)
        api.set_output(self.out, captured["out"])

    return compile_adhoc(define, out=PublicOutput(), x=PublicInput())


def test_is_zero_values_and_cost() -> None:
    compiled = is_zero_circuit({})
    assert compiled.stats.n_constraints == 2 + 1  # + binding 1 − t to the output
    for x, expected in [(0, 1), (1, 0), (R - 1, 0), (123456789, 0)]:
        assert compiled.solve({"x": x}).outputs["out"] == expected


def test_is_zero_rejects_a_forged_inverse_and_a_forged_result() -> None:
    compiled = is_zero_circuit({})
    witness = compiled.solve({"x": 5})
    inverse_wire, product_wire = compiled.stats.n_wires - 2, compiled.stats.n_wires - 1  # the hint, then x·inverse
    assert witness.values.to_ints()[inverse_wire] == pow(5, -1, R)
    assert "mul 'x·inverse'" in assert_rejected(compiled, tampered(witness, inverse_wire, 7))
    # a consistent forgery (inverse 7, x·inverse = 35, out = 1 − 35) is caught by x·out = 0
    for forged_inverse in (7, 0):
        product = 5 * forged_inverse
        forged = tampered_wires(witness, {inverse_wire: forged_inverse, product_wire: product, 1: 1 - product})
        assert "x·out = 0" in assert_rejected(compiled, forged)
    assert_rejected(compiled, tampered(witness, 1, 1))  # claim 5 is zero
    witness = compiled.solve({"x": 0})
    assert_rejected(compiled, tampered(witness, 1, 0))  # claim 0 is not zero
    # for x = 0 the inverse is irrelevant: any value still gives out = 1
    assert compiled.r1cs.first_unsatisfied(tampered(witness, inverse_wire, 99)) is None


def test_is_equal() -> None:
    compiled = compile_adhoc(
        lambda self, api: api.set_output(self.out, is_equal(api, self.a, self.b)),
        out=PublicOutput(),
        a=PublicInput(),
        b=PublicInput(),
    )
    assert compiled.stats.n_constraints == 3
    assert compiled.solve({"a": 7, "b": 7}).outputs["out"] == 1
    assert compiled.solve({"a": 7, "b": 8}).outputs["out"] == 0
    assert compiled.solve({"a": 0, "b": R - 1}).outputs["out"] == 0
    witness = compiled.solve({"a": 7, "b": 8})
    assert_rejected(compiled, tampered(witness, 1, 1))


def test_constant_operands_fold() -> None:
    captured: dict = {}

    def define(self, api):
        captured["zero"] = is_zero(api, 0)
        captured["equal"] = is_equal(api, 3, 4)
        captured["chosen"] = select(api, 1, self.x, 9)

    compiled = compile_adhoc(define, x=PrivateInput())
    assert compiled.stats.n_constraints == 0
    assert (captured["zero"].constant_value(), captured["equal"].constant_value()) == (1, 0)
    assert captured["chosen"].single_wire() == compiled.signals[0].wires[0]


def select_circuit():
    def define(self, api):
        api.set_output(self.out, select(api, self.cond, self.a, self.b))

    return compile_adhoc(define, out=PublicOutput(), cond=PublicInput(), a=PrivateInput(), b=PrivateInput())


def test_select_picks_and_checks_its_condition() -> None:
    compiled = select_circuit()
    assert compiled.stats.n_constraints == 3  # boolean check, the choice, binding b + choice to the output
    assert compiled.solve({"cond": 1, "a": 10, "b": 20}).outputs["out"] == 10
    assert compiled.solve({"cond": 0, "a": 10, "b": 20}).outputs["out"] == 20
    with pytest.raises(ConstraintViolation, match="select .* › assert_bool 'condition'"):
        compiled.solve({"cond": 2, "a": 10, "b": 20})
    witness = compiled.solve({"cond": 1, "a": 10, "b": 20})
    assert_rejected(compiled, tampered(witness, 1, 20))  # output the unselected value


def test_select_skips_the_boolean_check_for_known_bits() -> None:
    def define(self, api):
        bits = to_bits(api, self.x, 2)  # 3 constraints
        first = select(api, bits[0], self.a, self.b)  # 1
        second = select(api, less_than(api, self.a, self.b, 8), first, self.b)  # 2·9 range + 10 + 1
        third = select(api, is_zero(api, self.x), self.b, second)  # 2 + 1
        api.set_output(self.out, select(api, 1 - bits[1], third, self.a))  # 1, + 1 binding the output

    compiled = compile_adhoc(define, out=PublicOutput(), x=PrivateInput(), a=PrivateInput(), b=PrivateInput())
    assert compiled.stats.n_constraints == 3 + 1 + (18 + 10 + 1) + 3 + 2
    assert compiled.solve({"x": 1, "a": 4, "b": 6}).outputs["out"] == 4
    assert compiled.solve({"x": 2, "a": 4, "b": 6}).outputs["out"] == 4
    assert compiled.solve({"x": 0, "a": 7, "b": 6}).outputs["out"] == 6
    assert compiled.solve({"x": 1, "a": 9, "b": 2}).outputs["out"] == 2
