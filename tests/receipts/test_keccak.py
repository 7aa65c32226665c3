"""Keccak-256 (pycryptodome's): published vectors, the Keccak padding (not SHA3-256's), a selector.

Multi-block inputs (lengths around the 136-byte rate) are checked against ethers in
``test_eip191_vectors.py``.
"""

from __future__ import annotations

import hashlib

import pytest

from zkreceipt.keccak import keccak256


@pytest.mark.parametrize(
    ("message", "digest"),
    [
        (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        (
            b"The quick brown fox jumps over the lazy dog",
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
        ),
    ],
)
def test_published_keccak256_vectors(message: bytes, digest: str) -> None:
    assert keccak256(message).hex() == digest


def test_function_selector() -> None:
    assert keccak256(b"transfer(address,uint256)")[:4].hex() == "a9059cbb"


def test_keccak_padding_differs_from_sha3() -> None:
    for message in (b"", b"abc"):
        assert keccak256(message) != hashlib.sha3_256(message).digest()
