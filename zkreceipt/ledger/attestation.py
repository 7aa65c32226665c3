"""Attestations: the prover's signature over a bundle's public statement, checkable by any verifier.

A receipt's own signature covers its private fields, so a public verifier
cannot check it. Instead the prover, after checking that signature, signs what
the bundle claims — the statement — with a key the verifier can trust::

    statement = canonical JSON of {"type": "zkreceipt.<kind>_statement.v1",
                                   "vk_id", "circuit", "public_signals", "commitment", "policy", "proof", …}

(``canonical_json_bytes``: keys sorted, no whitespace, UTF-8). Receipt bundles
carry an Ed25519 attestation by the provider's signing key::

    {"alg": "Ed25519", "key_id": "<16 hex>", "sig": "<128 hex>"}

Invoice bundles an EIP-191 secp256k1 signature by the accounting key, which a
verifier recovers to an address::

    {"alg": "secp256k1", "address": "0x…", "v": 27, "r": "0x…", "s": "0x…"}

A check reports the signer and whether the verifier trusts it; a signature
that does not verify, or a signer not in the verifier's list, is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey

from ..errors import FormatError, SignatureError, ZkReceiptError
from ..receipts import AccountingSignature, as_verify_key, canonical_json_bytes, ed25519_key_id
from ..receipts.accounting import recover_personal_message_signer, sign_personal_message
from ..receipts.receipt import ED25519_ALGORITHM, KEY_ID_PATTERN
from ..receipts.secp256k1_keys import AccountingKey, normalize_address

SECP256K1_ALGORITHM = "secp256k1"
_SIGNATURE_PATTERN = re.compile("[0-9a-f]{128}")
_WORD_PATTERN = re.compile("0x[0-9a-f]{64}")


class AttestationError(FormatError):
    """An attestation document is malformed; the message names the field."""


def statement_bytes(kind: str, statement: Mapping[str, Any]) -> bytes:
    """The bytes an attestation signs: the statement's canonical JSON, tagged with ``kind`` (domain separation)."""
    return canonical_json_bytes({**statement, "type": f"zkreceipt.{kind}_statement.v1"})


@dataclass(frozen=True)
class Attestation:
    """An Ed25519 signature over a statement by the key ``key_id`` (16 hex: :func:`ed25519_key_id`)."""

    key_id: str
    sig: str
    alg: str = ED25519_ALGORITHM

    def __post_init__(self) -> None:
        if self.alg != ED25519_ALGORITHM:
            raise AttestationError(f"attestation.alg: must be {ED25519_ALGORITHM!r}, got {self.alg!r:.40}")
        if not isinstance(self.key_id, str) or not KEY_ID_PATTERN.fullmatch(self.key_id):
            raise AttestationError("attestation.key_id: must be 16 lowercase hex characters")
        if not isinstance(self.sig, str) or not _SIGNATURE_PATTERN.fullmatch(self.sig):
            raise AttestationError("attestation.sig: must be 128 lowercase hex characters (64 bytes)")

    def to_json(self) -> dict[str, str]:
        return {"alg": self.alg, "key_id": self.key_id, "sig": self.sig}

    @classmethod
    def from_json(cls, document: Any) -> Attestation:
        if not isinstance(document, dict) or set(document) != {"alg", "key_id", "sig"}:
            raise AttestationError("attestation: must be an object with exactly alg, key_id and sig")
        return cls(key_id=document["key_id"], sig=document["sig"], alg=document["alg"])


@dataclass(frozen=True)
class AccountingAttestation:
    """An EIP-191 secp256k1 signature (v, r, s) over a statement, claiming the signer ``address`` (EIP-55)."""

    address: str
    signature: AccountingSignature
    alg: str = SECP256K1_ALGORITHM

    def to_json(self) -> dict[str, str | int]:
        signature = self.signature
        return {
            "alg": self.alg,
            "address": self.address,
            "v": signature.v,
            "r": f"0x{signature.r:064x}",
            "s": f"0x{signature.s:064x}",
        }

    @classmethod
    def from_json(cls, document: Any) -> AccountingAttestation:
        if not isinstance(document, dict) or set(document) != {"alg", "address", "v", "r", "s"}:
            raise AttestationError("attestation: must be an object with exactly alg, address, v, r and s")
        if document["alg"] != SECP256K1_ALGORITHM:
            raise AttestationError(f"attestation.alg: must be {SECP256K1_ALGORITHM!r}")
        for word in ("r", "s"):
            if not isinstance(document[word], str) or not _WORD_PATTERN.fullmatch(document[word]):
                raise AttestationError(f"attestation.{word}: must be 0x and 64 lowercase hex digits")
        try:
            address = normalize_address(document["address"])
            signature = AccountingSignature(document["v"], int(document["r"], 16), int(document["s"], 16))
        except ZkReceiptError as error:
            raise AttestationError(f"attestation: {error}") from None
        return cls(address, signature)


@dataclass(frozen=True)
class SignerCheck:
    """Who claims to have signed a statement (key id or address; None if unsigned) and what the check found.

    ``trusted``: the signer is trusted and its signature verifies. ``known``: the
    signer is in the trusted list (so a failure is a bad signature, not merely an
    unknown signer). ``problem``: why it is not trusted, or None.
    """

    signer: str | None
    trusted: bool
    known: bool
    problem: str | None


UNSIGNED = SignerCheck(None, False, False, "the bundle carries no attestation: no signer vouches for it")


def _unknown(signer: str) -> SignerCheck:
    return SignerCheck(signer, False, False, f"the signer {signer} is not a trusted signer")


def _bad_signature(signer: str) -> SignerCheck:
    return SignerCheck(signer, False, True, f"the attestation by {signer} does not sign this bundle's statement")


def attest(statement: bytes, signing_key: SigningKey) -> Attestation:
    """The Ed25519 attestation of ``statement`` by ``signing_key``."""
    if not isinstance(signing_key, SigningKey):
        raise SignatureError(f"signing key: must be a nacl.signing.SigningKey, got {type(signing_key).__name__}")
    signature = signing_key.sign(statement).signature
    return Attestation(key_id=ed25519_key_id(signing_key.verify_key), sig=signature.hex())


def check_attestation(
    statement: bytes, attestation: Attestation | None, signers: Mapping[str, str]
) -> SignerCheck:
    """Check ``attestation`` of ``statement`` against the trusted Ed25519 ``signers`` (key id → public key hex)."""
    if attestation is None:
        return UNSIGNED
    public_key = signers.get(attestation.key_id)
    if public_key is None:
        return _unknown(attestation.key_id)
    try:
        as_verify_key(public_key).verify(statement, bytes.fromhex(attestation.sig))
    except BadSignatureError:
        return _bad_signature(attestation.key_id)
    return SignerCheck(attestation.key_id, True, True, None)


def attest_accounting(statement: bytes, key: AccountingKey) -> AccountingAttestation:
    """The EIP-191 attestation of ``statement`` by the accounting key ``key``."""
    return AccountingAttestation(key.address, sign_personal_message(statement, key))


def check_accounting_attestation(
    statement: bytes, attestation: AccountingAttestation | None, signers: Collection[str]
) -> SignerCheck:
    """Recover the signer of ``attestation`` and check it is the claimed address and one of ``signers`` (EIP-55)."""
    if attestation is None:
        return UNSIGNED
    claimed = attestation.address
    if claimed not in signers:
        return _unknown(claimed)
    try:
        recovered = recover_personal_message_signer(statement, attestation.signature)
    except SignatureError:
        recovered = None
    if recovered != claimed:
        return _bad_signature(claimed)
    return SignerCheck(claimed, True, True, None)
