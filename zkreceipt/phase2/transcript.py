"""What snarkjs hashes in a phase-2 ceremony: point encodings, transcripts, contribution hashes.

All hashes are blake2b-512 (``@noble/hashes`` ``blake2b.create({dkLen: 64})`` in snarkjs).

* Points are hashed in ffjavascript's ``toRprUncompressed`` form: affine, standard (not
  Montgomery) coordinates, each 32-byte big-endian; G1 x‖y (64 bytes); G2 x‖y with each
  Fq2 coordinate c1‖c0 (the 64 little-endian bytes c0‖c1 reversed), 128 bytes; the
  point at infinity is all zeros (wasmcurves ``LEMtoU``; no flag bit on output). That is
  exactly the EVM encoding, so :meth:`PointVector.to_evm_bytes` produces it.
* ``hashPubKey(c)`` = deltaAfter ‖ g1_s ‖ g1_sx (G1) ‖ g2_spx (G2) ‖ transcript (64 bytes);
  the contribution's type and parameters (name, beacon) are not hashed.
* A contribution's ``transcript`` = H(csHash ‖ hashPubKey(c₁) ‖ … ‖ hashPubKey(cₖ₋₁) ‖ g1_s ‖ g1_sx)
  over the earlier contributions (``zkey_contribute.js``, ``zkey_beacon.js``, checked by
  ``zkey_verify_frominit.js``); ``g2_sp = hash_to_g2(transcript)``.
* A contribution's *contribution hash* = H(hashPubKey(c)), printed by ``zkey contribute``,
  ``zkey beacon`` and ``zkey verify`` (``formatHash``: 4 lines of 4 big-endian words).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from ..curve import G1Points, G2Points
from ..errors import CurveError, FormatError
from ..formats.zkey_file import ZkeyContribution

#: blake2b-512 everywhere in the ceremony.
HASH_BYTES = 64
#: formatHash: 4 lines of 4 u32 words.
_FORMAT_LINES = 4
_FORMAT_WORDS_PER_LINE = 4


class Hasher(Protocol):
    """Anything with ``update(bytes)``, e.g. ``hashlib.blake2b(digest_size=64)``."""

    def update(self, data: bytes, /) -> None: ...


def _new_hasher() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=HASH_BYTES)


def g1_uncompressed(points: G1Points) -> bytes:
    """ffjavascript ``G1.toRprUncompressed`` of each point: n × 64 bytes (x‖y big-endian; infinity zeros)."""
    if not isinstance(points, G1Points):
        raise CurveError(f"g1_uncompressed: expected G1Points, got {type(points).__name__}")
    return points.to_evm_bytes()


def g2_uncompressed(points: G2Points) -> bytes:
    """ffjavascript ``G2.toRprUncompressed``: n × 128 bytes, x.c1‖x.c0‖y.c1‖y.c0 big-endian; infinity zeros."""
    if not isinstance(points, G2Points):
        raise CurveError(f"g2_uncompressed: expected G2Points, got {type(points).__name__}")
    return points.to_evm_bytes()


def _check_hash(what: str, digest: bytes) -> bytes:
    if not isinstance(digest, (bytes, bytearray, memoryview)) or len(digest) != HASH_BYTES:
        size = len(digest) if isinstance(digest, (bytes, bytearray, memoryview)) else type(digest).__name__
        raise FormatError(f"{what} must be {HASH_BYTES} bytes, got {size}")
    return bytes(digest)


def _check_single(what: str, points: G1Points | G2Points) -> None:
    if len(points) != 1:
        raise CurveError(f"{what} must be one point, got {len(points)}")


def hash_public_key(hasher: Hasher, contribution: ZkeyContribution) -> None:
    """``zkey_utils.hashPubKey``: feed deltaAfter, g1_s, g1_sx, g2_spx (uncompressed) and the transcript."""
    for name in ("delta_after", "g1_s", "g1_sx", "g2_spx"):
        _check_single(f"contribution {name}", getattr(contribution, name))
    hasher.update(g1_uncompressed(contribution.delta_after))
    hasher.update(g1_uncompressed(contribution.g1_s))
    hasher.update(g1_uncompressed(contribution.g1_sx))
    hasher.update(g2_uncompressed(contribution.g2_spx))
    hasher.update(_check_hash("contribution transcript", contribution.transcript))


def contribution_transcript(
    cs_hash: bytes, previous: Sequence[ZkeyContribution], g1_s: G1Points, g1_sx: G1Points
) -> bytes:
    """The 64-byte ``transcript`` of a new contribution after ``previous`` (see the module docstring).

    ``cs_hash``: the zkey's 64-byte circuit hash (section 10); ``g1_s``: the random G1 point S
    of the proof of knowledge; ``g1_sx``: x·S for the contributed factor x.
    """
    _check_single("g1_s", g1_s)
    _check_single("g1_sx", g1_sx)
    hasher = _new_hasher()
    hasher.update(_check_hash("csHash", cs_hash))
    for contribution in previous:
        hash_public_key(hasher, contribution)
    hasher.update(g1_uncompressed(g1_s))
    hasher.update(g1_uncompressed(g1_sx))
    return hasher.digest()


def contribution_hash(contribution: ZkeyContribution) -> bytes:
    """The 64-byte "Contribution Hash" snarkjs prints: blake2b-512(hashPubKey(contribution))."""
    hasher = _new_hasher()
    hash_public_key(hasher, contribution)
    return hasher.digest()


def format_hash(digest: bytes, title: str | None = None) -> str:
    """``misc.formatHash``: the title line (if any), then 4 tab-indented lines of 4 big-endian u32 words in hex."""
    digest = _check_hash("hash", digest)
    lines = []
    for line in range(_FORMAT_LINES):
        words = [
            digest[16 * line + 4 * j : 16 * line + 4 * j + 4].hex() for j in range(_FORMAT_WORDS_PER_LINE)
        ]
        lines.append("\t\t" + " ".join(words))
    text = "\n".join(lines)
    return f"{title}\n{text}" if title else text


__all__ = [
    "HASH_BYTES",
    "Hasher",
    "contribution_hash",
    "contribution_transcript",
    "format_hash",
    "g1_uncompressed",
    "g2_uncompressed",
    "hash_public_key",
]
