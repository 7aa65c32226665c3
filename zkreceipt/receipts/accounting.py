"""Accounting signatures of invoices: recoverable secp256k1 ECDSA (v, r, s), Ethereum style.

The signed message is the invoice's canonical bytes (:func:`invoice_signing_bytes`)
as an EIP-191 personal message, so a wallet's ``personal_sign`` /
ethers' ``signMessage`` over those bytes produces the same signature::

    digest = keccak256(b"\\x19Ethereum Signed Message:\\n" + str(len(message)) + message)

Signatures are low-s (EIP-2) with ``v`` = 27 or 28; verification recovers the
signer's address from (v, r, s) and compares it with the expected one.
Nonces are deterministic (py_ecc's HMAC-SHA256 derivation, in the manner of RFC 6979).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from py_ecc.secp256k1.secp256k1 import ecdsa_raw_recover, ecdsa_raw_sign

from ..errors import SignatureError
from .canonical import invoice_signing_bytes
from .fixed_point import GAS_DECIMALS, fixed_to_text
from .invoice import AccountingSignature, Invoice
from ..keccak import keccak256
from .outcome import CheckOutcome
from .secp256k1_keys import AccountingKey, CurvePoint, address_of, normalize_address

logger = logging.getLogger(__name__)

PERSONAL_MESSAGE_PREFIX = b"\x19Ethereum Signed Message:\n"


def personal_message_digest(message: bytes) -> bytes:
    """The EIP-191 (version 0x45) digest of ``message``."""
    return keccak256(PERSONAL_MESSAGE_PREFIX + str(len(message)).encode("ascii") + message)


def invoice_digest(invoice: Invoice) -> bytes:
    """The 32-byte digest an invoice's accounting signature signs."""
    return personal_message_digest(invoice_signing_bytes(invoice))


def sign_invoice(invoice: Invoice, key: AccountingKey) -> Invoice:
    """``invoice`` with an accounting signature by ``key`` (an existing one is replaced)."""
    if not isinstance(key, AccountingKey):
        raise SignatureError(f"accounting key: must be an AccountingKey, got {type(key).__name__}")
    signed = replace(invoice, accounting_signature=sign_personal_message(invoice_signing_bytes(invoice), key))
    if recover_invoice_signer(signed) != key.address:
        raise SignatureError("accounting signature: the new signature does not recover to the signing key")
    logger.info("signed invoice", extra={"invoice_id": invoice.invoice_id, "signer": key.address})
    return signed


def recover_invoice_signer(invoice: Invoice) -> str:
    """The address that made the invoice's accounting signature; SignatureError if unsigned or unrecoverable."""
    signature = invoice.accounting_signature
    if signature is None:
        raise SignatureError("accounting_signature: the invoice is unsigned")
    return recover_personal_message_signer(invoice_signing_bytes(invoice), signature)


def sign_personal_message(message: bytes, key: AccountingKey) -> AccountingSignature:
    """The EIP-191 personal-message signature (v, r, s) of ``message`` by ``key`` (what ``personal_sign`` gives)."""
    v, r, s = ecdsa_raw_sign(personal_message_digest(message), key.secret)
    return AccountingSignature(v=v, r=r, s=s)


def recover_personal_message_signer(message: bytes, signature: AccountingSignature) -> str:
    """The address whose EIP-191 signature of ``message`` is ``signature``; SignatureError if none is."""
    try:
        x, y = ecdsa_raw_recover(personal_message_digest(message), (signature.v, signature.r, signature.s))
    except ValueError:
        raise SignatureError("accounting_signature: r is not the x-coordinate of a curve point") from None
    point = CurvePoint(int(x), int(y))
    if not point.is_on_curve() or (point.x, point.y) == (0, 0):
        raise SignatureError("accounting_signature: recovers to no valid public key")
    return address_of(point)


def verify_invoice(invoice: Invoice, expected_address: str) -> bool:
    """True iff the invoice is signed and its signature recovers to ``expected_address``.

    A malformed address raises SignatureError; a missing or wrong signature gives False.
    """
    return _signature_outcome(invoice, normalize_address(expected_address)).passed


@dataclass(frozen=True)
class InvoiceCheck:
    """The accounting-signature and balance checks of one invoice."""

    invoice_id: str
    signature: CheckOutcome
    balance: CheckOutcome

    @property
    def ok(self) -> bool:
        """Whether both checks passed."""
        return self.signature.passed and self.balance.passed


def _signature_outcome(invoice: Invoice, expected: str) -> CheckOutcome:
    try:
        signer = recover_invoice_signer(invoice)
    except SignatureError as error:
        return CheckOutcome("signature", False, str(error))
    if signer != expected:
        return CheckOutcome("signature", False, f"signed by {signer}, expected {expected}")
    return CheckOutcome("signature", True, f"signed by {signer}")


def _balance_outcome(invoice: Invoice) -> CheckOutcome:
    totals = invoice.totals()
    detail = (
        f"charged {fixed_to_text(totals.charged_fp, GAS_DECIMALS)}, "
        f"paid {fixed_to_text(totals.paid_fp, GAS_DECIMALS)}, "
        f"penalized {fixed_to_text(totals.penalized_fp, GAS_DECIMALS)}"
    )
    return CheckOutcome("balance", totals.balanced, detail if totals.balanced else f"does not balance: {detail}")


def check_invoice(invoice: Invoice, expected_address: str) -> InvoiceCheck:
    """Check the accounting signature against ``expected_address`` and that the line items balance."""
    expected = normalize_address(expected_address)
    return InvoiceCheck(
        invoice_id=invoice.invoice_id,
        signature=_signature_outcome(invoice, expected),
        balance=_balance_outcome(invoice),
    )
