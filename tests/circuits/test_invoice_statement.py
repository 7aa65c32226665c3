"""Invoice statements, shapes and policies: typed errors before any proving, and the native commitment."""

from __future__ import annotations

from dataclasses import replace

import pytest
from policy_test_helpers import FUNCTION_MEMORY_LIMIT, SALT, example_invoice
from zkreceipt.circuits.errors import PolicyError, PolicyViolation
from zkreceipt.circuits.invoice import compile_invoice_circuit
from zkreceipt.circuits.invoice_commitment import invoice_commitment, invoice_header_fields, line_item_fields
from zkreceipt.circuits.invoice_policy import API_INVOICES, FUNCTION_INVOICES, InvoicePolicy, InvoiceShape

from zkreceipt.circuit import R
from zkreceipt.circuit.gadgets import poseidon_hash
from zkreceipt.errors import ReceiptError
from zkreceipt.receipts import FunctionLineItem, Operation, TaskKind, text_to_field
from zkreceipt.ledger.statements import invoice_statement

FUNCTION_POLICY = InvoicePolicy(FUNCTION_INVOICES, memory_limit=FUNCTION_MEMORY_LIMIT)


def test_commitment_is_the_documented_chain() -> None:
    invoice = example_invoice("invoice_function.json")
    header = [1, *(text_to_field(t) for t in ("exec-5d1e2b", "task-fn-0091")), 1737730700, text_to_field("inv-000431")]
    digest = poseidon_hash([*header, 150, 2, SALT])
    for operation, account, steps, memory in [
        (0, "0x" + "1" * 40, 1_200_000, 268_435_456),
        (1, "0x" + "2" * 40, 1_000_000, 268_435_456),
        (2, "0x" + "3" * 40, 200_000, 0),
    ]:
        digest = poseidon_hash([digest, operation, text_to_field(account), steps, memory])
    assert invoice_commitment(invoice, SALT) == digest
    assert invoice_header_fields(invoice).as_list()[:5] == header
    api_item = example_invoice("invoice_api.json").line_items[0]
    assert line_item_fields(api_item).as_list()[2:] == [2048, 65536]
    for salt in (-1, R, True):
        with pytest.raises(ReceiptError, match="salt"):
            invoice_commitment(invoice, salt)


def test_statement_and_cache() -> None:
    statement = invoice_statement(example_invoice("invoice_function.json"), FUNCTION_POLICY, SALT)
    assert statement.circuit_key == "invoice-v1;kind=function;items=8"
    assert statement.compiled is compile_invoice_circuit(InvoiceShape(TaskKind.FUNCTION, 8))
    assert statement.private_inputs == (
        "execution_id",
        "task_id",
        "task_created_timestamp",
        "invoice_id",
        "salt",
        "active",
        "operation",
        "account",
        "steps",
        "peak_memory",
    )
    assert str(SALT) not in repr(statement)


def test_too_many_items() -> None:
    policy = InvoicePolicy(InvoiceShape(TaskKind.FUNCTION, max_items=2), memory_limit=FUNCTION_MEMORY_LIMIT)
    with pytest.raises(PolicyViolation, match="lineItem: 3 line items; the circuit has 2 slots") as caught:
        invoice_statement(example_invoice("invoice_function.json"), policy, SALT)
    assert caught.value.field == "lineItem"


def test_wrong_task_kind() -> None:
    with pytest.raises(PolicyViolation, match="lineItem: api line items, but the policy's circuit takes function"):
        invoice_statement(example_invoice("invoice_api.json"), FUNCTION_POLICY, SALT)


def test_unbalanced_invoice() -> None:
    invoice = example_invoice("invoice_function.json")
    charge, pay, penalty = invoice.line_items
    heavier = replace(invoice, line_items=(replace(charge, total_steps_computed=1_200_001), pay, penalty))
    with pytest.raises(PolicyViolation, match=r"does not balance: charged 0.180000150 ≠ paid 0.150000000"):
        invoice_statement(heavier, FUNCTION_POLICY, SALT)
    api = example_invoice("invoice_api.json")
    charge_only = replace(api, line_items=api.line_items[:1])
    with pytest.raises(PolicyViolation, match="does not balance"):
        invoice_statement(charge_only, InvoicePolicy(API_INVOICES), SALT)


def test_memory_over_the_limit_names_the_item() -> None:
    invoice = example_invoice("invoice_function.json")
    policy = InvoicePolicy(FUNCTION_INVOICES, memory_limit=FUNCTION_MEMORY_LIMIT - 1)
    with pytest.raises(PolicyViolation, match="268435456 bytes exceeds memory_limit = 268435455") as caught:
        invoice_statement(invoice, policy, SALT)
    assert caught.value.field == "lineItem[0].peak_memory_used"


def test_a_balanced_variant_with_a_penalty_and_many_items() -> None:
    items = [FunctionLineItem(Operation.CHARGE, "0xaa", 10, 1)] * 6 + [FunctionLineItem(Operation.PAY, "0xbb", 60, 2)]
    invoice = replace(example_invoice("invoice_function.json"), line_items=tuple(items))
    statement = invoice_statement(invoice, FUNCTION_POLICY, SALT)
    assert statement.solve().outputs["commitment"] == invoice_commitment(invoice, SALT)


def test_shape_and_policy_validation() -> None:
    for max_items in (0, 65, True):
        with pytest.raises(PolicyError, match="max_items"):
            InvoiceShape(TaskKind.FUNCTION, max_items)
    with pytest.raises(PolicyError, match="task_kind: must be one of function, api"):
        InvoiceShape("batch")  # type: ignore[arg-type]
    assert InvoiceShape("api", 64).key == "invoice-v1;kind=api;items=64"  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="memory_limit: a function-task policy needs"):
        InvoicePolicy(FUNCTION_INVOICES)
    with pytest.raises(PolicyError, match="memory_limit: API line items have no peak memory"):
        InvoicePolicy(API_INVOICES, memory_limit=1)
    with pytest.raises(PolicyError, match=r"memory_limit: \d+ does not fit in 64 bits"):
        InvoicePolicy(FUNCTION_INVOICES, memory_limit=1 << 64)
    with pytest.raises(PolicyError, match="shape: must be an InvoiceShape"):
        InvoicePolicy("function", memory_limit=1)  # type: ignore[arg-type]
