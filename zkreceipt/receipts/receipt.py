"""The compute receipt: a signed record that a provider ran a job for a client.

Decimal quantities are held in fixed point (see :mod:`.fixed_point`):
``units_fp`` in milli-units, ``price_fp`` in micro-tokens; ``units`` and
``price`` give them back as Decimals. Constructing a :class:`Receipt` checks
every field, so an instance is always within the circuit's bounds and has
``started_at ≤ completed_at``. Pricing depends on a rate table and is checked
by :func:`zkreceipt.receipts.check_pricing`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import ReceiptError
from .fixed_point import (
    PRICE_BITS,
    TIMESTAMP_BITS,
    TOKEN_DECIMALS,
    UNITS_BITS,
    UNITS_DECIMALS,
    fixed_to_decimal,
)
from .validation import require_text, require_uint

ED25519_ALGORITHM = "Ed25519"
KEY_ID_HEX_CHARS = 16
ED25519_SIGNATURE_BYTES = 64
KEY_ID_PATTERN = re.compile(f"[0-9a-f]{{{KEY_ID_HEX_CHARS}}}")
_SIGNATURE_PATTERN = re.compile(f"[0-9a-f]{{{2 * ED25519_SIGNATURE_BYTES}}}")


@dataclass(frozen=True)
class ReceiptSignature:
    """``signature`` of a receipt: Ed25519 over the canonical bytes, by the key ``key_id``.

    ``key_id`` is 16 lowercase hex characters (see :func:`ed25519_key_id`);
    ``sig`` the 64-byte signature as 128 lowercase hex characters.
    """

    alg: str
    key_id: str
    sig: str

    def __post_init__(self) -> None:
        if self.alg != ED25519_ALGORITHM:
            raise ReceiptError(f"signature.alg: must be {ED25519_ALGORITHM!r}, got {self.alg!r:.40}")
        if not isinstance(self.key_id, str) or not KEY_ID_PATTERN.fullmatch(self.key_id):
            raise ReceiptError(
                f"signature.key_id: must be {KEY_ID_HEX_CHARS} lowercase hex characters, got {self.key_id!r:.40}"
            )
        if not isinstance(self.sig, str) or not _SIGNATURE_PATTERN.fullmatch(self.sig):
            raise ReceiptError(
                f"signature.sig: must be {2 * ED25519_SIGNATURE_BYTES} lowercase hex characters "
                f"(a {ED25519_SIGNATURE_BYTES}-byte Ed25519 signature)"
            )

    @property
    def sig_bytes(self) -> bytes:
        """The raw 64-byte signature."""
        return bytes.fromhex(self.sig)


@dataclass(frozen=True)
class Receipt:
    """A compute receipt; ``signature`` is None until the provider signs it."""

    receipt_id: str
    job_id: str
    provider: str
    client: str
    units_fp: int
    unit_type: str
    price_fp: int
    model: str
    started_at: int
    completed_at: int
    signature: ReceiptSignature | None = None

    def __post_init__(self) -> None:
        for field in ("receipt_id", "job_id", "provider", "client", "unit_type", "model"):
            require_text(field, getattr(self, field))
        require_uint("units", self.units_fp, UNITS_BITS, UNITS_DECIMALS)
        require_uint("price", self.price_fp, PRICE_BITS, TOKEN_DECIMALS)
        require_uint("started_at", self.started_at, TIMESTAMP_BITS)
        require_uint("completed_at", self.completed_at, TIMESTAMP_BITS)
        if self.completed_at < self.started_at:
            raise ReceiptError(f"completed_at: {self.completed_at} is before started_at {self.started_at}")
        if self.signature is not None and not isinstance(self.signature, ReceiptSignature):
            raise ReceiptError(f"signature: must be a ReceiptSignature, got {type(self.signature).__name__}")

    @property
    def units(self) -> Decimal:
        """Units consumed, as an exact Decimal with three places."""
        return fixed_to_decimal(self.units_fp, UNITS_DECIMALS)

    @property
    def price(self) -> Decimal:
        """Price in tokens, as an exact Decimal with six places."""
        return fixed_to_decimal(self.price_fp, TOKEN_DECIMALS)

    @property
    def duration(self) -> int:
        """``completed_at − started_at`` in seconds."""
        return self.completed_at - self.started_at
