"""Statements: what one proof about a receipt or an invoice claims, ready for the prover.

:func:`receipt_statement` and :func:`invoice_statement` check the document
against the policy natively first, so a document the circuit would refuse
raises a typed error naming the field (``PolicyViolation``, or the receipts
package's ``PricingError``/``UnknownModelError``) before any proving starts.
They then pick the compiled circuit of the policy's shape (compiled once per
shape and cached, see ``compile_receipt_circuit``/``compile_invoice_circuit``)
and build the full assignment and the public signals the proof will carry.

Example::

    policy = ReceiptPolicy(not_before=t0, not_after=t1, max_duration=3600)
    statement = receipt_statement(receipt, policy, DEFAULT_RATE_TABLE, new_salt())
    statement.public_values        # {"commitment": ..., "not_before": ..., "model": ..., ...}
    witness = statement.solve()    # every wire; refuses a witness that breaks a constraint
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType

from ..circuit import CompiledCircuit, Visibility, Witness
from ..circuit.solver import InputValue
from ..circuits.errors import PolicyError, PolicyViolation
from ..circuits.invoice import USAGE_INPUTS, compile_invoice_circuit
from ..circuits.invoice_commitment import LineItemFields, invoice_commitment, invoice_header_fields, line_item_fields
from ..circuits.invoice_policy import InvoicePolicy
from ..circuits.rate_table import rate_table_tree
from ..circuits.receipt import compile_receipt_circuit
from ..circuits.receipt_policy import ReceiptPolicy
from ..errors import CircuitError
from ..receipts import (
    FunctionLineItem,
    Invoice,
    RateTable,
    Receipt,
    check_pricing,
    receipt_commitment,
    receipt_field_elements,
)
from ..receipts.fixed_point import GAS_DECIMALS, UNITS_DECIMALS, UNITS_SCALE, fixed_to_text

__all__ = [
    "PolicyError",
    "PolicyViolation",
    "Statement",
    "check_invoice_policy",
    "check_receipt_policy",
    "invoice_statement",
    "receipt_statement",
]

_EMPTY_SLOT = LineItemFields(operation=0, account=0, usage_1=0, usage_2=0)


@dataclass(frozen=True)
class Statement:
    """A proof's statement: circuit, complete assignment, public signals, and what stays private.

    ``circuit_key`` names the circuit shape (the proving key to use);
    ``assignment`` holds every input, private ones included (the salt among
    them: never log it, hence no repr); ``public_signals`` follow
    ``public_signal_names`` (outputs, then public inputs: snarkjs public.json
    order); ``private_inputs`` names the inputs the proof hides.
    """

    circuit_key: str
    compiled: CompiledCircuit = field(repr=False, compare=False)
    assignment: Mapping[str, InputValue] = field(repr=False)
    public_signal_names: tuple[str, ...]
    public_signals: tuple[int, ...]
    private_inputs: tuple[str, ...]

    @property
    def public_values(self) -> dict[str, int]:
        """The public signals by name."""
        return dict(zip(self.public_signal_names, self.public_signals, strict=True))

    def solve(self) -> Witness:
        """The full witness; ConstraintViolation naming the constraint if the assignment breaks one."""
        witness = self.compiled.solve(self.assignment)
        if witness.public_signals != self.public_signals:
            raise CircuitError(f"{self.circuit_key}: the circuit's public signals differ from the statement's")
        return witness


def _statement(
    circuit_key: str, compiled: CompiledCircuit, assignment: dict[str, InputValue], outputs: dict[str, int]
) -> Statement:
    """The statement of ``assignment`` on ``compiled``; ``outputs`` are the natively computed outputs."""
    values = {**outputs, **assignment}
    public: list[int] = []
    for layout in compiled.signals:
        if layout.visibility is not Visibility.PRIVATE:
            value = values[layout.name]
            public.extend([value] if isinstance(value, int) else value)
    private = tuple(layout.name for layout in compiled.signals if layout.visibility is Visibility.PRIVATE)
    frozen = {name: tuple(value) if isinstance(value, (list, tuple)) else value for name, value in assignment.items()}
    return Statement(
        circuit_key=circuit_key,
        compiled=compiled,
        assignment=MappingProxyType(frozen),
        public_signal_names=tuple(compiled.public_signal_names),
        public_signals=tuple(public),
        private_inputs=private,
    )


def _require_instance(name: str, value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise PolicyError(name, f"must be a {kind.__name__}, got {type(value).__name__}")


# --- compute receipts ----------------------------------------------------------------------------


def check_receipt_policy(receipt: Receipt, policy: ReceiptPolicy) -> None:
    """PolicyViolation naming the field if ``receipt`` breaks the window, duration or usage bound."""
    if receipt.started_at < policy.not_before:
        raise PolicyViolation(
            "started_at", f"{receipt.started_at} is before the window start not_before = {policy.not_before}"
        )
    if receipt.completed_at > policy.not_after:
        raise PolicyViolation(
            "completed_at", f"{receipt.completed_at} is after the window end not_after = {policy.not_after}"
        )
    if receipt.duration > policy.max_duration:
        raise PolicyViolation(
            "completed_at",
            f"the duration completed_at − started_at = {receipt.duration} s exceeds max_duration = "
            f"{policy.max_duration} s",
        )
    capacity_fp = receipt.duration * policy.gpu_count * UNITS_SCALE
    if receipt.units_fp > capacity_fp:
        raise PolicyViolation(
            "units",
            f"{fixed_to_text(receipt.units_fp, UNITS_DECIMALS)} exceeds duration × gpu_count = "
            f"{receipt.duration} s × {policy.gpu_count} = {fixed_to_text(capacity_fp, UNITS_DECIMALS)} GPU-seconds",
        )


def receipt_statement(receipt: Receipt, policy: ReceiptPolicy, rates: RateTable, salt: int) -> Statement:
    """The statement that ``receipt`` satisfies ``policy`` at ``rates``, committed with ``salt``.

    Raises UnknownModelError (model), PricingError (price), PolicyViolation
    (started_at, completed_at, units), PolicyError (rates: too many models for
    the table depth) or ReceiptError (salt) before building anything.
    """
    _require_instance("receipt", receipt, Receipt)
    _require_instance("policy", policy, ReceiptPolicy)
    _require_instance("rates", rates, RateTable)
    pricing = check_pricing(receipt, rates)
    check_receipt_policy(receipt, policy)
    commitment = receipt_commitment(receipt, salt)
    disclosure = policy.disclosure
    assignment: dict[str, InputValue] = {
        **policy.public_inputs(),
        **asdict(receipt_field_elements(receipt)),
        "salt": salt,
        "rate_fp": pricing.rate_fp,
    }
    if disclosure.uses_rate_table:
        tree = rate_table_tree(rates, disclosure.rate_table_depth)
        path = tree.path(receipt.model)
        assignment.update(rate_table_root=tree.root, rate_path_siblings=path.siblings, rate_path_bits=path.index_bits)
    return _statement(disclosure.key, compile_receipt_circuit(disclosure), assignment, {"commitment": commitment})


# --- invoice transcripts -------------------------------------------------------------------------


def check_invoice_policy(invoice: Invoice, policy: InvoicePolicy) -> None:
    """PolicyViolation naming the field if ``invoice`` does not fit the shape, balance, or memory limit."""
    shape = policy.shape
    if invoice.task_kind is not shape.task_kind:
        raise PolicyViolation(
            "lineItem",
            f"{invoice.task_kind.value} line items, but the policy's circuit takes {shape.task_kind.value} line items",
        )
    if len(invoice.line_items) > shape.max_items:
        raise PolicyViolation(
            "lineItem", f"{len(invoice.line_items)} line items; the circuit has {shape.max_items} slots"
        )
    totals = invoice.totals()
    if not totals.balanced:
        raise PolicyViolation(
            "lineItem",
            f"does not balance: charged {fixed_to_text(totals.charged_fp, GAS_DECIMALS)} ≠ paid "
            f"{fixed_to_text(totals.paid_fp, GAS_DECIMALS)} + penalized "
            f"{fixed_to_text(totals.penalized_fp, GAS_DECIMALS)}",
        )
    if policy.memory_limit is not None:
        for index, item in enumerate(invoice.line_items):
            if isinstance(item, FunctionLineItem) and item.peak_memory_used > policy.memory_limit:
                raise PolicyViolation(
                    f"lineItem[{index}].peak_memory_used",
                    f"{item.peak_memory_used} bytes exceeds memory_limit = {policy.memory_limit} bytes",
                )


def invoice_statement(invoice: Invoice, policy: InvoicePolicy, salt: int) -> Statement:
    """The statement that ``invoice`` satisfies ``policy``, committed with ``salt``.

    Raises PolicyViolation (lineItem…: kind, count, balance, peak memory) or
    ReceiptError (salt) before building anything.
    """
    _require_instance("invoice", invoice, Invoice)
    _require_instance("policy", policy, InvoicePolicy)
    check_invoice_policy(invoice, policy)
    commitment = invoice_commitment(invoice, salt)
    shape = policy.shape
    header = invoice_header_fields(invoice)
    items = [line_item_fields(item) for item in invoice.line_items]
    slots = items + [_EMPTY_SLOT] * (shape.max_items - len(items))
    first_usage, second_usage = USAGE_INPUTS[shape.task_kind]
    assignment: dict[str, InputValue] = {
        "step_gas_price_fp": header.step_gas_price_fp,
        "byte_gas_price_fp": header.byte_gas_price_fp,
        "execution_id": header.execution_id,
        "task_id": header.task_id,
        "task_created_timestamp": header.task_created_timestamp,
        "invoice_id": header.invoice_id,
        "salt": salt,
        "active": [1] * len(items) + [0] * (shape.max_items - len(items)),
        "operation": [slot.operation for slot in slots],
        "account": [slot.account for slot in slots],
        first_usage: [slot.usage_1 for slot in slots],
        second_usage: [slot.usage_2 for slot in slots],
    }
    if policy.memory_limit is not None:
        assignment["memory_limit"] = policy.memory_limit
    return _statement(shape.key, compile_invoice_circuit(shape), assignment, {"commitment": commitment})
