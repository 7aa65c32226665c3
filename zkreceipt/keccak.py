"""Keccak-256 as Ethereum uses it (the original Keccak padding, not NIST SHA3-256's).

The standard library has SHA3-256 but not Keccak-256 (they differ in the padding's
domain byte, 0x01 instead of 0x06); this is pycryptodome's implementation
(``Crypto.Hash.keccak``). Used for Ethereum addresses, EIP-191 message digests and
Solidity function selectors.
"""

from __future__ import annotations

from Crypto.Hash import keccak

KECCAK256_BYTES = 32


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 of ``data`` (32 bytes)."""
    return keccak.new(data=bytes(data), digest_bits=8 * KECCAK256_BYTES).digest()
