"""Fixed point: exact decimal conversion, never rounding, and the floor pricing rule."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from zkreceipt.errors import ReceiptError
from zkreceipt.receipts.fixed_point import (
    PRICE_BITS,
    RATE_BITS,
    UNITS_BITS,
    UNITS_SCALE,
    compute_price,
    decimal_to_fixed,
    fixed_to_decimal,
    fixed_to_text,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("2.5"), 3, 2500),
        (Decimal("2.500"), 3, 2500),
        (Decimal("2.5000000"), 3, 2500),  # trailing zeros are not extra precision
        (Decimal(0), 6, 0),
        (Decimal("-0"), 6, 0),
        (Decimal("1E+2"), 3, 100000),
        (Decimal("0.000001"), 6, 1),
        (Decimal("123456789012345678901234567890.5"), 3, 123456789012345678901234567890500),  # beyond 28 digits
        (Decimal("-1.25"), 3, -1250),
    ],
)
def test_decimal_to_fixed_is_exact(value: Decimal, decimals: int, expected: int) -> None:
    assert decimal_to_fixed("units", value, decimals) == expected


def test_more_places_than_the_scale_is_refused_not_rounded() -> None:
    with pytest.raises(ReceiptError, match=r"units: 2\.5001 has more than 3 decimal places.*never rounded"):
        decimal_to_fixed("units", Decimal("2.5001"), 3)


def test_non_finite_decimals_are_refused() -> None:
    for text in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ReceiptError, match="price: .* is not a finite decimal"):
            decimal_to_fixed("price", Decimal(text), 6)


def test_huge_exponent_is_refused_without_building_the_integer() -> None:
    with pytest.raises(ReceiptError, match="units: 1E\\+999999999 is too large"):
        decimal_to_fixed("units", Decimal("1e999999999"), 3)


def test_fixed_text_round_trip() -> None:
    rng = random.Random(7)
    for _ in range(200):
        value = rng.randrange(0, 1 << 90)
        decimals = rng.choice([0, 3, 6, 9])
        text = fixed_to_text(value, decimals)
        assert decimal_to_fixed("x", Decimal(text), decimals) == value
        assert fixed_to_decimal(value, decimals) == Decimal(value) / (10**decimals)
    assert fixed_to_text(2500, 3) == "2.500"
    assert fixed_to_text(5, 6) == "0.000005"
    assert fixed_to_text(-1250, 3) == "-1.250"
    assert fixed_to_text(42, 0) == "42"


def test_source_example_prices_exactly() -> None:
    computation = compute_price(2500, 2_000_000)
    assert (computation.price_fp, computation.remainder) == (5_000_000, 0)


def test_pricing_rounds_down_with_an_exact_remainder() -> None:
    rng = random.Random(11)
    for _ in range(500):
        units = rng.randrange(0, 1 << UNITS_BITS)
        rate = rng.randrange(0, 1 << RATE_BITS)
        computation = compute_price(units, rate)
        assert units * rate == computation.price_fp * UNITS_SCALE + computation.remainder
        assert 0 <= computation.remainder < UNITS_SCALE
        assert computation.price_fp < 1 << PRICE_BITS
    # 0.001 units at 0.000001 per unit is 1e-9 tokens: rounds down to 0 micro-tokens, remainder 1
    tiny = compute_price(1, 1)
    assert (tiny.price_fp, tiny.remainder) == (0, 1)


def test_price_bound_is_the_largest_quotient() -> None:
    largest = compute_price((1 << UNITS_BITS) - 1, (1 << RATE_BITS) - 1)
    assert largest.price_fp.bit_length() == PRICE_BITS


def test_price_bound_matches_the_circuit_gadget() -> None:
    from zkreceipt.circuit.gadgets.fixed_point import fixed_mul_bounds, fixed_mul_native

    assert fixed_mul_bounds(UNITS_BITS, RATE_BITS, UNITS_SCALE).quotient_bits == PRICE_BITS
    native = fixed_mul_native(2500, 2_000_000, UNITS_SCALE, UNITS_BITS, RATE_BITS)
    assert (native.quotient, native.remainder) == (5_000_000, 0)
