"""circuits/README.md lists the sizes the circuits really have, and the module docstrings' formulas hold."""

from __future__ import annotations

from pathlib import Path

from zkreceipt.circuits import constraint_counts
from zkreceipt.circuits.invoice import compile_invoice_circuit
from zkreceipt.circuits.invoice_policy import InvoiceShape
from zkreceipt.circuits.receipt import compile_receipt_circuit
from zkreceipt.circuits.receipt_policy import ReceiptDisclosure

from zkreceipt.receipts import TaskKind

README = Path(constraint_counts.__file__).with_name("README.md")


def test_readme_table_matches_the_compiled_circuits() -> None:
    table = constraint_counts.markdown_table(constraint_counts.circuit_sizes())
    assert table in README.read_text(encoding="utf-8")


def test_receipt_cost_formula() -> None:
    for depth in (1, 2):
        compiled = compile_receipt_circuit(ReceiptDisclosure(rate_table_depth=depth))
        assert compiled.stats.n_constraints == 1371 + 242 * depth


def test_invoice_cost_formulas() -> None:
    for n in (1, 2):
        assert compile_invoice_circuit(InvoiceShape(TaskKind.FUNCTION, n)).stats.n_constraints == 531 + 526 * n
        assert compile_invoice_circuit(InvoiceShape(TaskKind.API, n)).stats.n_constraints == 466 + 429 * n
