"""The builder: wire order, counts, free linear combinations, outputs, hints, names."""

from __future__ import annotations

import pytest
from circuit_helpers import assert_rejected, compile_adhoc, tampered

from zkreceipt.circuit import (
    Circuit,
    ConstraintViolation,
    HintError,
    PrivateInput,
    PublicInput,
    PublicOutput,
    R,
    Variable,
    compile_circuit,
)
from zkreceipt.circuit.gadgets import to_bits
from zkreceipt.errors import CircuitError, UnsatisfiedConstraintError


class Ordered(Circuit):
    units = PrivateInput()
    rates = PublicInput(count=3)
    price = PublicOutput()
    model = PrivateInput(count=2)
    window = PublicInput()
    check = PublicOutput(count=2)

    def define(self, api):
        price = api.mul(self.units, self.rates[0])
        api.set_output(self.price, price)
        api.set_output(self.check[0], self.window + self.model[0])
        api.set_output(self.check[1], 7)


def test_wire_order_outputs_then_public_then_private_in_declaration_order() -> None:
    compiled = compile_circuit(Ordered())
    layout = {s.name: s.wires for s in compiled.signals}
    assert layout == {
        "price": (1,),
        "check": (2, 3),
        "rates": (4, 5, 6),
        "window": (7,),
        "units": (8,),
        "model": (9, 10),
    }
    assert compiled.public_signal_names == [
        "price",
        "check[0]",
        "check[1]",
        "rates[0]",
        "rates[1]",
        "rates[2]",
        "window",
    ]
    assert compiled.r1cs.wire_names[:11] == (
        "one",
        "price",
        "check[0]",
        "check[1]",
        "rates[0]",
        "rates[1]",
        "rates[2]",
        "window",
        "units",
        "model[0]",
        "model[1]",
    )
    stats = compiled.stats
    assert (stats.n_outputs, stats.n_public_inputs, stats.n_private_inputs) == (3, 4, 3)
    assert stats.n_public == compiled.r1cs.n_public == 7
    # price aliases the product's wire (free); the two other outputs are bound by one constraint each
    assert stats.n_constraints == 3
    assert stats.n_wires == compiled.r1cs.n_wires == 11
    assert stats.n_internal_wires == 0

    witness = compiled.solve({"units": 5, "rates": [2, 3, 4], "model": [10, 11], "window": 100})
    assert witness.values.to_ints() == [1, 10, 110, 7, 2, 3, 4, 100, 5, 10, 11]
    assert witness.public_signals == (10, 110, 7, 2, 3, 4, 100)
    assert witness.outputs == {"price": 10, "check": [110, 7]}
    compiled.r1cs.check_witness(witness.values)


def test_compile_does_not_touch_the_circuit_and_signals_are_unreadable_outside_define() -> None:
    circuit = Ordered()
    compile_circuit(circuit)
    with pytest.raises(CircuitError, match="'units' is a circuit signal"):
        _ = circuit.units
    with pytest.raises(CircuitError, match="cannot be reassigned"):
        circuit.units = 3
    assert isinstance(Ordered.units, PrivateInput)
    assert [s.name for s in Ordered.signals()] == ["units", "rates", "price", "model", "window", "check"]


def test_subclass_signals_follow_base_signals() -> None:
    class Base(Circuit):
        x = PublicInput()

        def define(self, api):
            api.assert_equal(self.x, self.y)

    class Derived(Base):
        y = PublicInput()

    compiled = compile_circuit(Derived())
    assert [s.name for s in compiled.signals] == ["x", "y"]
    compiled.solve({"x": 4, "y": 4})
    with pytest.raises(UnsatisfiedConstraintError):
        compiled.solve({"x": 4, "y": 5})


def test_linear_operations_cost_nothing_and_merge_terms() -> None:
    seen = {}

    def define(self, api):
        x, y = self.x, self.y
        combination = 3 * x + y - x * 2 - api.neg(y) + api.constant(5) - 5  # = x + 2y
        seen["combination"] = combination
        seen["cancelled"] = x + y - y - x
        seen["sum"] = api.sum([x, x, y])
        seen["scaled"] = api.mul(x, 4)  # by a constant: free
        seen["constant"] = api.mul(api.constant(6), 7)
        seen["lc"] = api.linear_combination([1, R - 1, 2], [x, x, y])
        seen["div"] = api.div(x, 2)
        api.assert_equal(api.mul(combination, y), self.out)

    compiled = compile_adhoc(define, out=PublicInput(), x=PrivateInput(), y=PrivateInput())
    assert compiled.stats.n_constraints == 2  # one product, one equality
    x_wire, y_wire = compiled.signals[1].wires[0], compiled.signals[2].wires[0]
    assert seen["combination"].terms == {x_wire: 1, y_wire: 2}
    assert seen["cancelled"].terms == {}
    assert seen["sum"].terms == {x_wire: 2, y_wire: 1}
    assert seen["scaled"].terms == {x_wire: 4}
    assert seen["constant"].constant_value() == 42
    assert seen["lc"].terms == {y_wire: 2}
    assert seen["div"].terms == {x_wire: pow(2, -1, R)}
    witness = compiled.solve({"out": (3 + 2 * 4) * 4, "x": 3, "y": 4})
    assert compiled.evaluate(witness, seen["div"]) * 2 % R == 3


