"""The invoice-transcript circuit at the R1CS level: the function and API examples, and every rule broken."""

from __future__ import annotations

import pytest
from policy_test_helpers import (
    FUNCTION_MEMORY_LIMIT,
    SALT,
    Probed,
    example_invoice,
    probe,
    rejection,
    solve_with,
    tampered,
    violation,
)
from zkreceipt.circuits.invoice import invoice_circuit_class
from zkreceipt.circuits.invoice_commitment import invoice_commitment
from zkreceipt.circuits.invoice_policy import API_INVOICES, FUNCTION_INVOICES, InvoicePolicy, InvoiceShape

from zkreceipt.receipts import TaskKind
from zkreceipt.ledger.statements import Statement, invoice_statement

FUNCTION_POLICY = InvoicePolicy(FUNCTION_INVOICES, memory_limit=FUNCTION_MEMORY_LIMIT)
API_POLICY = InvoicePolicy(API_INVOICES)


@pytest.fixture(scope="module")
def function_statement() -> Statement:
    return invoice_statement(example_invoice("invoice_function.json"), FUNCTION_POLICY, SALT)


@pytest.fixture(scope="module")
def api_statement() -> Statement:
    return invoice_statement(example_invoice("invoice_api.json"), API_POLICY, SALT)


@pytest.fixture(scope="module")
def probed_function() -> Probed:
    return probe(invoice_circuit_class(FUNCTION_INVOICES))


def with_slot(statement: Statement, name: str, slot: int, value: int) -> dict[str, list[int]]:
    """The array input ``name`` with one slot replaced."""
    values = list(statement.assignment[name])
    values[slot] = value
    return {name: values}


# --- valid witnesses ------------------------------------------------------------------------------


def test_function_invoice_satisfies_the_circuit(function_statement: Statement) -> None:
    """1 200 000 steps charged = 1 000 000 paid + 200 000 penalized, at 150 nano-tokens a step."""
    witness = function_statement.solve()
    assert function_statement.compiled.r1cs.first_unsatisfied(witness.values) is None
    assert witness.outputs["commitment"] == invoice_commitment(example_invoice("invoice_function.json"), SALT)
    assert function_statement.public_signal_names == (
        "commitment",
        "step_gas_price_fp",
        "byte_gas_price_fp",
        "memory_limit",
    )
    assert function_statement.public_signals[1:] == (150, 2, FUNCTION_MEMORY_LIMIT)
    assert function_statement.assignment["active"] == (1, 1, 1, 0, 0, 0, 0, 0)
    assert function_statement.assignment["operation"][:3] == (0, 1, 2)


def test_api_invoice_satisfies_the_circuit(api_statement: Statement) -> None:
    witness = api_statement.solve()
    assert witness.outputs["commitment"] == invoice_commitment(example_invoice("invoice_api.json"), SALT)
    assert api_statement.public_signal_names == ("commitment", "step_gas_price_fp", "byte_gas_price_fp")
    assert api_statement.assignment["request_bytes"][:2] == (2048, 2048)


def test_commitment_does_not_depend_on_the_slot_count(function_statement: Statement) -> None:
    tight = InvoicePolicy(InvoiceShape(TaskKind.FUNCTION, max_items=3), memory_limit=FUNCTION_MEMORY_LIMIT)
    statement = invoice_statement(example_invoice("invoice_function.json"), tight, SALT)
    assert statement.solve().outputs["commitment"] == function_statement.public_values["commitment"]


def test_inactive_slots_neither_count_nor_commit(function_statement: Statement) -> None:
    """Usage left in a padding slot changes neither the balance nor the commitment."""
    witness = solve_with(function_statement, **with_slot(function_statement, "steps", 5, 999))
    assert witness.public_signals == function_statement.public_signals


def test_memory_at_the_limit_passes(function_statement: Statement) -> None:
    solve_with(function_statement, memory_limit=268_435_456)


# --- broken rules -------------------------------------------------------------------------------


