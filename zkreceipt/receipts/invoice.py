"""The invoice transcript of a metered execution, and what its line items amount to.

An invoice belongs to one task. A *function* task's line items carry
``total_steps_computed`` and ``peak_memory_used``; an *API* task's carry
``totalTransferredBytes {request, response}``; an invoice never mixes the two.
Each item's operation is ``charge``, ``pay`` or ``penalty``. Amounts are not
stated but follow exactly from usage × gas price, in nano-tokens
(``GAS_SCALE``): steps × ``stepGasPrice`` or (request + response bytes) ×
``byteGasPrice``. The invoice *balances* when what is charged equals what is
paid plus what is penalized.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from ..errors import ReceiptError
from .fixed_point import (
    AMOUNT_BITS,
    GAS_DECIMALS,
    GAS_PRICE_BITS,
    MEMORY_BITS,
    STEPS_BITS,
    TIMESTAMP_BITS,
    TRANSFER_BYTES_BITS,
    fixed_to_decimal,
)
from .secp256k1_keys import SECP256K1_ORDER
from .validation import require_text, require_uint

MAX_LINE_ITEMS = 64
RECOVERY_IDS = (27, 28)


class Operation(str, Enum):
    """What a line item does with its amount."""

    CHARGE = "charge"
    PAY = "pay"
    PENALTY = "penalty"


class TaskKind(str, Enum):
    """The kind of task an invoice meters, told by its line items' usage fields."""

    FUNCTION = "function"
    API = "api"


def _require_operation(value: object) -> Operation:
    try:
        return Operation(value)
    except ValueError:
        allowed = ", ".join(op.value for op in Operation)
        raise ReceiptError(f"operation: must be one of {allowed}, got {value!r:.40}") from None


@dataclass(frozen=True)
class TransferredBytes:
    """``totalTransferredBytes`` of an API line item."""

    request: int
    response: int

    def __post_init__(self) -> None:
        require_uint("totalTransferredBytes.request", self.request, TRANSFER_BYTES_BITS)
        require_uint("totalTransferredBytes.response", self.response, TRANSFER_BYTES_BITS)

    @property
    def total(self) -> int:
        """Request plus response bytes."""
        return self.request + self.response


@dataclass(frozen=True)
class FunctionLineItem:
    """A line item of a function task: steps computed and peak memory (bytes)."""

    operation: Operation
    account: str
    total_steps_computed: int
    peak_memory_used: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "operation", _require_operation(self.operation))
        require_text("account", self.account)
        require_uint("total_steps_computed", self.total_steps_computed, STEPS_BITS)
        require_uint("peak_memory_used", self.peak_memory_used, MEMORY_BITS)


@dataclass(frozen=True)
class ApiLineItem:
    """A line item of an API task: bytes transferred."""

    operation: Operation
    account: str
    total_transferred_bytes: TransferredBytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "operation", _require_operation(self.operation))
        require_text("account", self.account)
        if not isinstance(self.total_transferred_bytes, TransferredBytes):
            raise ReceiptError("totalTransferredBytes: must be a TransferredBytes")


LineItem = FunctionLineItem | ApiLineItem


@dataclass(frozen=True)
class AccountingSignature:
    """``accounting_signature``: a recoverable secp256k1 ECDSA signature, Ethereum style.

    ``v`` is 27 or 28, ``1 ≤ r < n`` and ``1 ≤ s ≤ n/2`` (low s, as EIP-2 requires),
    n being the secp256k1 group order.
    """

    v: int
    r: int
    s: int

    def __post_init__(self) -> None:
        if isinstance(self.v, bool) or self.v not in RECOVERY_IDS:
            raise ReceiptError(f"accounting_signature.v: must be 27 or 28, got {self.v!r:.40}")
        require_uint("accounting_signature.r", self.r, 256)
        require_uint("accounting_signature.s", self.s, 256)
        if not 1 <= self.r < SECP256K1_ORDER:
            raise ReceiptError("accounting_signature.r: must be in [1, n) for the secp256k1 order n")
        if not 1 <= self.s <= SECP256K1_ORDER // 2:
            raise ReceiptError("accounting_signature.s: must be in [1, n/2] (low-s form, EIP-2)")