def test_linear_assertion_is_one_constraint_of_the_form_lc_times_one_equals_zero() -> None:
    def define(self, api):
        api.assert_equal(self.a + 2 * self.b, 10, label="budget")

    compiled = compile_adhoc(define, a=PublicInput(), b=PrivateInput())
    r1cs = compiled.r1cs
    assert r1cs.n_constraints == 1
    assert sorted(zip(r1cs.a.cols.tolist(), r1cs.a.coeffs.to_ints(), strict=True)) == [(0, R - 10), (1, 1), (2, 2)]
    assert list(zip(r1cs.b.cols.tolist(), r1cs.b.coeffs.to_ints(), strict=True)) == [(0, 1)]
    assert r1cs.c.nnz == 0
    compiled.solve({"a": 4, "b": 3})
    with pytest.raises(ConstraintViolation, match="assert_equal 'budget'") as info:
        compiled.solve({"a": 4, "b": 4})
    assert info.value.index == 0


def test_constant_assertions_are_decided_at_compile_time() -> None:
    def holds(self, api):
        api.assert_equal(api.constant(3) + 4, 7)
        api.assert_bool(1)
        api.assert_zero(self.x - self.x)
        api.assert_product(3, 5, 15)

    assert compile_adhoc(holds, x=PublicInput()).stats.n_constraints == 0

    def fails(self, api):
        api.assert_equal(api.constant(3), 4, label="three is four")

    with pytest.raises(CircuitError, match="'three is four' compares constants that differ"):
        compile_adhoc(fails, x=PublicInput())
    with pytest.raises(CircuitError, match="assert_bool of the constant 2"):
        compile_adhoc(lambda self, api: api.assert_bool(2), x=PublicInput())


def test_mul_costs_one_per_product_of_variables() -> None:
    def define(self, api):
        api.set_output(self.out, api.mul(3, self.x, self.y, self.x))  # 3x free, then 2 products
        api.set_output(self.scaled, api.mul(self.x, self.y, 3))  # 3·(x·y) is no single wire: bound by 1

    compiled = compile_adhoc(define, out=PublicOutput(), scaled=PublicOutput(), x=PrivateInput(), y=PrivateInput())
    assert compiled.stats.n_constraints == 2 + 2
    assert compiled.solve({"x": 5, "y": 7}).public_signals == (3 * 5 * 7 * 5, 3 * 5 * 7)


def test_variable_misuse_is_refused() -> None:
    def multiplies(self, api):
        self.x * self.y

    with pytest.raises(CircuitError, match="use api.mul"):
        compile_adhoc(multiplies, x=PrivateInput(), y=PrivateInput())

    def branches(self, api):
        if self.x:
            pass

    with pytest.raises(CircuitError, match="no truth value"):
        compile_adhoc(branches, x=PrivateInput())
    with pytest.raises(CircuitError, match="must be a circuit Variable or an int, got float"):
        compile_adhoc(lambda self, api: api.add(self.x, 1.5), x=PrivateInput())
    with pytest.raises(CircuitError, match="expects a Circuit instance"):
        compile_circuit(object())  # type: ignore[arg-type]
    with pytest.raises(CircuitError, match="count must be a positive int"):
        PublicInput(count=0)


def test_outputs_must_be_set_exactly_once() -> None:
    with pytest.raises(CircuitError, match="never given a value.*out\\[1\\]"):
        compile_adhoc(
            lambda self, api: api.set_output(self.out[0], self.x), out=PublicOutput(count=2), x=PrivateInput()
        )

    def twice(self, api):
        api.set_output(self.out, self.x)
        api.set_output(self.out, self.x)

    with pytest.raises(CircuitError, match="still needs a value"):
        compile_adhoc(twice, out=PublicOutput(), x=PrivateInput())
    with pytest.raises(CircuitError, match="is not an output"):
        compile_adhoc(lambda self, api: api.set_output(self.x, 1), x=PrivateInput())


def test_an_output_aliased_to_a_product_can_be_used_afterwards() -> None:
    def define(self, api):
        square = api.mul(self.x, self.x)
        api.set_output(self.out, square)  # free: the output takes the product's wire
        api.set_output(self.again, square)  # that wire is taken now: one binding constraint
        api.assert_equal(api.mul(self.out, self.x), self.cube)

    compiled = compile_adhoc(define, out=PublicOutput(), again=PublicOutput(), x=PrivateInput(), cube=PublicInput())
    assert compiled.stats.n_constraints == 4  # x², the binding of `again`, out·x, the equality
    assert compiled.stats.n_internal_wires == 1  # only out·x; x² is the output wire
    witness = compiled.solve({"x": 3, "cube": 27})
    assert witness.public_signals == (9, 9, 27)
    compiled.r1cs.check_witness(witness.values)
    with pytest.raises(ConstraintViolation):
        compiled.solve({"x": 3, "cube": 28})
    name = assert_rejected(compiled, tampered(witness, 1, 10))
    assert "mul" in name


