"""Invoice transcripts from and to JSON documents.

Root fields: ``executionId, taskId, taskCreated_timeStamp, invoiceId,
stepGasPrice, byteGasPrice, lineItem`` and, once signed,
``accounting_signature {v, r, s}`` (``v`` an integer 27/28, ``r`` and ``s``
``0x`` + 64 hex digits). A function line item has exactly ``operation,
account, total_steps_computed, peak_memory_used``; an API line item has exactly
``operation, account, totalTransferredBytes {request, response}``. Gas prices
are decimals with up to 9 places (JSON numbers or decimal strings, read
exactly) and are written as strings with exactly 9 places. Unknown fields are
refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ReceiptError
from .fixed_point import GAS_DECIMALS, fixed_to_text
from .invoice import AccountingSignature, ApiLineItem, FunctionLineItem, Invoice, LineItem, TransferredBytes
from .json_input import FieldReader, JsonSource, load_document

INVOICE_REQUIRED_FIELDS = (
    "executionId",
    "taskId",
    "taskCreated_timeStamp",
    "invoiceId",
    "stepGasPrice",
    "byteGasPrice",
    "lineItem",
)
FUNCTION_ITEM_FIELDS = ("operation", "account", "total_steps_computed", "peak_memory_used")
API_ITEM_FIELDS = ("operation", "account", "totalTransferredBytes")
_WORD_PATTERN = re.compile(r"0x[0-9a-fA-F]{64}")


@contextmanager
def _within(path: str) -> Iterator[None]:
    """Prefix the field named by a model's ReceiptError with ``path`` (e.g. ``lineItem[2].``)."""
    try:
        yield
    except ReceiptError as error:
        raise type(error)(f"{path}.{error}") from None


def parse_invoice(source: JsonSource) -> Invoice:
    """A validated :class:`Invoice` from JSON text, UTF-8 bytes or a mapping; ReceiptError naming the field."""
    reader = FieldReader(load_document(source, "invoice"), "", "invoice")
    reader.check_fields(INVOICE_REQUIRED_FIELDS, optional=("accounting_signature",))
    items = tuple(
        _parse_line_item(reader.element("lineItem", index, value))
        for index, value in enumerate(reader.array("lineItem"))
    )
    signature = _parse_signature(reader.child("accounting_signature")) if reader.has("accounting_signature") else None
    return Invoice(
        execution_id=reader.string("executionId"),
        task_id=reader.string("taskId"),
        task_created_timestamp=reader.integer("taskCreated_timeStamp"),
        invoice_id=reader.string("invoiceId"),
        step_gas_price_fp=reader.fixed("stepGasPrice", GAS_DECIMALS),
        byte_gas_price_fp=reader.fixed("byteGasPrice", GAS_DECIMALS),
        line_items=items,
        accounting_signature=signature,
    )


def _parse_line_item(reader: FieldReader) -> LineItem:
    if reader.has("totalTransferredBytes") and reader.has("total_steps_computed"):
        raise ReceiptError(
            f"{reader.path}: has both totalTransferredBytes (API task) and total_steps_computed (function task)"
        )
    if reader.has("totalTransferredBytes"):
        reader.check_fields(API_ITEM_FIELDS)
        transferred = reader.child("totalTransferredBytes")
        transferred.check_fields(("request", "response"))
        operation, account = reader.string("operation"), reader.string("account")
        request, response = transferred.integer("request"), transferred.integer("response")
        with _within(reader.path):
            return ApiLineItem(
                operation=operation,  # type: ignore[arg-type]  # the model checks and converts it
                account=account,
                total_transferred_bytes=TransferredBytes(request=request, response=response),
            )
    reader.check_fields(FUNCTION_ITEM_FIELDS)
    operation, account = reader.string("operation"), reader.string("account")
    steps, memory = reader.integer("total_steps_computed"), reader.integer("peak_memory_used")
    with _within(reader.path):
        return FunctionLineItem(
            operation=operation,  # type: ignore[arg-type]  # the model checks and converts it
            account=account,
            total_steps_computed=steps,
            peak_memory_used=memory,
        )


def _parse_signature(reader: FieldReader) -> AccountingSignature:
    reader.check_fields(("v", "r", "s"))
    return AccountingSignature(v=reader.integer("v"), r=_parse_word(reader, "r"), s=_parse_word(reader, "s"))


def _parse_word(reader: FieldReader, field: str) -> int:
    text = reader.string(field)
    if not _WORD_PATTERN.fullmatch(text):
        raise ReceiptError(f"{reader.name(field)}: must be 0x followed by 64 hex digits")
    return int(text, 16)


def _word_text(value: int) -> str:
    return f"0x{value:064x}"


def _line_item_to_dict(item: LineItem) -> dict[str, Any]:
    document: dict[str, Any] = {"operation": item.operation.value, "account": item.account}
    if isinstance(item, FunctionLineItem):
        document["total_steps_computed"] = item.total_steps_computed
        document["peak_memory_used"] = item.peak_memory_used
    else:
        document["totalTransferredBytes"] = {
            "request": item.total_transferred_bytes.request,
            "response": item.total_transferred_bytes.response,
        }
    return document


def invoice_body(invoice: Invoice) -> dict[str, Any]:
    """The invoice's fields without the accounting signature, normalized."""
    return {
        "executionId": invoice.execution_id,
        "taskId": invoice.task_id,
        "taskCreated_timeStamp": invoice.task_created_timestamp,
        "invoiceId": invoice.invoice_id,
        "stepGasPrice": fixed_to_text(invoice.step_gas_price_fp, GAS_DECIMALS),
        "byteGasPrice": fixed_to_text(invoice.byte_gas_price_fp, GAS_DECIMALS),
        "lineItem": [_line_item_to_dict(item) for item in invoice.line_items],
    }


def invoice_to_dict(invoice: Invoice) -> dict[str, Any]:
    """The invoice as a JSON-ready dict that :func:`parse_invoice` reads back to an equal invoice."""
    document = invoice_body(invoice)
    if invoice.accounting_signature is not None:
        signature = invoice.accounting_signature
        document["accounting_signature"] = {
            "v": signature.v,
            "r": _word_text(signature.r),
            "s": _word_text(signature.s),
        }
    return document


def invoice_to_json(invoice: Invoice) -> str:
    """The invoice as indented JSON text."""
    return json.dumps(invoice_to_dict(invoice), indent=2, ensure_ascii=False) + "\n"
