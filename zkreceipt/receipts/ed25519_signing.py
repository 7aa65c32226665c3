"""Signing and verifying compute receipts with Ed25519.

The signature covers :func:`receipt_signing_bytes` (the canonical JSON of the
receipt without its signature). ``signature.key_id`` names the signer's key
(see :func:`ed25519_key_id`); it is not itself signed, so verification checks
that it names the key the signature verifies under.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ..errors import SignatureError
from .canonical import receipt_signing_bytes
from .ed25519_keys import Keyring, PublicKeyLike, as_verify_key, ed25519_key_id
from .outcome import CheckOutcome
from .pricing import check_pricing
from .rates import DEFAULT_RATE_TABLE, RateTable
from .receipt import ED25519_ALGORITHM, Receipt, ReceiptSignature

logger = logging.getLogger(__name__)

TrustedKeys = PublicKeyLike | Keyring


def sign_receipt(receipt: Receipt, signing_key: SigningKey, rates: RateTable = DEFAULT_RATE_TABLE) -> Receipt:
    """``receipt`` with a fresh Ed25519 signature by ``signing_key``.

    The receipt must be priced exactly by ``rates`` (PricingError or
    UnknownModelError otherwise): a provider never signs a wrong price. An
    existing signature is replaced.
    """
    if not isinstance(signing_key, SigningKey):
        raise SignatureError(f"signing key: must be a nacl.signing.SigningKey, got {type(signing_key).__name__}")
    check_pricing(receipt, rates)
    key_id = ed25519_key_id(signing_key.verify_key)
    signature = signing_key.sign(receipt_signing_bytes(receipt)).signature
    logger.info("signed receipt", extra={"receipt_id": receipt.receipt_id, "job_id": receipt.job_id, "key_id": key_id})
    return replace(receipt, signature=ReceiptSignature(alg=ED25519_ALGORITHM, key_id=key_id, sig=signature.hex()))


@dataclass(frozen=True)
class SignatureChecks:
    """The two signature checks: the key id names a trusted key, and the signature verifies."""

    key_id: CheckOutcome
    signature: CheckOutcome


def _trusted_key(signature: ReceiptSignature, keys: TrustedKeys) -> tuple[VerifyKey | None, CheckOutcome]:
    if isinstance(keys, Keyring):
        found = keys.get(signature.key_id)
        if found is None:
            return None, CheckOutcome("key_id", False, f"no trusted key has id {signature.key_id}")
        return found, CheckOutcome("key_id", True, f"key {signature.key_id} is in the keyring")
    verify_key = as_verify_key(keys)
    expected = ed25519_key_id(verify_key)
    if signature.key_id != expected:
        detail = f"receipt names key {signature.key_id} but the key given has id {expected}"
        return verify_key, CheckOutcome("key_id", False, detail)
    return verify_key, CheckOutcome("key_id", True, f"key {expected} matches")


def check_signature(receipt: Receipt, keys: TrustedKeys) -> SignatureChecks:
    """Check the key id and the Ed25519 signature of ``receipt`` against one public key or a keyring.

    A malformed public key raises SignatureError; a wrong or missing signature
    gives failed outcomes.
    """
    if receipt.signature is None:
        unsigned = "the receipt is unsigned"
        return SignatureChecks(CheckOutcome("key_id", False, unsigned), CheckOutcome("signature", False, unsigned))
    verify_key, key_outcome = _trusted_key(receipt.signature, keys)
    if verify_key is None:
        return SignatureChecks(key_outcome, CheckOutcome("signature", False, "not checked: no trusted key"))
    try:
        verify_key.verify(receipt_signing_bytes(receipt), receipt.signature.sig_bytes)
    except BadSignatureError:
        return SignatureChecks(key_outcome, CheckOutcome("signature", False, "Ed25519 signature does not verify"))
    return SignatureChecks(key_outcome, CheckOutcome("signature", True, "Ed25519 signature verifies"))


def verify_receipt(receipt: Receipt, public_key_or_keyring: TrustedKeys) -> bool:
    """True iff ``receipt`` is signed, its key id names the given (or a keyring's) key, and the signature verifies."""
    checks = check_signature(receipt, public_key_or_keyring)
    return checks.key_id.passed and checks.signature.passed
