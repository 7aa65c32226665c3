"""The random streams of snarkjs's phase-2 ceremony, bit for bit.

snarkjs draws every contribution's secrets from ffjavascript's ``ChaCha`` (0.3.1,
``src/chacha.js``): the ChaCha20 block function (Bernstein; 10 double rounds, the
"expand 32-byte k" constants) keyed by eight 32-bit words, with a zero nonce and a
128-bit block counter in state words 12..15. It is a seeded stream generator, not the
RFC 8439 cipher: words come out of each 16-word block in order, and one block is
computed per 16 words.

Seeds, as snarkjs derives them (``misc.js``), all read a hash as big-endian u32 words:

* :func:`rng_from_entropy` (``getRandomRng``): seed = first 32 bytes of
  blake2b-512(64 fresh random bytes ‖ UTF-8 entropy) — a normal contribution;
* :func:`rng_from_beacon` (``rngFromBeaconParams``): seed = SHA-256 iterated 2^n times
  on the beacon hash — a public, reproducible beacon contribution;
* ``sampling.hash_to_g2`` (``keypair.hashToG2``): seed = first 32 bytes of a transcript hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from ..errors import FormatError

#: "expand 32-byte k" as four little-endian words (ChaCha's constant row).
SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)
#: Words in a ChaCha key (the seed) and in one output block.
SEED_WORDS = 8
BLOCK_WORDS = 16
#: ChaCha20: 20 rounds = 10 double rounds.
DOUBLE_ROUNDS = 10
#: snarkjs ``zkey beacon`` accepts 2^10 .. 2^63 iterated hashes.
MIN_BEACON_EXP = 10
MAX_BEACON_EXP = 63
#: The beacon hash is stored with a one-byte length (``zkey_beacon.js``: 1..255 bytes).
MAX_BEACON_HASH_BYTES = 255
#: Fresh OS randomness mixed into every non-beacon contribution (as ``getRandomRng``).
ENTROPY_RANDOM_BYTES = 64

_MASK32 = 0xFFFFFFFF


def _rotl32(v: int, c: int) -> int:
    return ((v << c) & _MASK32) | (v >> (32 - c))


def _quarter_round(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & _MASK32
    s[d] = _rotl32(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & _MASK32
    s[b] = _rotl32(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & _MASK32
    s[d] = _rotl32(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & _MASK32
    s[b] = _rotl32(s[b] ^ s[c], 7)


def chacha20_block(state: Sequence[int]) -> list[int]:
    """The ChaCha20 block function: 16 u32 words in, 16 u32 words out (rounds + feed-forward)."""
    work = list(state)
    for _ in range(DOUBLE_ROUNDS):
        # Column round, then diagonal round.
        _quarter_round(work, 0, 4, 8, 12)
        _quarter_round(work, 1, 5, 9, 13)
        _quarter_round(work, 2, 6, 10, 14)
        _quarter_round(work, 3, 7, 11, 15)
        _quarter_round(work, 0, 5, 10, 15)
        _quarter_round(work, 1, 6, 11, 12)
        _quarter_round(work, 2, 7, 8, 13)
        _quarter_round(work, 3, 4, 9, 14)
    return [(w + s) & _MASK32 for w, s in zip(work, state, strict=True)]


class ChaChaRng:
    """ffjavascript's ``ChaCha`` stream generator (same outputs for the same seed).

    ``seed``: 8 u32 words (``None`` = all zeros, as ``new ChaCha()``). The state is
    constants ‖ seed ‖ a 128-bit little-endian block counter starting at 0 (words 12..15).
    """

    __slots__ = ("_state", "_block", "_index")

    def __init__(self, seed: Sequence[int] | None = None) -> None:
        words = [0] * SEED_WORDS if seed is None else list(seed)
        if len(words) != SEED_WORDS:
            raise FormatError(f"ChaCha seed must be {SEED_WORDS} u32 words, got {len(words)}")
        for i, w in enumerate(words):
            if isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= _MASK32:
                raise FormatError(f"ChaCha seed word {i} must be an int in [0, 2^32), got {w!r}")
        self._state = [*SIGMA, *words, 0, 0, 0, 0]
        self._block: list[int] = []
        self._index = BLOCK_WORDS

    @classmethod
    def from_hash(cls, digest: bytes) -> ChaChaRng:
        """Seeded with the first 32 bytes of ``digest`` read as 8 big-endian u32 words (snarkjs's rule)."""
        if not isinstance(digest, (bytes, bytearray, memoryview)):
            raise FormatError(f"a ChaCha seed hash must be bytes, got {type(digest).__name__}")
        digest = bytes(digest)
        if len(digest) < 4 * SEED_WORDS:
            raise FormatError(f"a ChaCha seed needs a hash of at least {4 * SEED_WORDS} bytes, got {len(digest)}")
        return cls([int.from_bytes(digest[4 * i : 4 * i + 4], "big") for i in range(SEED_WORDS)])

    def _refill(self) -> None:
        self._block = chacha20_block(self._state)
        self._index = 0
        # 128-bit counter over words 12..15, least significant word first.
        for i in range(12, 16):
            self._state[i] = (self._state[i] + 1) & _MASK32
            if self._state[i]:
                break

    def next_u32(self) -> int:
        if self._index == BLOCK_WORDS:
            self._refill()
        word = self._block[self._index]
        self._index += 1
        return word

    def next_u64(self) -> int:
        """Two words, the first one high: ``nextU32()·2^32 + nextU32()``."""
        high = self.next_u32()
        return (high << 32) | self.next_u32()

    def next_bool(self) -> bool:
        """The low bit of the next word."""
        return bool(self.next_u32() & 1)


def rng_from_beacon(beacon_hash: bytes, num_iterations_exp: int) -> ChaChaRng:
    """``misc.rngFromBeaconParams``: ChaCha seeded with SHA-256 applied 2^n times to ``beacon_hash``.

    ``n = num_iterations_exp`` must be in [10, 63] and the beacon hash 1..255 bytes, the
    limits ``snarkjs zkey beacon`` enforces (the contribution stores both with one-byte
    fields). The cost is 2^n hashes: n = 20 takes about a second, each step up doubles it.
    """
    if isinstance(num_iterations_exp, bool) or not isinstance(num_iterations_exp, int):
        raise FormatError(f"beacon: numIterationsExp must be an int, got {type(num_iterations_exp).__name__}")
    if not MIN_BEACON_EXP <= num_iterations_exp <= MAX_BEACON_EXP:
        raise FormatError(
            f"beacon: numIterationsExp must be between {MIN_BEACON_EXP} and {MAX_BEACON_EXP}, got {num_iterations_exp}"
        )
    if not isinstance(beacon_hash, (bytes, bytearray, memoryview)):
        raise FormatError(f"beacon: the beacon hash must be bytes, got {type(beacon_hash).__name__}")
    digest = bytes(beacon_hash)
    if not 1 <= len(digest) <= MAX_BEACON_HASH_BYTES:
        raise FormatError(f"beacon: the beacon hash must be 1..{MAX_BEACON_HASH_BYTES} bytes, got {len(digest)}")
    sha256 = hashlib.sha256
    for _ in range(1 << num_iterations_exp):
        digest = sha256(digest).digest()
    return ChaChaRng.from_hash(digest)


def rng_from_entropy(entropy: bytes | str) -> ChaChaRng:
    """``misc.getRandomRng``: ChaCha seeded from blake2b-512(64 bytes from ``secrets`` ‖ entropy).

    ``entropy`` is the user's text (UTF-8 encoded, as snarkjs's TextEncoder) or raw bytes.
    The OS randomness alone makes the stream unpredictable; the entropy guards against a
    weak OS source. snarkjs prompts until the entropy is non-empty — that is the CLI's job;
    here an empty entropy is accepted.
    """
    if isinstance(entropy, str):
        data = entropy.encode("utf-8")
    elif isinstance(entropy, (bytes, bytearray, memoryview)):
        data = bytes(entropy)
    else:
        raise FormatError(f"entropy must be str or bytes, got {type(entropy).__name__}")
    hasher = hashlib.blake2b(digest_size=64)
    hasher.update(secrets.token_bytes(ENTROPY_RANDOM_BYTES))
    hasher.update(data)
    return ChaChaRng.from_hash(hasher.digest())


__all__ = [
    "ChaChaRng",
    "MAX_BEACON_EXP",
    "MIN_BEACON_EXP",
    "chacha20_block",
    "rng_from_beacon",
    "rng_from_entropy",
]
