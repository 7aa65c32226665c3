"""The circuit builder: declare signals, write ``define(self, api)``, compile, solve.

Example::

    from zkreceipt.circuit import Circuit, PrivateInput, PublicInput, PublicOutput, compile_circuit

    class Cube(Circuit):
        y = PublicOutput()
        x = PrivateInput()
        offset = PublicInput()

        def define(self, api):
            x2 = api.mul(self.x, self.x)
            api.set_output(self.y, api.mul(x2, self.x) + self.offset)

    compiled = compile_circuit(Cube())
    witness = compiled.solve({"x": 3, "offset": 5})
    witness.public_signals  # (32, 5): outputs, then public inputs

Gadgets (bits, range checks, comparisons, Poseidon, Merkle paths, fixed point)
are in :mod:`zkreceipt.circuit.gadgets`.
"""

from __future__ import annotations

from .api import CircuitAPI
from .compiler import CircuitStats, CompiledCircuit, compile_circuit
from .declarations import Circuit, PrivateInput, PublicInput, PublicOutput, Signal, SignalLayout, Visibility
from .errors import ConstraintViolation, HintError, ParameterError, WitnessInputError
from .naming import gadget
from .solver import Assignment, Witness
from .variable import R, Variable, VariableLike

__all__ = [
    "Assignment",
    "Circuit",
    "CircuitAPI",
    "CircuitStats",
    "CompiledCircuit",
    "ConstraintViolation",
    "HintError",
    "ParameterError",
    "PrivateInput",
    "PublicInput",
    "PublicOutput",
    "R",
    "Signal",
    "SignalLayout",
    "Variable",
    "VariableLike",
    "Visibility",
    "Witness",
    "WitnessInputError",
    "compile_circuit",
    "gadget",
]
