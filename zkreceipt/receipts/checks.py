"""The detailed receipt check: signature, key id, pricing and time order, each reported separately."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ReceiptError
from .ed25519_signing import TrustedKeys, check_signature
from .fixed_point import TIMESTAMP_BITS, TOKEN_DECIMALS, UNITS_DECIMALS, fixed_to_text
from .outcome import CheckOutcome
from .pricing import check_pricing
from .rates import DEFAULT_RATE_TABLE, RateTable
from .receipt import Receipt
from .validation import require_uint


@dataclass(frozen=True)
class TimePolicy:
    """Optional time bounds: the job ran within [not_before, not_after] and lasted at most max_duration seconds."""

    not_before: int | None = None
    not_after: int | None = None
    max_duration: int | None = None

    def __post_init__(self) -> None:
        for name in ("not_before", "not_after", "max_duration"):
            value = getattr(self, name)
            if value is not None:
                require_uint(f"time policy {name}", value, TIMESTAMP_BITS)
        if self.not_before is not None and self.not_after is not None and self.not_after < self.not_before:
            raise ReceiptError("time policy not_after: is before not_before")


@dataclass(frozen=True)
class ReceiptCheck:
    """Every check of one receipt; ``ok`` when all passed, ``failures`` lists the ones that did not."""

    receipt_id: str
    key_id: CheckOutcome
    signature: CheckOutcome
    pricing: CheckOutcome
    time_order: CheckOutcome

    @property
    def outcomes(self) -> tuple[CheckOutcome, ...]:
        """All outcomes, in report order."""
        return (self.key_id, self.signature, self.pricing, self.time_order)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def failures(self) -> tuple[CheckOutcome, ...]:
        """The checks that failed."""
        return tuple(outcome for outcome in self.outcomes if not outcome.passed)


def _pricing_outcome(receipt: Receipt, rates: RateTable) -> CheckOutcome:
    try:
        computation = check_pricing(receipt, rates)
    except ReceiptError as error:
        return CheckOutcome("pricing", False, str(error))
    return CheckOutcome(
        "pricing",
        True,
        f"{fixed_to_text(computation.price_fp, TOKEN_DECIMALS)} = "
        f"{fixed_to_text(computation.units_fp, UNITS_DECIMALS)} × "
        f"{fixed_to_text(computation.rate_fp, TOKEN_DECIMALS)}",
    )


def _time_outcome(receipt: Receipt, policy: TimePolicy) -> CheckOutcome:
    """started_at ≤ completed_at holds for every Receipt; this checks the policy's window and duration."""
    problems = []
    if policy.not_before is not None and receipt.started_at < policy.not_before:
        problems.append(f"started_at {receipt.started_at} is before the window start {policy.not_before}")
    if policy.not_after is not None and receipt.completed_at > policy.not_after:
        problems.append(f"completed_at {receipt.completed_at} is after the window end {policy.not_after}")
    if policy.max_duration is not None and receipt.duration > policy.max_duration:
        problems.append(f"duration {receipt.duration} s exceeds the bound {policy.max_duration} s")
    if problems:
        return CheckOutcome("time_order", False, "; ".join(problems))
    return CheckOutcome("time_order", True, f"started_at ≤ completed_at, duration {receipt.duration} s")


def check_receipt(
    receipt: Receipt,
    public_key_or_keyring: TrustedKeys,
    rates: RateTable = DEFAULT_RATE_TABLE,
    time_policy: TimePolicy = TimePolicy(),
) -> ReceiptCheck:
    """Run every check on ``receipt`` and report each one; only a malformed key raises (SignatureError)."""
    signature_checks = check_signature(receipt, public_key_or_keyring)
    return ReceiptCheck(
        receipt_id=receipt.receipt_id,
        key_id=signature_checks.key_id,
        signature=signature_checks.signature,
        pricing=_pricing_outcome(receipt, rates),
        time_order=_time_outcome(receipt, time_policy),
    )
