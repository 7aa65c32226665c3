"""API keys: random bearer tokens shown once; the store keeps only their SHA-256.

A key is ``zkr_`` followed by 32 random bytes (``secrets``) in URL-safe
base64. 256 bits of entropy make a plain SHA-256 a safe stored form: no salt
or slow hash is needed against guessing, and a lookup is one indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "zkr_"


def new_api_key() -> str:
    """A fresh API key (print it once; store only :func:`hash_api_key` of it)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """SHA-256 hex of the key's UTF-8 bytes: the only form the store keeps."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
