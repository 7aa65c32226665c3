"""Shared helpers for the policy-circuit tests: example documents, policies, solving and tampering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptDisclosure, ReceiptPolicy

from zkreceipt.circuit import Circuit, CircuitAPI, CompiledCircuit, ConstraintViolation, Witness, compile_circuit
from zkreceipt.circuit.variable import R
from zkreceipt.field import FieldVector, Fr
from zkreceipt.receipts import Invoice, Receipt, parse_invoice, read_receipt_file
from zkreceipt.receipts.example_files import example_path
from zkreceipt.ledger.statements import Statement

SALT = 0x0BADC0FFEE_5A17
STARTED_AT, COMPLETED_AT = 1737730800, 1737730803  # the example receipt's timestamps
FUNCTION_MEMORY_LIMIT = 1 << 28  # the example function invoice peaks at exactly 256 MiB


def example_receipt() -> Receipt:
    return read_receipt_file(example_path("compute_receipt.json"))


def example_invoice(name: str) -> Invoice:
    return parse_invoice(example_path(name).read_text())


def receipt_policy(disclosure: ReceiptDisclosure = PRICE_AND_MODEL, **bounds: int) -> ReceiptPolicy:
    """A policy the example receipt satisfies: an hour around it, 60 s at most, one GPU; ``bounds`` override."""
    values = {"not_before": STARTED_AT - 1800, "not_after": COMPLETED_AT + 1800, "max_duration": 60, "gpu_count": 1}
    return ReceiptPolicy(**{**values, **bounds}, disclosure=disclosure)


def solve_with(statement: Statement, **changes: Any) -> Witness:
    """Solve the statement's circuit with some inputs replaced."""
    return statement.compiled.solve({**statement.assignment, **changes})


def violation(statement: Statement, **changes: Any) -> str:
    """Assert that solving with ``changes`` breaks a constraint; return the constraint's name."""
    with pytest.raises(ConstraintViolation) as caught:
        solve_with(statement, **changes)
    return caught.value.name


def tampered(witness: Witness, changes: dict[int, int]) -> FieldVector:
    """The witness values with each ``wire: value`` of ``changes`` applied (mod r)."""
    values = witness.values.to_ints()
    for wire, value in changes.items():
        values[wire] = value % R
    return Fr.from_ints(values)


def rejection(compiled: CompiledCircuit, values: FieldVector) -> str:
    """Assert some constraint fails on ``values``; return that constraint's name."""
    bad = compiled.r1cs.first_unsatisfied(values)
    assert bad is not None, "the tampered witness still satisfies every constraint"
    return compiled.r1cs.constraint_names[bad]


@dataclass(frozen=True)
class Probed:
    """A circuit compiled with its internal values captured (``constrain``'s result)."""

    compiled: CompiledCircuit
    wires: Any


def probe(circuit_class: type[Circuit]) -> Probed:
    """Compile ``circuit_class`` (a receipt or invoice circuit class), keeping what ``constrain`` returns."""
    captured: dict[str, Any] = {}

    def define(self: Any, api: CircuitAPI) -> None:
        captured["wires"] = self.constrain(api)

    compiled = compile_circuit(type("Probe", (circuit_class,), {"define": define})())
    return Probed(compiled, captured["wires"])