@dataclass(frozen=True)
class InvoiceTotals:
    """Sums of the line items' amounts by operation, in nano-tokens."""

    charged_fp: int
    paid_fp: int
    penalized_fp: int

    @property
    def balanced(self) -> bool:
        """Whether everything charged is paid out or penalized, exactly."""
        return self.charged_fp == self.paid_fp + self.penalized_fp


@dataclass(frozen=True)
class Invoice:
    """An invoice transcript; ``accounting_signature`` is None until it is signed.

    Gas prices are in nano-tokens per step (``step_gas_price_fp``) and per byte
    (``byte_gas_price_fp``).
    """

    execution_id: str
    task_id: str
    task_created_timestamp: int
    invoice_id: str
    step_gas_price_fp: int
    byte_gas_price_fp: int
    line_items: tuple[LineItem, ...]
    accounting_signature: AccountingSignature | None = None

    def __post_init__(self) -> None:
        require_text("executionId", self.execution_id)
        require_text("taskId", self.task_id)
        require_text("invoiceId", self.invoice_id)
        require_uint("taskCreated_timeStamp", self.task_created_timestamp, TIMESTAMP_BITS)
        require_uint("stepGasPrice", self.step_gas_price_fp, GAS_PRICE_BITS, GAS_DECIMALS)
        require_uint("byteGasPrice", self.byte_gas_price_fp, GAS_PRICE_BITS, GAS_DECIMALS)
        object.__setattr__(self, "line_items", tuple(self.line_items))
        self._check_line_items()
        if self.accounting_signature is not None and not isinstance(self.accounting_signature, AccountingSignature):
            raise ReceiptError("accounting_signature: must be an AccountingSignature")

    def _check_line_items(self) -> None:
        if not self.line_items:
            raise ReceiptError("lineItem: an invoice needs at least one line item")
        if len(self.line_items) > MAX_LINE_ITEMS:
            raise ReceiptError(f"lineItem: {len(self.line_items)} items; at most {MAX_LINE_ITEMS} are allowed")
        first_kind = _kind_of(self.line_items[0], 0)
        for index, item in enumerate(self.line_items):
            if _kind_of(item, index) is not first_kind:
                raise ReceiptError(
                    f"lineItem[{index}]: a {_kind_of(item, index).value} line item in an invoice whose "
                    f"first item is a {first_kind.value} line item; an invoice covers one task kind"
                )
            require_uint(f"lineItem[{index}] amount", self.amount_of(item), AMOUNT_BITS, GAS_DECIMALS)

    @property
    def task_kind(self) -> TaskKind:
        """Function or API task, as the line items show."""
        return _kind_of(self.line_items[0], 0)

    @property
    def step_gas_price(self) -> Decimal:
        """Tokens per step, exactly."""
        return fixed_to_decimal(self.step_gas_price_fp, GAS_DECIMALS)

    @property
    def byte_gas_price(self) -> Decimal:
        """Tokens per byte, exactly."""
        return fixed_to_decimal(self.byte_gas_price_fp, GAS_DECIMALS)

    def amount_of(self, item: LineItem) -> int:
        """The item's amount in nano-tokens: steps × stepGasPrice, or bytes × byteGasPrice."""
        if isinstance(item, FunctionLineItem):
            return item.total_steps_computed * self.step_gas_price_fp
        return item.total_transferred_bytes.total * self.byte_gas_price_fp

    def totals(self) -> InvoiceTotals:
        """Amounts summed by operation."""
        sums = {operation: 0 for operation in Operation}
        for item in self.line_items:
            sums[item.operation] += self.amount_of(item)
        return InvoiceTotals(
            charged_fp=sums[Operation.CHARGE], paid_fp=sums[Operation.PAY], penalized_fp=sums[Operation.PENALTY]
        )


def _kind_of(item: object, index: int) -> TaskKind:
    if isinstance(item, FunctionLineItem):
        return TaskKind.FUNCTION
    if isinstance(item, ApiLineItem):
        return TaskKind.API
    raise ReceiptError(f"lineItem[{index}]: must be a FunctionLineItem or an ApiLineItem, got {type(item).__name__}")
