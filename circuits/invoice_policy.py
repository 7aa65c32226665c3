"""The shape of an invoice-transcript circuit and the policy an invoice is proven against.

An :class:`InvoiceShape` fixes what the circuit is compiled for: the task kind
(function or API line items; an invoice never mixes them) and the number of
line-item slots (an invoice with fewer items pads the rest as inactive). An
:class:`InvoicePolicy` adds the public value a verifier checks: the peak-memory
limit of function tasks (< 2^64, the memory field's bound).

Line items enter the circuit as numbers: ``OPERATION_CODES`` for the
operation, ``TASK_KIND_CODES`` for the kind (which the commitment includes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zkreceipt.circuits.errors import PolicyError, require_bounded_int, require_int_in_range

from zkreceipt.receipts import Operation, TaskKind
from zkreceipt.receipts.fixed_point import MEMORY_BITS
from zkreceipt.receipts.invoice import MAX_LINE_ITEMS

DEFAULT_MAX_ITEMS = 8
OPERATION_CODES = {Operation.CHARGE: 0, Operation.PAY: 1, Operation.PENALTY: 2}
TASK_KIND_CODES = {TaskKind.FUNCTION: 1, TaskKind.API: 2}


@dataclass(frozen=True)
class InvoiceShape:
    """The invoice circuit's shape: task kind and line-item slots (1..64)."""

    task_kind: TaskKind = TaskKind.FUNCTION
    max_items: int = DEFAULT_MAX_ITEMS

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "task_kind", TaskKind(self.task_kind))
        except ValueError:
            choices = ", ".join(kind.value for kind in TaskKind)
            raise PolicyError("task_kind", f"must be one of {choices}, got {self.task_kind!r}") from None
        require_int_in_range("max_items", self.max_items, 1, MAX_LINE_ITEMS)

    @property
    def meters_memory(self) -> bool:
        """Whether line items carry a peak memory (function tasks), checked against a public limit."""
        return self.task_kind is TaskKind.FUNCTION

    @property
    def key(self) -> str:
        """A stable name of this shape, e.g. ``invoice-v1;kind=function;items=8``."""
        return f"invoice-v1;kind={self.task_kind.value};items={self.max_items}"


@dataclass(frozen=True)
class InvoicePolicy:
    """An invoice shape and, for function tasks, the public peak-memory limit in bytes.

    ``memory_limit`` is required for function shapes and must be None for API
    shapes (their line items have no memory figure).
    """

    shape: InvoiceShape = field(default_factory=InvoiceShape)
    memory_limit: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.shape, InvoiceShape):
            raise PolicyError("shape", f"must be an InvoiceShape, got {type(self.shape).__name__}")
        if self.shape.meters_memory:
            if self.memory_limit is None:
                raise PolicyError("memory_limit", "a function-task policy needs a peak-memory limit")
            require_bounded_int("memory_limit", self.memory_limit, MEMORY_BITS)
        elif self.memory_limit is not None:
            raise PolicyError("memory_limit", "API line items have no peak memory; leave it None")


FUNCTION_INVOICES = InvoiceShape(TaskKind.FUNCTION)
"""Default function-task shape: 8 line items."""

API_INVOICES = InvoiceShape(TaskKind.API)
"""Default API-task shape: 8 line items."""
