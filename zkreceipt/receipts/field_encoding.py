"""A receipt as BN254 scalar-field elements, and its salted Poseidon commitment.

Each text field (ids, provider, client, model, unit type) becomes the first
31 bytes (248 bits) of SHA-256 of its UTF-8 bytes, read big-endian — always
below r. Numbers enter as their fixed-point integers. The order of the
elements, which the receipt circuit uses too, is ``RECEIPT_FIELD_ORDER``::

    receipt_id, job_id, provider, client, model, unit_type,
    units_fp, price_fp, started_at, completed_at

The commitment is circomlib's ``Poseidon(11)`` of those ten elements followed
by the salt (an element of [0, r), drawn with :func:`new_salt`). The salt keeps
the commitment hiding; it is private and must never be logged.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields

from ..errors import ReceiptError
from .receipt import Receipt

TEXT_HASH_BYTES = 31


def text_to_field(text: str) -> int:
    """The first 31 bytes of SHA-256(UTF-8 of ``text``), big-endian: a 248-bit field element."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:TEXT_HASH_BYTES], "big")


@dataclass(frozen=True)
class ReceiptFields:
    """The field elements the receipt circuit commits to, in commitment order."""

    receipt_id: int
    job_id: int
    provider: int
    client: int
    model: int
    unit_type: int
    units_fp: int
    price_fp: int
    started_at: int
    completed_at: int

    def as_list(self) -> list[int]:
        """The elements in ``RECEIPT_FIELD_ORDER``."""
        return list(astuple(self))


RECEIPT_FIELD_ORDER = tuple(f.name for f in fields(ReceiptFields))


def receipt_field_elements(receipt: Receipt) -> ReceiptFields:
    """The receipt's field elements (text hashed, numbers in fixed point)."""
    return ReceiptFields(
        receipt_id=text_to_field(receipt.receipt_id),
        job_id=text_to_field(receipt.job_id),
        provider=text_to_field(receipt.provider),
        client=text_to_field(receipt.client),
        model=text_to_field(receipt.model),
        unit_type=text_to_field(receipt.unit_type),
        units_fp=receipt.units_fp,
        price_fp=receipt.price_fp,
        started_at=receipt.started_at,
        completed_at=receipt.completed_at,
    )


def scalar_field_order() -> int:
    """r, the BN254 scalar field order (imported on first use: the field core compiles kernels)."""
    from ..field import Fr

    return Fr.modulus


def new_salt() -> int:
    """A uniformly random salt in [0, r) from ``secrets``."""
    return secrets.randbelow(scalar_field_order())


def _poseidon(inputs: Sequence[int]) -> int:
    """circomlib-compatible Poseidon, imported when first needed (the circuit package is heavy)."""
    from ..circuit.gadgets.poseidon_native import poseidon_hash

    return poseidon_hash(inputs)


def receipt_commitment(receipt: Receipt, salt: int) -> int:
    """Poseidon(receipt elements…, salt) as an int in [0, r); ReceiptError if ``salt`` is not in [0, r)."""
    if isinstance(salt, bool) or not isinstance(salt, int) or not 0 <= salt < scalar_field_order():
        raise ReceiptError("salt: must be an int in [0, r) for the BN254 scalar field order r")
    return _poseidon([*receipt_field_elements(receipt).as_list(), salt])
