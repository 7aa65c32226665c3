"""Keccak-256: published vectors, and the same sponge checked against hashlib's SHA3 and SHAKE."""

from __future__ import annotations

import hashlib
import random

import pytest

from zkreceipt.keccak import keccak256, keccak_sponge


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


def test_sponge_matches_hashlib_sha3_and_shake_at_block_edges() -> None:
    rng = random.Random(3)
    for length in (0, 1, 134, 135, 136, 137, 271, 272, 273, 1000):
        data = rng.randbytes(length)
        assert keccak_sponge(data, 136, 0x06, 32) == hashlib.sha3_256(data).digest(), length
        assert keccak_sponge(data, 72, 0x06, 64) == hashlib.sha3_512(data).digest(), length
        assert keccak_sponge(data, 168, 0x1F, 400) == hashlib.shake_128(data).digest(400), length  # multi-squeeze