def test_unbalanced_ledger(function_statement: Statement, api_statement: Statement) -> None:
    assert "balance" in violation(function_statement, **with_slot(function_statement, "steps", 0, 1_200_001))
    assert "balance" in violation(function_statement, **with_slot(function_statement, "operation", 1, 0))
    assert "balance" in violation(api_statement, **with_slot(api_statement, "response_bytes", 1, 65535))


def test_dropping_an_active_item(function_statement: Statement) -> None:
    """Deactivating the penalty unbalances the ledger; deactivating the middle item breaks the prefix rule."""
    assert "balance" in violation(function_statement, active=[1, 1, 0, 0, 0, 0, 0, 0])
    assert "active slots come first" in violation(function_statement, active=[1, 0, 1, 0, 0, 0, 0, 0])
    assert "first line item is active" in violation(function_statement, active=[0] * 8)
    assert "line item 3" in violation(function_statement, active=[1, 1, 1, 2, 0, 0, 0, 0])


def test_invalid_operation_code(function_statement: Statement) -> None:
    assert "operation ∈" in violation(function_statement, **with_slot(function_statement, "operation", 1, 3))
    assert "line item 1" in violation(function_statement, **with_slot(function_statement, "operation", 1, 4))


def test_memory_over_the_limit(function_statement: Statement) -> None:
    assert "line item 0" in violation(function_statement, memory_limit=268_435_455)
    assert "line item 0" in violation(function_statement, **with_slot(function_statement, "peak_memory", 0, 1 << 64))


@pytest.mark.parametrize(
    ("changes", "scope"),
    [
        ({"step_gas_price_fp": 1 << 64}, "line item 0"),
        ({"memory_limit": 1 << 64}, "line item 0"),
    ],
)
def test_function_values_one_past_their_bound(function_statement: Statement, changes: dict, scope: str) -> None:
    assert scope in violation(function_statement, **changes)


def test_function_steps_one_past_their_bound(function_statement: Statement) -> None:
    assert "line item 2" in violation(function_statement, **with_slot(function_statement, "steps", 2, 1 << 64))


def test_api_values_one_past_their_bound(api_statement: Statement) -> None:
    assert "line item 0" in violation(api_statement, **with_slot(api_statement, "request_bytes", 0, 1 << 48))
    assert "line item 1" in violation(api_statement, **with_slot(api_statement, "response_bytes", 1, 1 << 48))
    assert "line item 0" in violation(api_statement, byte_gas_price_fp=1 << 64)


def test_a_wrong_salt_header_or_item_gives_another_commitment(function_statement: Statement) -> None:
    """Each of these still balances; only the commitment tells them apart from the invoice."""
    commitment = function_statement.public_values["commitment"]
    penalty_as_pay = with_slot(function_statement, "operation", 2, 1)
    assert solve_with(function_statement, **penalty_as_pay).outputs["commitment"] != commitment
    assert solve_with(function_statement, salt=SALT + 1).outputs["commitment"] != commitment
    assert solve_with(function_statement, invoice_id=12345).outputs["commitment"] != commitment
    assert (
        solve_with(function_statement, **with_slot(function_statement, "account", 1, 7)).outputs["commitment"]
        != commitment
    )


def test_wrong_charge_amount_injected(function_statement: Statement, probed_function: Probed) -> None:
    compiled, wires = probed_function.compiled, probed_function.wires
    witness = compiled.solve(function_statement.assignment)
    assert [compiled.evaluate(witness, a) for a in wires.amounts[:3]] == [180_000_000, 150_000_000, 30_000_000]
    amount = compiled.wire_index(wires.amounts[0])
    assert "line item 0" in rejection(compiled, tampered(witness, {amount: 180_000_001}))
    signed = compiled.wire_index(wires.signed_amounts[1])
    assert "line item 1" in rejection(compiled, tampered(witness, {signed: 0}))


def test_tampered_commitment_output(function_statement: Statement, probed_function: Probed) -> None:
    compiled = probed_function.compiled
    witness = compiled.solve(function_statement.assignment)
    assert compiled.evaluate(witness, probed_function.wires.commitment) == witness.public_signals[0]
    assert rejection(compiled, tampered(witness, {1: witness.public_signals[0] + 1})).startswith("set_output")
