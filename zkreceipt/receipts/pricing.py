"""The pricing check: a receipt's stated price must equal units × rate exactly (floor to micro-tokens)."""

from __future__ import annotations

from .errors import PricingError
from .fixed_point import TOKEN_DECIMALS, UNITS_DECIMALS, PriceComputation, compute_price, fixed_to_text
from .rates import DEFAULT_RATE_TABLE, RateTable
from .receipt import Receipt


def expected_price(receipt: Receipt, rates: RateTable = DEFAULT_RATE_TABLE) -> PriceComputation:
    """The price the receipt's units and model's rate give; UnknownModelError for a model without a rate."""
    return compute_price(receipt.units_fp, rates.rate_fp(receipt.model))


def check_pricing(receipt: Receipt, rates: RateTable = DEFAULT_RATE_TABLE) -> PriceComputation:
    """The pricing of ``receipt`` if its stated price is exact; PricingError stating the expected price otherwise."""
    computation = expected_price(receipt, rates)
    if computation.price_fp != receipt.price_fp:
        raise PricingError(
            f"price: stated {fixed_to_text(receipt.price_fp, TOKEN_DECIMALS)} but units × rate = "
            f"{fixed_to_text(receipt.units_fp, UNITS_DECIMALS)} × "
            f"{fixed_to_text(computation.rate_fp, TOKEN_DECIMALS)} ({receipt.model}) gives "
            f"expected price {fixed_to_text(computation.price_fp, TOKEN_DECIMALS)} "
            "(micro-tokens, rounded down)"
        )
    return computation
