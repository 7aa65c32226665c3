"""snarkjs's Groth16 phase-2 ceremony (``zkey new / contribute / beacon / verify``), interoperable on the same files.

Modules:

* :mod:`.rng` — ffjavascript's ChaCha20 stream generator and the seeds snarkjs derives
  (fresh entropy, or a beacon hashed 2^n times);
* :mod:`.sampling` — Fr elements and G1/G2 points drawn from that stream, and
  ``hash_to_g2``, bit for bit as snarkjs's WASM curve draws them;
* :mod:`.transcript` — the uncompressed point encoding snarkjs hashes, the per-contribution
  transcript, ``hashPubKey`` and the printed contribution hash;
* ``setup`` / ``contribute`` — the initial zkey from a .ptau and new contributions
  (normal and beacon);
* ``verify`` — checking a contributed zkey against the circuit and the ceremony.

Only the primitive modules are re-exported here.
"""

from __future__ import annotations

from .rng import ChaChaRng, rng_from_beacon, rng_from_entropy
from .sampling import G2_COFACTOR, fr_from_rng, g1_from_rng, g2_from_rng, hash_to_g2
from .transcript import (
    contribution_hash,
    contribution_transcript,
    format_hash,
    g1_uncompressed,
    g2_uncompressed,
    hash_public_key,
)

__all__ = [
    "G2_COFACTOR",
    "ChaChaRng",
    "contribution_hash",
    "contribution_transcript",
    "format_hash",
    "fr_from_rng",
    "g1_from_rng",
    "g1_uncompressed",
    "g2_from_rng",
    "g2_uncompressed",
    "hash_public_key",
    "hash_to_g2",
    "rng_from_beacon",
    "rng_from_entropy",
]
