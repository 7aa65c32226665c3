"""Sizes of the policy circuits under their named shapes: the table in ``circuits/README.md``.

Print it with ``python3 -m zkreceipt.circuits.constraint_counts``; the test
``tests/circuits/test_constraint_counts.py`` checks that the README matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkreceipt.circuits.invoice import compile_invoice_circuit
from zkreceipt.circuits.invoice_policy import API_INVOICES, FUNCTION_INVOICES
from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import NOTHING_DISCLOSED, PRICE_AND_MODEL, PUBLIC_RATE_PRICE_AND_MODEL

from zkreceipt.circuit import CompiledCircuit

RECEIPT_DISCLOSURES = {
    "PRICE_AND_MODEL": PRICE_AND_MODEL,
    "PUBLIC_RATE_PRICE_AND_MODEL": PUBLIC_RATE_PRICE_AND_MODEL,
    "NOTHING_DISCLOSED": NOTHING_DISCLOSED,
}
INVOICE_SHAPES = {"FUNCTION_INVOICES": FUNCTION_INVOICES, "API_INVOICES": API_INVOICES}


@dataclass(frozen=True)
class CircuitSize:
    """One row of the table: a named shape and its compiled sizes."""

    name: str
    key: str
    constraints: int
    wires: int
    public_signals: int
    private_inputs: int

    @classmethod
    def of(cls, name: str, key: str, compiled: CompiledCircuit) -> CircuitSize:
        stats = compiled.stats
        return cls(name, key, stats.n_constraints, stats.n_wires, stats.n_public, stats.n_private_inputs)


def circuit_sizes() -> list[CircuitSize]:
    """The sizes of every named receipt disclosure and invoice shape (compiles each once, cached)."""
    receipts = [CircuitSize.of(name, d.key, compile_receipt_circuit(d)) for name, d in RECEIPT_DISCLOSURES.items()]
    invoices = [CircuitSize.of(name, s.key, compile_invoice_circuit(s)) for name, s in INVOICE_SHAPES.items()]
    return receipts + invoices


def markdown_table(sizes: list[CircuitSize]) -> str:
    """The sizes as a Markdown table."""
    lines = [
        "| shape | circuit key | constraints | wires | public signals | private input wires |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| `{s.name}` | `{s.key}` | {s.constraints} | {s.wires} | {s.public_signals} | {s.private_inputs} |"
        for s in sizes
    ]
    return "\n".join(lines)


def main() -> None:
    """Print the table (the only output of this module, run as a script)."""
    print(markdown_table(circuit_sizes()))


if __name__ == "__main__":
    main()
