"""Shared helpers for the circuit tests: one-off circuits and witness tampering."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zkreceipt.circuit import Circuit, CircuitAPI, CompiledCircuit, Signal, Witness, compile_circuit
from zkreceipt.circuit.variable import R
from zkreceipt.field import FieldVector, Fr

Define = Callable[[Any, CircuitAPI], None]


def circuit_class(define: Define, **signals: Signal) -> type[Circuit]:
    """A Circuit subclass with the given signals (in keyword order) and ``define``."""
    return type("AdHocCircuit", (Circuit,), {**signals, "define": define})


def compile_adhoc(define: Define, **signals: Signal) -> CompiledCircuit:
    return compile_circuit(circuit_class(define, **signals)())


def tampered(witness: Witness, wire: int, value: int) -> FieldVector:
    """The witness with ``wire`` set to ``value mod r``."""
    return tampered_wires(witness, {wire: value})


def tampered_wires(witness: Witness, changes: dict[int, int]) -> FieldVector:
    """The witness with each ``wire: value`` of ``changes`` applied (values mod r)."""
    values = witness.values.to_ints()
    for wire, value in changes.items():
        values[wire] = value % R
    return Fr.from_ints(values)


def assert_rejected(compiled: CompiledCircuit, witness: FieldVector) -> str:
    """Assert some constraint fails on ``witness``; return that constraint's name."""
    bad = compiled.r1cs.first_unsatisfied(witness)
    assert bad is not None, "the tampered witness still satisfies every constraint"
    return compiled.r1cs.constraint_names[bad]
