"""The solver: input validation with typed errors naming the input, and full witness checks."""

from __future__ import annotations

import numpy as np
import pytest

from zkreceipt.circuit import (
    Circuit,
    ConstraintViolation,
    PrivateInput,
    PublicInput,
    PublicOutput,
    R,
    WitnessInputError,
    compile_circuit,
)
from zkreceipt.errors import CircuitError, UnsatisfiedConstraintError


class Pricing(Circuit):
    price = PublicOutput()
    rates = PublicInput(count=2)
    units = PrivateInput()

    def define(self, api):
        api.set_output(self.price, api.mul(self.units, self.rates[0] + self.rates[1]))


@pytest.fixture(scope="module")
def pricing():
    return compile_circuit(Pricing())


def test_valid_assignment_solves(pricing) -> None:
    witness = pricing.solve({"units": 3, "rates": [4, 5]})
    assert witness.outputs == {"price": 27}
    assert witness.public_signals == (27, 4, 5)
    assert len(witness.values) == pricing.stats.n_wires


def test_edge_values_are_accepted(pricing) -> None:
    witness = pricing.solve({"units": R - 1, "rates": (0, np.uint64(2**64 - 1))})
    assert witness.outputs["price"] == (R - 1) * (2**64 - 1) % R
    assert pricing.solve({"units": 0, "rates": np.array([1, 2])}).outputs["price"] == 0


@pytest.mark.parametrize(
    ("assignment", "name", "message"),
    [
        ({"rates": [1, 2]}, "units", "is missing"),
        ({"units": 1}, "rates", "is missing"),
        (
            {"units": 1, "rates": [1, 2], "extra": 3},
            "extra",
            "is not an input of this circuit \\(inputs: rates, units\\)",
        ),
        ({"units": 1, "rates": [1, 2], "price": 3}, "price", "is an output"),
        ({"units": 1, "rates": [1, 2, 3]}, "rates", "must have 2 elements, got 3"),
        ({"units": 1, "rates": [1]}, "rates", "must have 2 elements, got 1"),
        ({"units": 1, "rates": 5}, "rates", "must be a list of 2 ints, got int"),
        ({"units": 1, "rates": "12"}, "rates", "must be a list of 2 ints, got str"),
        ({"units": "1", "rates": [1, 2]}, "units", "must be an int, got str"),
        ({"units": 1.0, "rates": [1, 2]}, "units", "must be an int, got float"),
        ({"units": True, "rates": [1, 2]}, "units", "must be an int, got bool"),
        ({"units": [1], "rates": [1, 2]}, "units", "must be an int, got list"),
        ({"units": R, "rates": [1, 2]}, "units", "outside the field range"),
        ({"units": -1, "rates": [1, 2]}, "units", "outside the field range"),
        ({"units": 1, "rates": [1, R]}, "rates[1]", "outside the field range"),
        ({"units": 1, "rates": [None, 2]}, "rates[0]", "must be an int, got NoneType"),
    ],
)
def test_bad_assignments_name_the_input(pricing, assignment, name, message) -> None:
    with pytest.raises(WitnessInputError, match=message) as info:
        pricing.solve(assignment)
    assert info.value.input_name == name
    assert repr(name) in str(info.value)
    assert isinstance(info.value, CircuitError) and isinstance(info.value, ValueError)


def test_assignment_must_be_a_mapping(pricing) -> None:
    with pytest.raises(WitnessInputError, match="must be a mapping"):
        pricing.solve([("units", 1)])


class Bounded(Circuit):
    x = PrivateInput()
    y = PrivateInput()

    def define(self, api):
        api.assert_bool(self.x, label="x is a bit")
        api.assert_product(self.x, self.y, self.y, label="x·y = y")


def test_unsatisfiable_assignment_names_the_first_failing_constraint() -> None:
    compiled = compile_circuit(Bounded())
    compiled.solve({"x": 1, "y": 5})
    compiled.solve({"x": 0, "y": 0})
    with pytest.raises(ConstraintViolation, match="constraint 0 \\(assert_bool 'x is a bit'") as info:
        compiled.solve({"x": 2, "y": 0})
    assert (info.value.index, isinstance(info.value, UnsatisfiedConstraintError)) == (0, True)
    with pytest.raises(ConstraintViolation, match="constraint 1 \\(assert_product 'x·y = y'"):
        compiled.solve({"x": 0, "y": 5})
    assert "test_circuit_solver.py:" in compiled.r1cs.constraint_names[1]


def test_solving_twice_gives_independent_witnesses(pricing) -> None:
    first = pricing.solve({"units": 2, "rates": [1, 1]})
    second = pricing.solve({"units": 3, "rates": [1, 1]})
    assert (first.outputs["price"], second.outputs["price"]) == (4, 6)
