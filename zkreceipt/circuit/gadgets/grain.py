"""The Grain LFSR that generates Poseidon's constants.

This is the generator of the Poseidon reference script
(``generate_parameters_grain.sage`` of the Poseidon paper, which circomlib used):
an 80-bit LFSR with taps 62, 51, 38, 23, 13, 0, seeded with the parameter
fields, clocked 160 times, then filtered as a self-shrinking generator (read
bits in pairs (x, y), output y when x = 1).

The LFSR is advanced 18 bits per step (the largest block whose taps all lie in
the current 80-bit window) and the pair filter runs in NumPy, so a few hundred
thousand output bits cost a fraction of a second.
"""

from __future__ import annotations

import numpy as np

STATE_BITS = 80
WARM_UP_CLOCKS = 160
BLOCK_BITS = 18  # new bit k needs bit k + 62 of the window: k + 62 < 80
_BLOCK_MASK = (1 << BLOCK_BITS) - 1
_BLOCKS_PER_REFILL = 4096


def _seed_bits(
    field_kind: int, sbox: int, field_bits: int, width: int, full_rounds: int, partial_rounds: int
) -> list[int]:
    """The 80 seed bits, most significant first per field, as the reference script lays them out."""
    fields = [(field_kind, 2), (sbox, 4), (field_bits, 12), (width, 12), (full_rounds, 10), (partial_rounds, 10)]
    bits: list[int] = []
    for value, size in fields:
        bits.extend(int(b) for b in format(value, f"0{size}b"))
    return bits + [1] * 30


class GrainLFSR:
    """The self-shrinking Grain LFSR of the Poseidon reference script.

    ``field_kind`` is 1 for a prime field, ``sbox`` 0 for x^α with α > 0,
    ``field_bits`` the modulus bit length, ``width`` the state size t.
    """

    def __init__(
        self, field_kind: int, sbox: int, field_bits: int, width: int, full_rounds: int, partial_rounds: int
    ) -> None:
        seed = _seed_bits(field_kind, sbox, field_bits, width, full_rounds, partial_rounds)
        # bit i of the window is sequence element (offset + i): the oldest bit is bit 0.
        self._window = sum(bit << i for i, bit in enumerate(seed))
        self._pending = np.zeros(0, dtype=np.uint8)  # filtered output bits not yet handed out
        self._raw_carry = np.zeros(0, dtype=np.uint8)  # an unpaired raw bit left from the last refill
        full, rest = divmod(WARM_UP_CLOCKS, BLOCK_BITS)
        self._clock_blocks(full)
        self._raw_carry = self._clock_blocks(1)[rest:]

    def _clock_blocks(self, n_blocks: int) -> np.ndarray:
        """The next ``n_blocks · 18`` raw LFSR bits, in order, as a uint8 array."""
        window = self._window
        blocks = [0] * n_blocks
        for k in range(n_blocks):
            taps = (window >> 62) ^ (window >> 51) ^ (window >> 38) ^ (window >> 23) ^ (window >> 13) ^ window
            new = taps & _BLOCK_MASK
            blocks[k] = new
            window = (window >> BLOCK_BITS) | (new << (STATE_BITS - BLOCK_BITS))
        self._window = window
        words = np.array(blocks, dtype=np.uint32)
        return ((words[:, None] >> np.arange(BLOCK_BITS, dtype=np.uint32)) & 1).astype(np.uint8).reshape(-1)

    def _refill(self) -> None:
        raw = np.concatenate([self._raw_carry, self._clock_blocks(_BLOCKS_PER_REFILL)])
        usable = raw.size - raw.size % 2
        self._raw_carry = raw[usable:]
        pairs = raw[:usable].reshape(-1, 2)
        self._pending = np.concatenate([self._pending, pairs[pairs[:, 0] == 1, 1]])

    def random_bits(self, n_bits: int) -> int:
        """The next ``n_bits`` output bits read as a big-endian integer (as the reference script does)."""
        while self._pending.size < n_bits:
            self._refill()
        bits, self._pending = self._pending[:n_bits], self._pending[n_bits:]
        return int("".join("01"[b] for b in bits), 2) if n_bits else 0

    def random_field_element(self, modulus: int) -> int:
        """A value in [0, modulus): draws of bit_length(modulus) bits, rejecting those ≥ modulus."""
        bits = modulus.bit_length()
        while True:
            value = self.random_bits(bits)
            if value < modulus:
                return value
