"""Receipt-specific refinements of :class:`zkreceipt.errors.ReceiptError`."""

from __future__ import annotations

from ..errors import ReceiptError, SignatureError


class PricingError(ReceiptError):
    """A receipt's stated price differs from units × rate; the message gives the expected price."""


class UnknownModelError(ReceiptError):
    """A model has no rate in the rate table in use."""


class KeyFileError(SignatureError):
    """A key file could not be written or read, is malformed, or has permissions that are too open."""
