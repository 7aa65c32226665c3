"""Fixed-point scales, circuit bit bounds, and exact decimal ↔ integer conversion.

Every decimal quantity becomes a non-negative integer at a fixed scale; a
decimal with more places than its scale allows is an error, never rounded.

=======================  ==========================  ===================  =======================
quantity                 integer unit                scale                bound (circuit range check)
=======================  ==========================  ===================  =======================
receipt ``units``        milli-units                 ``UNITS_SCALE`` 10³  ``units_fp < 2^48``
model rate (per unit)    micro-tokens per unit       ``TOKEN_SCALE`` 10⁶  ``rate_fp < 2^48``
receipt ``price``        micro-tokens                ``TOKEN_SCALE`` 10⁶  ``price_fp < 2^87``
``started_at`` etc.      seconds since the epoch     1                    ``< 2^40``
invoice gas prices       nano-tokens per step/byte   ``GAS_SCALE`` 10⁹    ``< 2^64``
invoice steps            steps                       1                    ``< 2^64``
invoice memory           bytes                       1                    ``< 2^64``
invoice transfers        bytes (request, response)   1                    ``< 2^48`` each
invoice amounts          nano-tokens                 ``GAS_SCALE`` 10⁹    ``< 2^128``
=======================  ==========================  ===================  =======================

The pricing rule the receipt circuit enforces (floor division, exact remainder)::

    units_fp × rate_fp = price_fp × UNITS_SCALE + rem,   0 ≤ rem < UNITS_SCALE

``PRICE_BITS`` is the width of the largest quotient this allows,
⌊(2^48 − 1)² / 10³⌋ < 2^87, so nothing wraps modulo the BN254 scalar field.
Invoice amounts need no rounding: steps × gas price (or bytes × gas price) is
already an integer number of nano-tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import ReceiptError

UNITS_DECIMALS = 3
UNITS_SCALE = 10**UNITS_DECIMALS  # milli-units
TOKEN_DECIMALS = 6
TOKEN_SCALE = 10**TOKEN_DECIMALS  # micro-tokens
GAS_DECIMALS = 9
GAS_SCALE = 10**GAS_DECIMALS  # nano-tokens

UNITS_BITS = 48
RATE_BITS = 48
PRICE_BITS = (((1 << UNITS_BITS) - 1) * ((1 << RATE_BITS) - 1) // UNITS_SCALE).bit_length()
TIMESTAMP_BITS = 40

GAS_PRICE_BITS = 64
STEPS_BITS = 64
MEMORY_BITS = 64
TRANSFER_BYTES_BITS = 48
AMOUNT_BITS = 128

# A decimal written with more significant digits than this cannot fit any bound above;
# refusing it early keeps a forged exponent (1e999999999) from building a huge integer.
_MAX_INTEGER_DIGITS = 80


def _shown(value: Decimal) -> str:
    """``value`` in plain notation for messages (scientific only for extreme exponents), cut to 60 characters."""
    exponent = value.as_tuple().exponent
    text = f"{value:f}" if isinstance(exponent, int) and abs(exponent) <= _MAX_INTEGER_DIGITS else str(value)
    return text if len(text) <= 60 else f"{text[:40]}… ({len(text)} characters)"


def decimal_to_fixed(field: str, value: Decimal, decimals: int) -> int:
    """``value × 10^decimals`` as an exact int; ReceiptError naming ``field`` if it is not exact.

    No rounding context is involved: the digits and exponent of ``value`` are
    used directly, so arbitrarily long decimals convert exactly or are refused.
    Bounds are checked elsewhere (:func:`require_uint`, but a value with more
    than 80 integer digits is refused here as too large. Digits and exponent are
    checked before any ``int()`` or power of ten, so neither a long digit string
    (``int()`` refuses more than 4,300 digits) nor an exponent such as 1e-999999999
    (a power of ten with a billion digits) costs more than reading the text.
    """
    if not value.is_finite():
        raise ReceiptError(f"{field}: {_shown(value)} is not a finite decimal")
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    significant = text.rstrip("0")
    if not significant:
        return 0
    shift = exponent + len(text) - len(significant) + decimals  # of the last significant digit
    if shift < 0:
        raise ReceiptError(
            f"{field}: {_shown(value)} has more than {decimals} decimal places; "
            f"the fixed-point scale is 10^-{decimals} and values are never rounded"
        )
    if len(significant.lstrip("0")) + shift > _MAX_INTEGER_DIGITS:
        raise ReceiptError(f"{field}: {_shown(value)} is too large")
    magnitude = int(significant) * 10**shift
    return -magnitude if sign else magnitude


def fixed_to_decimal(value: int, decimals: int) -> Decimal:
    """The exact Decimal ``value / 10^decimals`` written with exactly ``decimals`` places."""
    return Decimal(fixed_to_text(value, decimals))


def fixed_to_text(value: int, decimals: int) -> str:
    """``value / 10^decimals`` as decimal text with exactly ``decimals`` places (2500, 3 → "2.500")."""
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(abs(value), 10**decimals)
    if decimals == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{decimals}d}"


@dataclass(frozen=True)
class PriceComputation:
    """The receipt pricing rule worked out: ``units_fp × rate_fp = price_fp × UNITS_SCALE + remainder``."""

    units_fp: int
    rate_fp: int
    price_fp: int
    remainder: int


def compute_price(units_fp: int, rate_fp: int) -> PriceComputation:
    """The price in micro-tokens of ``units_fp`` milli-units at ``rate_fp`` micro-tokens per unit (floor)."""
    price_fp, remainder = divmod(units_fp * rate_fp, UNITS_SCALE)
    return PriceComputation(units_fp=units_fp, rate_fp=rate_fp, price_fp=price_fp, remainder=remainder)
