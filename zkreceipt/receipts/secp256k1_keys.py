"""secp256k1 accounting keys and Ethereum-style addresses.

An address is ``0x`` + the last 20 bytes of Keccak-256 of the uncompressed
public key (x ‖ y, 64 bytes), written with the EIP-55 mixed-case checksum.
Private key file (mode 0600, atomic)::

    {"type": "zkreceipt.secp256k1.accounting_key", "address": "0x…", "secret": "<64 hex>"}

The curve arithmetic is py_ecc's (plain Python, not constant-time): fine for
accounting signatures made on a machine the signer controls, not for a
signing service exposed to timing measurements.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from py_ecc.secp256k1.secp256k1 import A, B, N, P, privtopub

from ..errors import SignatureError
from .errors import KeyFileError
from .files import read_private_file, write_file_atomically
from ..keccak import keccak256

ACCOUNTING_KEY_FILE_TYPE = "zkreceipt.secp256k1.accounting_key"
SECRET_BYTES = 32
_ADDRESS_PATTERN = re.compile(r"0x[0-9a-fA-F]{40}")
_SECRET_PATTERN = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class CurvePoint:
    """An affine point of secp256k1."""

    x: int
    y: int

    def is_on_curve(self) -> bool:
        """Whether the coordinates are in range and satisfy y² = x³ + 7."""
        return 0 <= self.x < P and 0 <= self.y < P and (self.y * self.y - self.x**3 - A * self.x - B) % P == 0


def checksum_address(address_bytes: bytes) -> str:
    """The EIP-55 mixed-case form of a 20-byte address."""
    lower = address_bytes.hex()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h, 16) >= 8 else c for c, h in zip(lower, digest))


def address_of(point: CurvePoint) -> str:
    """The Ethereum address of a public key point (EIP-55 checksummed)."""
    encoded = point.x.to_bytes(32, "big") + point.y.to_bytes(32, "big")
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
        if not 1 <= int.from_bytes(self.secret, "big") < N:
            raise SignatureError("accounting key: must be in [1, n) for the secp256k1 order n")

    @property
    def public_point(self) -> CurvePoint:
        """The public key point."""
        x, y = privtopub(self.secret)
        return CurvePoint(int(x), int(y))

    @property
    def address(self) -> str:
        """The signer's Ethereum address."""
        return address_of(self.public_point)

    def __repr__(self) -> str:
        return f"AccountingKey(address={self.address})"


def generate_accounting_key() -> AccountingKey:
    """A new accounting key, uniform in [1, n), from ``secrets``."""
    return AccountingKey((secrets.randbelow(N - 1) + 1).to_bytes(SECRET_BYTES, "big"))


def save_accounting_key(key: AccountingKey, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the private key file (0600, atomic); KeyFileError if it exists and ``overwrite`` is false."""
    document = {"type": ACCOUNTING_KEY_FILE_TYPE, "address": key.address, "secret": key.secret.hex()}
    return write_file_atomically(path, (json.dumps(document) + "\n").encode("utf-8"), private=True, overwrite=overwrite)


def load_accounting_key(path: str | Path) -> AccountingKey:
    """The key in an accounting key file; KeyFileError if malformed, mismatched, or readable by others."""
    source = Path(path)
    try:
        document = json.loads(read_private_file(source).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise KeyFileError(f"{source}: not a zkreceipt key file (not JSON)") from None
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
