"""Ed25519 receipt keys: generation, key ids, key files and keyrings.

Key id: the first 16 hex characters (8 bytes) of SHA-256 of the raw 32-byte
public key, lowercase. Private key file (mode 0600, written atomically, never
overwritten unless asked)::

    {"type": "zkreceipt.ed25519.signing_key", "key_id": "…", "public_key": "<64 hex>", "seed": "<64 hex>"}

Public key file: the same without ``seed`` and with type
``zkreceipt.ed25519.verify_key``. Seeds come from ``secrets``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from nacl.exceptions import CryptoError
from nacl.signing import SigningKey, VerifyKey

from ..errors import SignatureError
from .errors import KeyFileError
from ..jsonio import read_capped_bytes
from .files import MAX_KEY_FILE_BYTES, parse_key_json, read_private_file, write_file_atomically
from .receipt import KEY_ID_HEX_CHARS, KEY_ID_PATTERN

SIGNING_KEY_FILE_TYPE = "zkreceipt.ed25519.signing_key"
VERIFY_KEY_FILE_TYPE = "zkreceipt.ed25519.verify_key"
ED25519_KEY_BYTES = 32
_HEX_KEY = re.compile(f"[0-9a-f]{{{2 * ED25519_KEY_BYTES}}}")

PublicKeyLike = VerifyKey | bytes | str


def as_verify_key(public_key: PublicKeyLike) -> VerifyKey:
    """A VerifyKey from a VerifyKey, 32 raw bytes or 64 hex characters; SignatureError otherwise."""
    if isinstance(public_key, VerifyKey):
        return public_key
    if isinstance(public_key, str):
        if not _HEX_KEY.fullmatch(public_key.lower()):
            raise SignatureError("public key: must be 64 hex characters (32 bytes)")
        public_key = bytes.fromhex(public_key)
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_KEY_BYTES:
        raise SignatureError(f"public key: must be {ED25519_KEY_BYTES} bytes")
    return VerifyKey(public_key)


def ed25519_key_id(public_key: PublicKeyLike) -> str:
    """The key id of a public key: sha256(raw key)[:8 bytes] as 16 lowercase hex characters."""
    return hashlib.sha256(bytes(as_verify_key(public_key))).hexdigest()[:KEY_ID_HEX_CHARS]


def generate_signing_key() -> SigningKey:
    """A new Ed25519 signing key from a 32-byte seed drawn with ``secrets``."""
    return SigningKey(secrets.token_bytes(ED25519_KEY_BYTES))


def _public_document(verify_key: VerifyKey, file_type: str) -> dict[str, str]:
    return {"type": file_type, "key_id": ed25519_key_id(verify_key), "public_key": bytes(verify_key).hex()}


def save_signing_key(signing_key: SigningKey, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the private key file (0600, atomic); KeyFileError if it exists and ``overwrite`` is false."""
    document = {**_public_document(signing_key.verify_key, SIGNING_KEY_FILE_TYPE), "seed": bytes(signing_key).hex()}
    return write_file_atomically(path, (json.dumps(document) + "\n").encode("utf-8"), private=True, overwrite=overwrite)


def save_verify_key(public_key: PublicKeyLike, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the public key file (0644, atomic)."""
    document = _public_document(as_verify_key(public_key), VERIFY_KEY_FILE_TYPE)
    return write_file_atomically(
        path, (json.dumps(document) + "\n").encode("utf-8"), private=False, overwrite=overwrite
    )


def _read_key_document(path: Path, data: bytes, file_type: str, fields: tuple[str, ...]) -> dict[str, Any]:
    document = parse_key_json(path, data)
    if not isinstance(document, dict) or document.get("type") != file_type:
        raise KeyFileError(f"{path}: not a {file_type} file")
    if set(document) != {"type", *fields}:
        raise KeyFileError(f"{path}: a {file_type} file has exactly the fields type, {', '.join(fields)}")
    for name in fields:
        pattern = KEY_ID_PATTERN if name == "key_id" else _HEX_KEY
        if not isinstance(document[name], str) or not pattern.fullmatch(document[name]):
            raise KeyFileError(f"{path}: field {name} is malformed")
    return document


def _checked_key_id(path: Path, document: Mapping[str, str], verify_key: VerifyKey) -> None:
    if document["key_id"] != ed25519_key_id(verify_key) or document["public_key"] != bytes(verify_key).hex():
        raise KeyFileError(f"{path}: key_id/public_key do not match the key")


def load_signing_key(path: str | Path) -> SigningKey:
    """The signing key in a private key file; KeyFileError if malformed or readable by others."""
    source = Path(path)
    document = _read_key_document(
        source, read_private_file(source), SIGNING_KEY_FILE_TYPE, ("key_id", "public_key", "seed")
    )
    signing_key = SigningKey(bytes.fromhex(document["seed"]))
    _checked_key_id(source, document, signing_key.verify_key)
    return signing_key


def load_verify_key(path: str | Path) -> VerifyKey:
    """The public key in a public key file; KeyFileError if it is malformed."""
    source = Path(path)
    data = read_capped_bytes(source, MAX_KEY_FILE_BYTES, KeyFileError, "key file")
    document = _read_key_document(source, data, VERIFY_KEY_FILE_TYPE, ("key_id", "public_key"))
    try:
        verify_key = VerifyKey(bytes.fromhex(document["public_key"]))
    except CryptoError:
        raise KeyFileError(f"{source}: the public key is not a valid Ed25519 key") from None
    _checked_key_id(source, document, verify_key)
    return verify_key


@dataclass(frozen=True)
class Keyring:
    """Trusted Ed25519 public keys by key id."""

    keys: Mapping[str, VerifyKey] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key_id, verify_key in self.keys.items():
            if key_id != ed25519_key_id(verify_key):
                raise SignatureError(f"keyring: key id {key_id!r:.40} does not match its public key")
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    @classmethod
    def of(cls, public_keys: Iterable[PublicKeyLike]) -> Keyring:
        """A keyring of the given public keys, each under its own key id."""
        verify_keys = [as_verify_key(key) for key in public_keys]
        return cls({ed25519_key_id(key): key for key in verify_keys})

    def get(self, key_id: str) -> VerifyKey | None:
        """The key with ``key_id``, or None."""
        return self.keys.get(key_id)

    def __contains__(self, key_id: object) -> bool:
        return key_id in self.keys

    def __len__(self) -> int:
        return len(self.keys)
