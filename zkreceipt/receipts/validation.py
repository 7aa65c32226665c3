"""Checks shared by the receipt and invoice models; each error names the field at fault."""

from __future__ import annotations

import unicodedata

from ..errors import ReceiptError
from .fixed_point import fixed_to_text

MAX_TEXT_BYTES = 256


def require_text(field: str, value: object) -> str:
    """``value`` if it is a non-empty str of at most 256 UTF-8 bytes without control characters."""
    if not isinstance(value, str):
        raise ReceiptError(f"{field}: must be a string, got {type(value).__name__}")
    if not value:
        raise ReceiptError(f"{field}: must not be empty")
    if len(value.encode("utf-8", errors="surrogatepass")) > MAX_TEXT_BYTES:
        raise ReceiptError(f"{field}: longer than {MAX_TEXT_BYTES} UTF-8 bytes")
    for character in value:
        category = unicodedata.category(character)
        if category == "Cc":
            raise ReceiptError(f"{field}: contains the control character U+{ord(character):04X}")
        if category == "Cs":
            raise ReceiptError(f"{field}: contains a lone surrogate U+{ord(character):04X}")
    return value


def require_uint(field: str, value: object, bits: int, decimals: int = 0) -> int:
    """``value`` if it is an int in [0, 2^bits); the message shows decimals when the field is fixed point."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReceiptError(f"{field}: must be an integer, got {type(value).__name__}")
    if value < 0:
        raise ReceiptError(f"{field}: must not be negative, got {fixed_to_text(value, decimals)}")
    if value >> bits:
        largest = fixed_to_text((1 << bits) - 1, decimals)
        raise ReceiptError(
            f"{field}: {fixed_to_text(value, decimals)} is too large for the circuit "
            f"(bound 2^{bits} at scale 10^-{decimals}: at most {largest})"
        )
    return value
