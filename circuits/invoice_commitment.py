"""The Poseidon commitment to an invoice transcript, on Python ints (the invoice circuit's twin).

A transcript has more elements than Poseidon's 16 inputs, so it is absorbed
as a chain, one hash per line item::

    h₀ = Poseidon(kind, executionId, taskId, taskCreated_timeStamp, invoiceId,
                  stepGasPrice, byteGasPrice, salt)                       (8 inputs)
    hᵢ = Poseidon(hᵢ₋₁, operation, account, usage₁, usage₂)               (5 inputs, i = 1..n)
    commitment = hₙ

``kind`` and ``operation`` are ``TASK_KIND_CODES`` / ``OPERATION_CODES``;
text fields are ``text_to_field`` (as in the receipt commitment); gas prices
in nano-tokens. ``usage₁, usage₂`` are ``total_steps_computed,
peak_memory_used`` for a function item and the request, response bytes for an
API item. The chain covers exactly the invoice's n items, so the commitment
does not depend on how many padding slots a circuit has; the salt (private,
never logged) keeps it hiding.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from zkreceipt.circuits.invoice_policy import OPERATION_CODES, TASK_KIND_CODES

from zkreceipt.circuit import R
from zkreceipt.circuit.gadgets import poseidon_hash
from zkreceipt.errors import ReceiptError
from zkreceipt.receipts import FunctionLineItem, Invoice, LineItem, text_to_field


@dataclass(frozen=True)
class LineItemFields:
    """A line item as field elements, in chain order (see the module docstring for the usages)."""

    operation: int
    account: int
    usage_1: int
    usage_2: int

    def as_list(self) -> list[int]:
        return list(astuple(self))


@dataclass(frozen=True)
class InvoiceHeaderFields:
    """The invoice's root fields as field elements, in ``h₀`` order (the salt follows them)."""

    task_kind: int
    execution_id: int
    task_id: int
    task_created_timestamp: int
    invoice_id: int
    step_gas_price_fp: int
    byte_gas_price_fp: int

    def as_list(self) -> list[int]:
        return list(astuple(self))


def line_item_fields(item: LineItem) -> LineItemFields:
    """The field elements of one line item."""
    if isinstance(item, FunctionLineItem):
        usage = (item.total_steps_computed, item.peak_memory_used)
    else:
        usage = (item.total_transferred_bytes.request, item.total_transferred_bytes.response)
    return LineItemFields(OPERATION_CODES[item.operation], text_to_field(item.account), *usage)


def invoice_header_fields(invoice: Invoice) -> InvoiceHeaderFields:
    """The field elements of the invoice's root fields."""
    return InvoiceHeaderFields(
        task_kind=TASK_KIND_CODES[invoice.task_kind],
        execution_id=text_to_field(invoice.execution_id),
        task_id=text_to_field(invoice.task_id),
        task_created_timestamp=invoice.task_created_timestamp,
        invoice_id=text_to_field(invoice.invoice_id),
        step_gas_price_fp=invoice.step_gas_price_fp,
        byte_gas_price_fp=invoice.byte_gas_price_fp,
    )


def invoice_commitment(invoice: Invoice, salt: int) -> int:
    """The chained Poseidon commitment of ``invoice`` with ``salt``; ReceiptError if salt is not in [0, r)."""
    if isinstance(salt, bool) or not isinstance(salt, int) or not 0 <= salt < R:
        raise ReceiptError("salt: must be an int in [0, r) for the BN254 scalar field order r")
    digest = poseidon_hash([*invoice_header_fields(invoice).as_list(), salt])
    for item in invoice.line_items:
        digest = poseidon_hash([digest, *line_item_fields(item).as_list()])
    return digest
