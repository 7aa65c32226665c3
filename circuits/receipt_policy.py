"""What a receipt proof publishes, and the bounds it proves.

A :class:`ReceiptDisclosure` fixes the *shape* of the receipt circuit: which
receipt fields are public inputs (the rest stay private, bound only through the
commitment) and how the rate is tied to the model. Each disclosure compiles to
its own circuit, hence its own proving key. A :class:`ReceiptPolicy` adds the
*values* a verifier checks the receipt against (time window, longest duration,
GPU count); they are public inputs, so one compiled circuit serves any window.

Bounds (each proven in the circuit, so nothing wraps mod r): timestamps, the
window and the longest duration below 2^40 (``TIMESTAMP_BITS``), the GPU count
in [1, 2^16), and a rate table of depth ≤ 10 (1024 models, the rate table's
own limit).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from zkreceipt.circuits.errors import PolicyError, require_bounded_int, require_int_in_range

from zkreceipt.receipts import RECEIPT_FIELD_ORDER
from zkreceipt.receipts.fixed_point import TIMESTAMP_BITS

GPU_COUNT_BITS = 16
DEFAULT_RATE_TABLE_DEPTH = 4
MAX_RATE_TABLE_DEPTH = 10
POLICY_INPUT_NAMES = ("not_before", "not_after", "max_duration", "gpu_count")


class RateBinding(str, enum.Enum):
    """How the circuit ties the rate to the model.

    ``PUBLIC_RATE``: the rate is a public input; the verifier checks it is the
    published rate of the (then necessarily public) model.
    ``RATE_TABLE``: the rate is private and Poseidon(model, rate) is proven to
    be a leaf of the rate-table Merkle tree whose root is public.
    """

    PUBLIC_RATE = "public_rate"
    RATE_TABLE = "rate_table"


def _normalized_fields(public_fields: Iterable[str]) -> tuple[str, ...]:
    if isinstance(public_fields, str):
        raise PolicyError("public_fields", f"must be a collection of field names, got the string {public_fields!r}")
    chosen = set(public_fields)
    unknown = sorted(name for name in chosen if name not in RECEIPT_FIELD_ORDER)
    if unknown:
        raise PolicyError(
            "public_fields",
            f"unknown receipt fields {', '.join(map(repr, unknown))}; known: {', '.join(RECEIPT_FIELD_ORDER)}",
        )
    return tuple(name for name in RECEIPT_FIELD_ORDER if name in chosen)


@dataclass(frozen=True)
class ReceiptDisclosure:
    """The receipt circuit's shape: public receipt fields, rate binding, rate-table depth.

    ``public_fields`` is any collection of names from ``RECEIPT_FIELD_ORDER``;
    it is stored in that order. ``rate_table_depth`` applies to ``RATE_TABLE``
    only (default 4, i.e. up to 16 models) and must be left None for
    ``PUBLIC_RATE``, which also requires ``model`` to be public (a public rate
    of a hidden model would bind nothing).
    """

    public_fields: tuple[str, ...] = ("model", "price_fp")
    rate_binding: RateBinding = RateBinding.RATE_TABLE
    rate_table_depth: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_fields", _normalized_fields(self.public_fields))
        try:
            binding = RateBinding(self.rate_binding)
        except ValueError:
            choices = ", ".join(b.value for b in RateBinding)
            raise PolicyError("rate_binding", f"must be one of {choices}, got {self.rate_binding!r}") from None
        object.__setattr__(self, "rate_binding", binding)
        if binding is RateBinding.PUBLIC_RATE:
            if self.rate_table_depth is not None:
                raise PolicyError("rate_table_depth", "applies only to the rate_table binding")
            if "model" not in self.public_fields:
                raise PolicyError(
                    "public_fields", "a public rate binds nothing unless model is public; use the rate_table binding"
                )
        else:
            depth = DEFAULT_RATE_TABLE_DEPTH if self.rate_table_depth is None else self.rate_table_depth
            require_int_in_range("rate_table_depth", depth, 1, MAX_RATE_TABLE_DEPTH)
            object.__setattr__(self, "rate_table_depth", depth)

    @property
    def uses_rate_table(self) -> bool:
        return self.rate_binding is RateBinding.RATE_TABLE

    @property
    def private_fields(self) -> tuple[str, ...]:
        """The receipt fields that stay private, in ``RECEIPT_FIELD_ORDER``."""
        return tuple(name for name in RECEIPT_FIELD_ORDER if name not in self.public_fields)

    @property
    def key(self) -> str:
        """A stable name of this shape, e.g. ``receipt-v1;rate=table:4;public=model,price_fp``."""
        rate = f"table:{self.rate_table_depth}" if self.uses_rate_table else "public"
        return f"receipt-v1;rate={rate};public={','.join(self.public_fields)}"


@dataclass(frozen=True)
class ReceiptPolicy:
    """The bounds a receipt is proven against, and the disclosure that shapes the proof.

    The job ran inside ``[not_before, not_after]`` (both timestamps), lasted at
    most ``max_duration`` seconds, and used at most ``gpu_count`` GPUs, i.e.
    ``units_fp ≤ (completed_at − started_at) × gpu_count × UNITS_SCALE``.
    """

    not_before: int
    not_after: int
    max_duration: int
    gpu_count: int = 1
    disclosure: ReceiptDisclosure = field(default_factory=ReceiptDisclosure)

    def __post_init__(self) -> None:
        for name in ("not_before", "not_after", "max_duration"):
            require_bounded_int(name, getattr(self, name), TIMESTAMP_BITS)
        require_bounded_int("gpu_count", self.gpu_count, GPU_COUNT_BITS, minimum=1)
        if self.not_after < self.not_before:
            raise PolicyError("not_after", f"{self.not_after} is before not_before {self.not_before}")
        if not isinstance(self.disclosure, ReceiptDisclosure):
            raise PolicyError("disclosure", f"must be a ReceiptDisclosure, got {type(self.disclosure).__name__}")

    def public_inputs(self) -> dict[str, int]:
        """The policy's public inputs by name, in ``POLICY_INPUT_NAMES`` order."""
        return {name: getattr(self, name) for name in POLICY_INPUT_NAMES}


PRICE_AND_MODEL = ReceiptDisclosure()
"""Default: model and price public; ids, units and timestamps private; rate from a depth-4 table."""

PUBLIC_RATE_PRICE_AND_MODEL = ReceiptDisclosure(("model", "price_fp"), RateBinding.PUBLIC_RATE)
"""Model, price and the model's rate public; everything else private."""

NOTHING_DISCLOSED = ReceiptDisclosure((), RateBinding.RATE_TABLE)
"""Only the commitment, the policy bounds and the rate-table root are public."""
