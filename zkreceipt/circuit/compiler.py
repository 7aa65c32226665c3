"""compile_circuit: run a circuit's ``define`` and produce its R1CS and solver.

Wire order (circom's): 0 = the constant 1, then outputs, public inputs and
private inputs, each in declaration order, then internal wires in creation
order. An output bound to a freshly computed wire takes that wire's place.
"""

from __future__ import annotations

import contextlib
import copy
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..errors import CircuitError
from ..r1cs import R1CS
from .api import CircuitAPI
from .assembly import build_r1cs, final_wire_order, wire_names
from .declarations import Circuit, SignalLayout, Visibility, bind_signals
from .solver import Assignment, SolverProgram, Witness, solve
from .variable import R, Variable, VariableLike, as_variable

_VISIBILITY_ORDER = (Visibility.OUTPUT, Visibility.PUBLIC, Visibility.PRIVATE)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: building allocates millions of small acyclic
    objects, and the collector's repeated full scans would make compiling superlinear."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class CircuitStats:
    """Sizes of a compiled circuit.

    ``n_public`` counts outputs + public inputs (snarkjs's ``nPublic``, the
    constant wire not included); ``n_nonzero`` counts entries of A, B and C together.
    """

    n_constraints: int
    n_wires: int
    n_public: int
    n_outputs: int
    n_public_inputs: int
    n_private_inputs: int
    n_internal_wires: int
    n_nonzero: int


@dataclass(frozen=True)
class CompiledCircuit:
    """A circuit's R1CS, its sizes, its signals' wires and its witness solver."""

    name: str
    r1cs: R1CS
    stats: CircuitStats
    signals: tuple[SignalLayout, ...]
    program: SolverProgram = field(repr=False, compare=False)
    wire_map: np.ndarray = field(repr=False, compare=False)  # final wire index of each builder wire id, (n,) int64

    def solve(self, assignment: Assignment) -> Witness:
        """Every wire from the inputs (``{"units": 2500, "rates": [1, 2, 3, 4]}``).

        Raises :class:`~zkreceipt.circuit.errors.WitnessInputError` for a bad
        assignment and :class:`~zkreceipt.circuit.errors.ConstraintViolation`
        (an UnsatisfiedConstraintError) naming the first constraint it breaks.
        """
        return solve(self.program, self.r1cs, self.signals, assignment, self.r1cs.constraint_names)

    def wire_index(self, variable: Variable) -> int:
        """The witness index of a single-wire variable captured inside ``define`` of this circuit."""
        wire = variable.single_wire() if isinstance(variable, Variable) else None
        if wire is None or wire >= len(self.wire_map):
            raise CircuitError(f"wire_index: {variable!r} is not a single wire of this circuit")
        return int(self.wire_map[wire])

    def evaluate(self, witness: Witness, variable: VariableLike) -> int:
        """The value of a variable (any linear combination captured inside ``define``) in ``witness``."""
        terms = as_variable(variable, "evaluate operand").terms
        if any(wire >= len(self.wire_map) for wire in terms):
            raise CircuitError(f"evaluate: {variable!r} uses wires this circuit does not have")
        values = witness.values[np.array([self.wire_map[w] for w in terms], dtype=np.int64)].to_ints()
        return sum(v * c for v, c in zip(values, terms.values(), strict=True)) % R

    @property
    def public_signal_names(self) -> list[str]:
        """Names of the public signals, in the order of ``Witness.public_signals``."""
        return [
            element
            for layout in self.signals
            if layout.visibility is not Visibility.PRIVATE
            for element in layout.element_names()
        ]


def _layouts(circuit: Circuit) -> list[SignalLayout]:
    signals = type(circuit).signals()
    layouts: list[SignalLayout] = []
    next_wire = 1
    for visibility in _VISIBILITY_ORDER:
        for signal in signals:
            if signal.visibility is visibility:
                wires = tuple(range(next_wire, next_wire + signal.width))
                layouts.append(SignalLayout(signal.name, visibility, signal.count, wires))
                next_wire += signal.width
    return layouts


def compile_circuit(circuit: Circuit) -> CompiledCircuit:
    """Run ``circuit.define`` on a fresh builder and return the compiled circuit.

    ``circuit`` itself is not modified (``define`` runs on a shallow copy whose
    declared signals are bound to variables).
    """
    if not isinstance(circuit, Circuit):
        raise CircuitError(f"compile_circuit expects a Circuit instance, got {type(circuit).__name__}")
    layouts = _layouts(circuit)
    outputs = [layout for layout in layouts if layout.visibility is Visibility.OUTPUT]
    output_wires = [wire for layout in outputs for wire in layout.wires]
    api = CircuitAPI(1 + sum(len(layout.wires) for layout in layouts), output_wires)

    working = copy.copy(circuit)
    bind_signals(
        working,
        {
            layout.name: Variable.wire(layout.wires[0])
            if layout.count is None
            else [Variable.wire(wire) for wire in layout.wires]
            for layout in layouts
        },
    )
    with _collector_paused():
        working.define(api)
    missing = [
        name
        for layout in outputs
        for name, wire in zip(layout.element_names(), layout.wires, strict=True)
        if wire in api.unset_outputs
    ]
    if missing:
        raise CircuitError(
            f"{type(circuit).__name__}: outputs never given a value with api.set_output: {', '.join(missing)}"
        )

    final_order, final_of = final_wire_order(api)
    n_wires = api.n_wires - len(api.output_aliases)
    n_public = sum(len(layout.wires) for layout in layouts if layout.visibility is not Visibility.PRIVATE)
    r1cs = build_r1cs(api.constraints, final_of, n_wires, n_public, wire_names(layouts, n_wires))
    count = {v: sum(len(layout.wires) for layout in layouts if layout.visibility is v) for v in _VISIBILITY_ORDER}
    stats = CircuitStats(
        n_constraints=r1cs.n_constraints,
        n_wires=n_wires,
        n_public=n_public,
        n_outputs=count[Visibility.OUTPUT],
        n_public_inputs=count[Visibility.PUBLIC],
        n_private_inputs=count[Visibility.PRIVATE],
        n_internal_wires=n_wires - 1 - sum(count.values()),
        n_nonzero=r1cs.a.nnz + r1cs.b.nnz + r1cs.c.nnz,
    )
    program = SolverProgram(api.n_wires, tuple(api.steps), final_order)
    return CompiledCircuit(type(circuit).__name__, r1cs, stats, tuple(layouts), program, final_of)
