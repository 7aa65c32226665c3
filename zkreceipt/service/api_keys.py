"""API keys: random bearer tokens shown once; the store keeps only their SHA-256.

A key is ``zkr_`` followed by 32 random bytes (``secrets``) in URL-safe
base64. 256 bits of entropy make a plain SHA-256 a safe stored form: no salt
or slow hash is needed against guessing, and a lookup is one indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets

from ..errors import ZkReceiptError

KEY_PREFIX = "zkr_"
ROLES = ("provider", "client")


class ApiKeyError(ZkReceiptError):
    """An API key is malformed, unknown, or of the wrong role."""


def new_api_key() -> str:
    """A fresh API key (print it once; store only :func:`hash_api_key` of it)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """SHA-256 hex of the key's UTF-8 bytes: the only form the store keeps."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def require_role(role: str) -> str:
    """``role`` if it is ``provider`` or ``client``; ApiKeyError otherwise."""
    if role not in ROLES:
        raise ApiKeyError(f"role: must be one of {', '.join(ROLES)}, got {role!r:.40}")
    return role
