"""secp256k1 accounting keys and Ethereum-style addresses.

An address is ``0x`` + the last 20 bytes of Keccak-256 of the uncompressed
public key (x ‖ y, 64 bytes), written with the EIP-55 mixed-case checksum.
Private key file (mode 0600, atomic)::

    {"type": "zkreceipt.secp256k1.accounting_key", "address": "0x…", "secret": "<64 hex>"}

The curve arithmetic is libsecp256k1's (through coincurve): constant time in the
secret key, and validated public keys.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from coincurve import PrivateKey, PublicKey

from ..errors import SignatureError
from ..keccak import keccak256
from .errors import KeyFileError
from .files import parse_key_json, read_private_file, write_file_atomically

ACCOUNTING_KEY_FILE_TYPE = "zkreceipt.secp256k1.accounting_key"
SECRET_BYTES = 32
#: n, the order of secp256k1's group (SEC 2, section 2.4.1).
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_ADDRESS_PATTERN = re.compile(r"0x[0-9a-fA-F]{40}")
_SECRET_PATTERN = re.compile(r"[0-9a-f]{64}")


def checksum_address(address_bytes: bytes) -> str:
    """The EIP-55 mixed-case form of a 20-byte address."""
    lower = address_bytes.hex()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h, 16) >= 8 else c for c, h in zip(lower, digest))


def address_of(public_key: PublicKey) -> str:
    """The Ethereum address of a public key (EIP-55 checksummed)."""
    encoded = public_key.format(compressed=False)[1:]  # x ‖ y after the 0x04 prefix
    return checksum_address(keccak256(encoded)[-20:])


def normalize_address(address: str) -> str:
    """``address`` in EIP-55 form; SignatureError if malformed or if a mixed-case checksum is wrong."""
    if not isinstance(address, str) or not _ADDRESS_PATTERN.fullmatch(address):
        raise SignatureError(f"address: must be 0x followed by 40 hex digits, got {address!r:.60}")
    normalized = checksum_address(bytes.fromhex(address[2:]))
    hex_part = address[2:]
    if hex_part not in (hex_part.lower(), hex_part.upper()) and address != normalized:
        raise SignatureError(f"address: {address} fails its EIP-55 checksum")
    return normalized


@dataclass(frozen=True, repr=False)
class AccountingKey:
    """A secp256k1 private key for invoice accounting signatures (its repr shows only the address)."""

    secret: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.secret, bytes) or len(self.secret) != SECRET_BYTES:
            raise SignatureError(f"accounting key: must be {SECRET_BYTES} bytes")
        if not 1 <= int.from_bytes(self.secret, "big") < SECP256K1_ORDER:
            raise SignatureError("accounting key: must be in [1, n) for the secp256k1 order n")

    @property
    def private_key(self) -> PrivateKey:
        """The key as libsecp256k1 uses it."""
        return PrivateKey(self.secret)

    @property
    def public_key(self) -> PublicKey:
        """The public key point."""
        return self.private_key.public_key

    @property
    def address(self) -> str:
        """The signer's Ethereum address."""
        return address_of(self.public_key)

    def __repr__(self) -> str:
        return f"AccountingKey(address={self.address})"


def generate_accounting_key() -> AccountingKey:
    """A new accounting key, uniform in [1, n), from ``secrets``."""
    return AccountingKey((secrets.randbelow(SECP256K1_ORDER - 1) + 1).to_bytes(SECRET_BYTES, "big"))


def save_accounting_key(key: AccountingKey, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the private key file (0600, atomic); KeyFileError if it exists and ``overwrite`` is false."""
    document = {"type": ACCOUNTING_KEY_FILE_TYPE, "address": key.address, "secret": key.secret.hex()}
    return write_file_atomically(path, (json.dumps(document) + "\n").encode("utf-8"), private=True, overwrite=overwrite)


def load_accounting_key(path: str | Path) -> AccountingKey:
    """The key in an accounting key file; KeyFileError if malformed, mismatched, or readable by others."""
    source = Path(path)
    document = parse_key_json(source, read_private_file(source))
    if not isinstance(document, dict) or document.get("type") != ACCOUNTING_KEY_FILE_TYPE:
        raise KeyFileError(f"{source}: not a {ACCOUNTING_KEY_FILE_TYPE} file")
    if set(document) != {"type", "address", "secret"}:
        raise KeyFileError(f"{source}: an accounting key file has exactly the fields type, address, secret")
    secret = document["secret"]
    if not isinstance(secret, str) or not _SECRET_PATTERN.fullmatch(secret):
        raise KeyFileError(f"{source}: field secret is malformed")
    try:
        key = AccountingKey(bytes.fromhex(secret))
    except SignatureError as error:
        raise KeyFileError(f"{source}: {error}") from None
    if document["address"] != key.address:
        raise KeyFileError(f"{source}: the address does not match the key")
    return key
