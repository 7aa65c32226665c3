"""The witness solver: from named input values to every wire, then a full check.

Solving validates the assignment (every declared input present, nothing
unknown, arrays of the declared length, ints in [0, r)), runs the builder's
steps in order, reorders the values into the final wire order, and checks every
constraint on the result (vectorized over the R1CS), so an assignment that
breaks any assertion is refused with the constraint's name.

:func:`solve` runs the steps in compiled Montgomery arithmetic
(``solver_compiled``); :func:`solve_plain`, its plain twin, runs them on Python ints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..field import FieldVector, Fr
from ..r1cs import R1CS
from .declarations import SignalLayout, Visibility
from .errors import ConstraintViolation, WitnessInputError
from .solver_compiled import CompiledProgram, compile_program, run_compiled
from .solver_steps import DivisionByZero, Step
from .variable import R

InputValue = int | Sequence[int]
Assignment = Mapping[str, InputValue]
OutputValue = int | list[int]


@dataclass(frozen=True)
class Witness:
    """A solved witness.

    ``values``: every wire, (n_wires,) Fr vector in the R1CS's wire order
    (wire 0 = 1, outputs, public inputs, private inputs, internal wires);
    ``public_signals``: outputs then public inputs as ints (snarkjs public.json
    order, without the leading 1); ``outputs``: each declared output by name
    (an int, or a list for an array output).
    """

    values: FieldVector
    public_signals: tuple[int, ...]
    outputs: Mapping[str, OutputValue]


@dataclass(frozen=True)
class SolverProgram:
    """What the solver runs: ``steps`` over ``n_wires`` builder wire ids.

    ``final_order[i]`` is the builder id of final wire i (None when they coincide).
    """

    n_wires: int
    steps: tuple[Step, ...]
    final_order: tuple[int, ...] | None

    @cached_property
    def compiled(self) -> CompiledProgram:
        """The steps flattened for the compiled interpreter (built on first use)."""
        return compile_program(self.steps)


def _check_element(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise WitnessInputError(name, f"must be an int, got {type(value).__name__}")
    value = int(value)
    if not 0 <= value < R:
        raise WitnessInputError(name, f"value {value} is outside the field range [0, r)")
    return value


def _read_signal(layout: SignalLayout, value: object) -> list[int]:
    if layout.count is None:
        return [_check_element(layout.name, value)]
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise WitnessInputError(layout.name, f"must be a list of {layout.count} ints, got {type(value).__name__}")
    if len(value) != layout.count:
        raise WitnessInputError(layout.name, f"must have {layout.count} elements, got {len(value)}")
    return [_check_element(f"{layout.name}[{i}]", element) for i, element in enumerate(value)]


def read_assignment(signals: Sequence[SignalLayout], assignment: Assignment) -> dict[int, int]:
    """Validated input values by wire id; raises :class:`WitnessInputError` naming the input at fault."""
    if not isinstance(assignment, Mapping):
        raise WitnessInputError(
            "<assignment>", f"must be a mapping from input names to values, got {type(assignment).__name__}"
        )
    inputs = {layout.name: layout for layout in signals if layout.visibility is not Visibility.OUTPUT}
    outputs = {layout.name for layout in signals if layout.visibility is Visibility.OUTPUT}
    for name in assignment:
        if name in outputs:
            raise WitnessInputError(str(name), "is an output: the circuit computes it")
        if name not in inputs:
            known = ", ".join(inputs) or "none"
            raise WitnessInputError(str(name), f"is not an input of this circuit (inputs: {known})")
    values: dict[int, int] = {}
    for name, layout in inputs.items():
        if name not in assignment:
            raise WitnessInputError(name, "is missing from the assignment")
        values.update(zip(layout.wires, _read_signal(layout, assignment[name]), strict=True))
    return values


def solve(
    program: SolverProgram,
    r1cs: R1CS,
    signals: Sequence[SignalLayout],
    assignment: Assignment,
    constraint_names: Sequence[str],
) -> Witness:
    """Fill every wire from ``assignment`` and check all constraints (see the module docstring)."""
    inputs = read_assignment(signals, assignment)
    values = np.zeros((program.n_wires, 4), dtype=np.uint64)
    values[0] = Fr.ones(1).limbs[0]
    if inputs:
        values[list(inputs)] = Fr.from_ints(list(inputs.values())).limbs
    try:
        run_compiled(program.compiled, values)
    except DivisionByZero as exc:
        raise ConstraintViolation(exc.constraint, constraint_names[exc.constraint], "divides by zero") from None
    if program.final_order is not None:
        values = values[np.asarray(program.final_order, dtype=np.int64)]
    return _checked(FieldVector(Fr, values), r1cs, signals, constraint_names)


def solve_plain(
    program: SolverProgram,
    r1cs: R1CS,
    signals: Sequence[SignalLayout],
    assignment: Assignment,
    constraint_names: Sequence[str],
) -> Witness:
    """:func:`solve` with the steps run on Python ints (the plain twin)."""
    values = [0] * program.n_wires
    values[0] = 1
    for wire, value in read_assignment(signals, assignment).items():
        values[wire] = value
    try:
        for step in program.steps:
            step.run(values)
    except DivisionByZero as exc:
        raise ConstraintViolation(exc.constraint, constraint_names[exc.constraint], "divides by zero") from None
    if program.final_order is not None:
        values = [values[wire] for wire in program.final_order]
    return _checked(Fr.from_ints(values), r1cs, signals, constraint_names)


def _checked(
    vector: FieldVector, r1cs: R1CS, signals: Sequence[SignalLayout], constraint_names: Sequence[str]
) -> Witness:
    """The witness of the final wire values, after checking every constraint."""
    bad = r1cs.first_unsatisfied(vector)
    if bad is not None:
        raise ConstraintViolation(bad, constraint_names[bad])
    output_layouts = [layout for layout in signals if layout.visibility is Visibility.OUTPUT]
    wanted = list(range(1, 1 + r1cs.n_public)) + [wire for layout in output_layouts for wire in layout.wires]
    known = dict(zip(wanted, vector[np.array(wanted, dtype=np.int64)].to_ints(), strict=True))
    outputs: dict[str, OutputValue] = {}
    for layout in output_layouts:
        elements = [known[wire] for wire in layout.wires]
        outputs[layout.name] = elements[0] if layout.count is None else elements
    return Witness(vector, tuple(known[wire] for wire in range(1, 1 + r1cs.n_public)), outputs)
