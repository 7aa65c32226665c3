"""Accounting signatures of invoices: recoverable secp256k1 ECDSA (v, r, s), Ethereum style.

The signed message is the invoice's canonical bytes (:func:`invoice_signing_bytes`)
as an EIP-191 personal message, so a wallet's ``personal_sign`` /
ethers' ``signMessage`` over those bytes produces the same signature::

    digest = keccak256(b"\\x19Ethereum Signed Message:\\n" + str(len(message)) + message)

Signing, and recovering the signer's public key, are libsecp256k1's (through
coincurve): constant time in the key, nonces by RFC 6979 (so a signature is a
function of key and message, the same ethers computes), signatures low-s (EIP-2)
with ``v`` = 27 or 28. Verification recovers the signer's address from (v, r, s)
and compares it with the expected one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from coincurve import PublicKey

from ..errors import SignatureError
from ..keccak import keccak256
from .canonical import invoice_signing_bytes
from .fixed_point import GAS_DECIMALS, fixed_to_text
from .invoice import AccountingSignature, Invoice
from .outcome import CheckOutcome
from .secp256k1_keys import AccountingKey, address_of, normalize_address

logger = logging.getLogger(__name__)

PERSONAL_MESSAGE_PREFIX = b"\x19Ethereum Signed Message:\n"
#: v = recovery id + 27 (the pre-EIP-155 convention personal messages keep).
V_OFFSET = 27


def personal_message_digest(message: bytes) -> bytes:
    """The EIP-191 (version 0x45) digest of ``message``."""
    return keccak256(PERSONAL_MESSAGE_PREFIX + str(len(message)).encode("ascii") + message)


def invoice_digest(invoice: Invoice) -> bytes:
    """The 32-byte digest an invoice's accounting signature signs."""
    return personal_message_digest(invoice_signing_bytes(invoice))


def sign_digest(digest: bytes, key: AccountingKey) -> AccountingSignature:
    """The recoverable signature (v, r, s) of a 32-byte ``digest`` by ``key`` (RFC 6979, low s)."""
    if not isinstance(key, AccountingKey):
        raise SignatureError(f"accounting key: must be an AccountingKey, got {type(key).__name__}")
    signature = key.private_key.sign_recoverable(digest, hasher=None)  # r ‖ s ‖ recovery id
    return AccountingSignature(
        v=V_OFFSET + signature[64],
        r=int.from_bytes(signature[:32], "big"),
        s=int.from_bytes(signature[32:64], "big"),
    )


def recover_digest_signer(digest: bytes, signature: AccountingSignature) -> str:
    """The address whose key made ``signature`` over ``digest``; SignatureError if none can have."""
    encoded = signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big") + bytes((signature.v - V_OFFSET,))
    try:
        public_key = PublicKey.from_signature_and_message(encoded, digest, hasher=None)
    except ValueError:
        raise SignatureError(
            "accounting_signature: recovers to no public key "
            "(r is not the x-coordinate of a curve point, or the key would be the point at infinity)"
        ) from None
    return address_of(public_key)


def sign_personal_message(message: bytes, key: AccountingKey) -> AccountingSignature:
    """``key``'s EIP-191 signature of ``message`` (as ethers' ``signMessage``)."""
    return sign_digest(personal_message_digest(message), key)


def recover_personal_message_signer(message: bytes, signature: AccountingSignature) -> str:
    """The address that signed the EIP-191 ``message`` (as ethers' ``verifyMessage``)."""
    return recover_digest_signer(personal_message_digest(message), signature)


def sign_invoice(invoice: Invoice, key: AccountingKey) -> Invoice:
    """``invoice`` with an accounting signature by ``key`` (an existing one is replaced)."""
    signed = replace(invoice, accounting_signature=sign_digest(invoice_digest(invoice), key))
    if recover_invoice_signer(signed) != key.address:
        raise SignatureError("accounting signature: the new signature does not recover to the signing key")
    logger.info("signed invoice", extra={"invoice_id": invoice.invoice_id, "signer": key.address})
    return signed


def recover_invoice_signer(invoice: Invoice) -> str:
    """The address that made the invoice's accounting signature; SignatureError if unsigned or unrecoverable."""
    signature = invoice.accounting_signature
    if signature is None:
        raise SignatureError("accounting_signature: the invoice is unsigned")
    return recover_digest_signer(invoice_digest(invoice), signature)


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
