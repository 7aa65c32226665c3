"""Keccak-256 as Ethereum uses it (the original Keccak padding, not NIST SHA3-256's).

The standard library has SHA3-256 but not Keccak-256, and the eth-hash
backends are not installed; this is the Keccak-f[1600] sponge in plain Python
(a few hundred microseconds per short message). It differs from SHA3-256 only
in the domain byte of the padding (0x01 instead of 0x06), so the tests check the
same sponge with 0x06 against ``hashlib.sha3_256`` on many inputs, and
Keccak-256 against published vectors.
"""

from __future__ import annotations

_LANE_MASK = (1 << 64) - 1
_ROUNDS = 24
KECCAK_DOMAIN_BYTE = 0x01
SHA3_DOMAIN_BYTE = 0x06
KECCAK256_RATE_BYTES = 136


def _round_constant_bit(t: int) -> int:
    """Bit rc(t) of the Keccak round-constant LFSR (polynomial x^8 + x^6 + x^5 + x^4 + 1)."""
    register = 1
    for _ in range(t % 255):
        register <<= 1
        if register & 0x100:
            register ^= 0x171
    return register & 1


def _round_constants() -> tuple[int, ...]:
    return tuple(
        sum(_round_constant_bit(j + 7 * round_index) << ((1 << j) - 1) for j in range(7))
        for round_index in range(_ROUNDS)
    )


def _rotation_offsets() -> tuple[int, ...]:
    """Offsets of ρ for lane x + 5y, walking (x, y) ← (y, 2x + 3y) from (1, 0)."""
    offsets = [0] * 25
    x, y = 1, 0
    for t in range(24):
        offsets[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return tuple(offsets)


_ROUND_CONSTANTS = _round_constants()
_ROTATIONS = _rotation_offsets()
_PI_TARGET = tuple(y + 5 * ((2 * x + 3 * y) % 5) for y in range(5) for x in range(5))  # index x + 5y → B index


def _rotate(lane: int, offset: int) -> int:
    return ((lane << offset) | (lane >> (64 - offset))) & _LANE_MASK if offset else lane


def _permute(lanes: list[int]) -> list[int]:
    """Keccak-f[1600] on 25 lanes (lane x + 5y)."""
    for constant in _ROUND_CONSTANTS:
        columns = [lanes[x] ^ lanes[x + 5] ^ lanes[x + 10] ^ lanes[x + 15] ^ lanes[x + 20] for x in range(5)]
        mixes = [columns[(x - 1) % 5] ^ _rotate(columns[(x + 1) % 5], 1) for x in range(5)]
        moved = [0] * 25
        for index in range(25):
            moved[_PI_TARGET[index]] = _rotate(lanes[index] ^ mixes[index % 5], _ROTATIONS[index])
        lanes = [
            moved[index] ^ (~moved[(index + 1) % 5 + index - index % 5] & moved[(index + 2) % 5 + index - index % 5])
            for index in range(25)
        ]
        lanes[0] ^= constant
    return lanes


def keccak_sponge(data: bytes, rate_bytes: int, domain_byte: int, output_bytes: int) -> bytes:
    """The Keccak[c = 1600 − 8·rate] sponge of ``data`` with pad10*1 after ``domain_byte``.

    Keccak-256 is (136, 0x01, 32); SHA3-256 is (136, 0x06, 32).
    """
    padded = bytearray(data)
    padded.append(domain_byte)
    padded.extend(b"\x00" * (-len(padded) % rate_bytes))
    padded[-1] |= 0x80
    lanes = [0] * 25
    for start in range(0, len(padded), rate_bytes):
        block = padded[start : start + rate_bytes]
        for index in range(rate_bytes // 8):
            lanes[index] ^= int.from_bytes(block[8 * index : 8 * index + 8], "little")
        lanes = _permute(lanes)
    output = bytearray()
    while True:
        output.extend(b"".join(lane.to_bytes(8, "little") for lane in lanes[: rate_bytes // 8]))
        if len(output) >= output_bytes:
            return bytes(output[:output_bytes])
        lanes = _permute(lanes)


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 of ``data`` (32 bytes)."""
    return keccak_sponge(bytes(data), KECCAK256_RATE_BYTES, KECCAK_DOMAIN_BYTE, 32)
