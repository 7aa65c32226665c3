"""Typed errors raised by zkreceipt.

Every error a user can provoke with bad input derives from :class:`ZkReceiptError`,
so a caller (and the CLI, which maps it to exit code 2) can catch one type. The
message names the field, file or section at fault.
"""

from __future__ import annotations


class ZkReceiptError(Exception):
    """Base class of every error zkreceipt raises on bad input or misuse."""


class FieldError(ZkReceiptError, ValueError):
    """A value is not a valid field element (negative, ≥ the modulus, wrong type or shape)."""


class FieldZeroDivisionError(FieldError, ZeroDivisionError):
    """An inverse of zero was asked for."""


class FieldMismatchError(FieldError):
    """Two operands belong to different fields or have different lengths."""


class CurveError(ZkReceiptError, ValueError):
    """A point is malformed: off the curve, outside the subgroup, or a coordinate ≥ q."""


class CircuitError(ZkReceiptError):
    """A circuit is malformed, or a witness does not satisfy its constraints."""


class UnsatisfiedConstraintError(CircuitError):
    """A witness violates a constraint; the message names the constraint."""


class FormatError(ZkReceiptError, ValueError):
    """A file or JSON document is malformed; the message names the file and section."""


class ProofError(ZkReceiptError, ValueError):
    """A proof, key or public-signal list is malformed (not merely a proof that fails)."""


class ReceiptError(ZkReceiptError, ValueError):
    """A receipt or invoice document is invalid; the message names the field."""


class SignatureError(ZkReceiptError):
    """A signature or signing key is malformed."""


class FileAccessError(ZkReceiptError, OSError):
    """A file could not be read or written (the message names the path and the reason)."""


class StoreError(ZkReceiptError):
    """The persistent store could not be read or written."""
