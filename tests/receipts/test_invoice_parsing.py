"""Parsing invoice transcripts: task kinds, amounts from usage × gas price, balance, and named errors."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from zkreceipt.errors import ReceiptError
from zkreceipt.receipts import (
    ApiLineItem,
    FunctionLineItem,
    Invoice,
    Operation,
    TaskKind,
    invoice_to_dict,
    invoice_to_json,
    parse_invoice,
)


def test_function_invoice_amounts_follow_from_steps(function_invoice_document: dict[str, Any]) -> None:
    invoice = parse_invoice(json.dumps(function_invoice_document))
    assert invoice.task_kind is TaskKind.FUNCTION
    assert invoice.step_gas_price_fp == 150 and invoice.step_gas_price == Decimal("0.000000150")
    charge = invoice.line_items[0]
    assert isinstance(charge, FunctionLineItem) and charge.operation is Operation.CHARGE
    assert invoice.amount_of(charge) == 1_200_000 * 150
    totals = invoice.totals()
    assert (totals.charged_fp, totals.paid_fp, totals.penalized_fp) == (180_000_000, 150_000_000, 30_000_000)
    assert totals.balanced


def test_api_invoice_amounts_follow_from_bytes(api_invoice_document: dict[str, Any]) -> None:
    invoice = parse_invoice(api_invoice_document)
    assert invoice.task_kind is TaskKind.API
    charge = invoice.line_items[0]
    assert isinstance(charge, ApiLineItem)
    assert charge.total_transferred_bytes.total == 2048 + 65536
    assert invoice.amount_of(charge) == (2048 + 65536) * 2
    assert invoice.totals().balanced


def test_unbalanced_invoice_is_reported(function_invoice_document: dict[str, Any]) -> None:
    function_invoice_document["lineItem"][1]["total_steps_computed"] = 999_999
    assert not parse_invoice(function_invoice_document).totals().balanced


def test_round_trip(function_invoice_document: dict[str, Any], api_invoice_document: dict[str, Any]) -> None:
    for document in (function_invoice_document, api_invoice_document):
        invoice = parse_invoice(document)
        assert parse_invoice(invoice_to_dict(invoice)) == invoice
        assert parse_invoice(invoice_to_json(invoice)) == invoice
        assert invoice_to_dict(invoice)["stepGasPrice"] == "0.000000150"


def _with_item_change(document: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["lineItem"][index].update(changes)
    return changed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stepGasPrice": "0.0000000001"}, r"^stepGasPrice: 0\.0000000001 has more than 9 decimal places"),
        ({"byteGasPrice": "-1"}, r"^byteGasPrice: must not be negative"),
        ({"stepGasPrice": "18446744073.709551616"}, r"^stepGasPrice: .* is too large for the circuit \(bound 2\^64"),
        ({"taskCreated_timeStamp": 1.5}, r"^taskCreated_timeStamp: must be an integer"),
        ({"invoiceId": ""}, r"^invoiceId: must not be empty"),
        ({"lineItem": []}, r"^lineItem: an invoice needs at least one line item$"),
        ({"lineItem": {}}, r"^lineItem: must be an array, got object$"),
        ({"lineItem": ["charge"]}, r"^lineItem\[0\]: must be an object, got string$"),
        ({"extra": 1}, r"^extra: unknown field"),
        (
            {"accounting_signature": {"v": 29, "r": "0x" + "1" * 64, "s": "0x" + "1" * 64}},
            r"^accounting_signature\.v: must be 27 or 28",
        ),
        (
            {"accounting_signature": {"v": 27, "r": "0x12", "s": "0x" + "1" * 64}},
            r"^accounting_signature\.r: must be 0x followed by 64 hex digits",
        ),
        (
            {"accounting_signature": {"v": 27, "r": "0x" + "0" * 64, "s": "0x" + "1" * 64}},
            r"^accounting_signature\.r: must be in \[1, n\)",
        ),
        (
            {"accounting_signature": {"v": 27, "r": "0x" + "1" * 64, "s": "0x" + "f" * 64}},
            r"^accounting_signature\.s: must be in \[1, n/2\] \(low-s form",
        ),
        (
            {"accounting_signature": {"v": 27, "r": "0x" + "1" * 64}},
            r"^accounting_signature\.s: missing required field",
        ),
    ],
)
def test_bad_root_fields_are_named(
    function_invoice_document: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ReceiptError, match=message):
        parse_invoice({**function_invoice_document, **changes})


@pytest.mark.parametrize(
    ("index", "changes", "message"),
    [
        (1, {"operation": "refund"}, r"^lineItem\[1\]\.operation: must be one of charge, pay, penalty, got 'refund'"),
        (2, {"account": ""}, r"^lineItem\[2\]\.account: must not be empty"),
        (0, {"total_steps_computed": -5}, r"^lineItem\[0\]\.total_steps_computed: must not be negative"),
        (
            0,
            {"total_steps_computed": 1 << 64},
            r"^lineItem\[0\]\.total_steps_computed: 18446744073709551616 is too large",
        ),
        (0, {"peak_memory_used": "1GB"}, r"^lineItem\[0\]\.peak_memory_used: must be an integer, got string"),
        (1, {"amount": 5}, r"^lineItem\[1\]\.amount: unknown field"),
        (
            1,
            {"totalTransferredBytes": {"request": 1, "response": 2}},
            r"^lineItem\[1\]: has both totalTransferredBytes",
        ),
    ],
)
def test_bad_function_line_items_are_named(
    function_invoice_document: dict[str, Any], index: int, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ReceiptError, match=message):
        parse_invoice(_with_item_change(function_invoice_document, index, **changes))


def test_missing_line_item_field_is_named(function_invoice_document: dict[str, Any]) -> None:
    del function_invoice_document["lineItem"][2]["peak_memory_used"]
    with pytest.raises(ReceiptError, match=r"^lineItem\[2\]\.peak_memory_used: missing required field$"):
        parse_invoice(function_invoice_document)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"totalTransferredBytes": {"request": -1, "response": 0}},
            r"^lineItem\[0\]\.totalTransferredBytes\.request: must not be negative",
        ),
        ({"totalTransferredBytes": {"request": 1}}, r"^lineItem\[0\]\.totalTransferredBytes\.response: missing"),
        (
            {"totalTransferredBytes": {"request": 1, "response": 1 << 48}},
            r"^lineItem\[0\]\.totalTransferredBytes\.response: 281474976710656 is too large",
        ),
        ({"totalTransferredBytes": [1, 2]}, r"^lineItem\[0\]\.totalTransferredBytes: must be an object, got array"),
        ({"peak_memory_used": 3}, r"^lineItem\[0\]\.peak_memory_used: unknown field"),
    ],
)
def test_bad_api_line_items_are_named(
    api_invoice_document: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ReceiptError, match=message):
        parse_invoice(_with_item_change(api_invoice_document, 0, **changes))


def test_an_invoice_covers_one_task_kind(function_invoice_document: dict[str, Any]) -> None:
    function_invoice_document["lineItem"].append(
        {"operation": "pay", "account": "x", "totalTransferredBytes": {"request": 1, "response": 1}}
    )
    with pytest.raises(
        ReceiptError, match=r"^lineItem\[3\]: a api line item in an invoice whose first item is a function"
    ):
        parse_invoice(function_invoice_document)


def test_too_many_line_items(function_invoice_document: dict[str, Any]) -> None:
    function_invoice_document["lineItem"] *= 30
    with pytest.raises(ReceiptError, match=r"^lineItem: 90 items; at most 64 are allowed$"):
        parse_invoice(function_invoice_document)


def test_direct_construction_is_validated() -> None:
    item = FunctionLineItem(Operation.CHARGE, "acct", 10, 0)
    with pytest.raises(ReceiptError, match="^executionId: must not be empty$"):
        Invoice("", "t", 1, "i", 1, 1, (item,))
    assert Invoice("e", "t", 1, "i", 3, 1, [item]).line_items == (item,)  # lists become tuples