def test_division_and_inverse() -> None:
    captured = {}

    def define(self, api):
        captured["quotient"] = api.div(self.a, self.b, label="a/b")
        api.set_output(self.out, api.inverse(self.b))

    compiled = compile_adhoc(define, out=PublicOutput(), a=PrivateInput(), b=PrivateInput())
    assert compiled.stats.n_constraints == 2
    witness = compiled.solve({"a": 10, "b": 4})
    assert compiled.evaluate(witness, captured["quotient"]) == 10 * pow(4, -1, R) % R
    assert witness.outputs["out"] == pow(4, -1, R)
    with pytest.raises(ConstraintViolation, match="div 'a/b'.*divides by zero"):
        compiled.solve({"a": 10, "b": 0})
    quotient_wire = compiled.wire_index(captured["quotient"])
    assert_rejected(compiled, tampered(witness, quotient_wire, 3))
    with pytest.raises(CircuitError, match="division by the constant 0"):
        compile_adhoc(lambda self, api: api.div(self.a, 0), a=PrivateInput())


def _isqrt_hint(values: list[int]) -> int:
    root = int(values[0] ** 0.5)
    while root * root > values[0]:
        root -= 1
    return root


def test_hints_compute_outside_constraints_and_constraints_reject_forgeries() -> None:
    captured = {}

    def define(self, api):
        (root,) = api.hint(_isqrt_hint, [self.square])
        captured["root"] = root
        api.assert_equal(api.mul(root, root), self.square, label="root²")

    compiled = compile_adhoc(define, square=PublicInput())
    assert compiled.stats.n_constraints == 2  # the hint itself costs nothing
    witness = compiled.solve({"square": 144})
    assert compiled.evaluate(witness, captured["root"]) == 12
    with pytest.raises(ConstraintViolation, match="root²"):
        compiled.solve({"square": 145})
    name = assert_rejected(compiled, tampered(witness, compiled.wire_index(captured["root"]), 13))
    assert "mul" in name


def test_unconstrained_hint_outputs_are_free_for_a_forger() -> None:
    """What the hint contract warns about: nothing checks a hint output the caller leaves unconstrained."""
    captured = {}

    def define(self, api):
        captured["value"] = api.hint(lambda values: values[0] + 1, [self.x])[0]

    compiled = compile_adhoc(define, x=PrivateInput())
    witness = compiled.solve({"x": 1})
    assert compiled.r1cs.first_unsatisfied(tampered(witness, compiled.wire_index(captured["value"]), 99)) is None


@pytest.mark.parametrize(
    ("hint", "message"),
    [
        (lambda values: [1, 2], "must return 1 field elements"),
        (lambda values: R, "output 0 = .* is not an int in \\[0, r\\)"),
        (lambda values: -1, "output 0 = -1"),
        (lambda values: "7", "must return 1 field elements"),
        (lambda values: 1 // 0, "raised ZeroDivisionError"),
    ],
)
def test_bad_hint_results_raise_hint_error_naming_the_hint(hint, message) -> None:
    def define(self, api):
        api.hint(hint, [self.x], label="my hint")

    compiled = compile_adhoc(define, x=PrivateInput())
    with pytest.raises(HintError, match="my hint") as info:
        compiled.solve({"x": 1})
    assert info.match(message)


def test_hint_arguments_are_checked_when_building() -> None:
    with pytest.raises(CircuitError, match="must be callable"):
        compile_adhoc(lambda self, api: api.hint(3, [self.x]), x=PrivateInput())
    with pytest.raises(CircuitError, match="n_outputs must be a positive int"):
        compile_adhoc(lambda self, api: api.hint(abs, [self.x], 0), x=PrivateInput())
    with pytest.raises(CircuitError, match="hint inputs must be a sequence"):
        compile_adhoc(lambda self, api: api.hint(abs, self.x), x=PrivateInput())


def test_gadgets_need_the_api_first() -> None:
    with pytest.raises(CircuitError, match="to_bits: the first argument must be the circuit api"):
        to_bits(5, 3)  # type: ignore[arg-type]


def test_constraint_names_carry_scope_label_and_call_site() -> None:
    def define(self, api):
        with api.scope("pricing"):
            api.assert_equal(self.x, 3, label="x is three")

    compiled = compile_adhoc(define, x=PrivateInput())
    (name,) = compiled.r1cs.constraint_names
    assert name.startswith("pricing › assert_equal 'x is three' (test_circuit_builder.py:")
    with pytest.raises(ConstraintViolation, match="pricing › assert_equal 'x is three'"):
        compiled.solve({"x": 4})


def test_variables_print_their_terms() -> None:
    assert repr(Variable({0: 5, 3: 1, 4: 2})) == "Variable(5·1 + w3 + 2·w4)"
    assert repr(Variable.constant(0)) == "Variable(0)"
    assert Variable.constant(-1).constant_value() == R - 1
