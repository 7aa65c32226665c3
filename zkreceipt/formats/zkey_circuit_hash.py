"""The circuit hash (csHash) of a Groth16 zkey, as ``snarkjs zkey new`` computes it.

csHash = blake2b-512 over, in this order (``zkey_new.js``): the six header points α₁,
β₁, β₂, γ₂, δ₁, δ₂ of the fresh key (γ = δ = 1), then for each of IC, H, C, A, B1, B2
a big-endian u32 count followed by the points. Points are hashed uncompressed
(ffjavascript ``toRprUncompressed``: affine, standard-form big-endian coordinates, G2
coordinates c1‖c0, infinity all zeros — the EVM encoding, ``to_evm_bytes``).

The H part is not the key's H section: snarkjs hashes (τ^(i+n) − τⁱ)·G1 = τⁱ·Z(τ)·G1
from the ptau's power-basis tauG1 section, and announces n − 1 points. Its chunked
loop (16384 points per chunk, the chunk length never shortened) hashes n − 1 points
when n − 1 ≤ 16384 and n points otherwise; :func:`snarkjs_h_hash_count` gives that count.

csHash stays fixed through contributions: each transcript starts from it, so it binds
the ceremony to one circuit and one powers-of-tau file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..curve import G1Points, G2Points
from .zkey_file import CS_HASH_BYTES, ZkeyHeader

#: zkey_new.js hashes the H points in chunks of this many.
H_HASH_CHUNK = 1 << 14


def snarkjs_h_hash_count(domain_size: int) -> int:
    """How many τⁱ·Z(τ) points ``zkey_new.js`` hashes for a domain of size n (see the module doc)."""
    declared = domain_size - 1
    chunk = min(declared, H_HASH_CHUNK)
    return len(range(0, declared, H_HASH_CHUNK)) * chunk


@dataclass(frozen=True, eq=False)
class CircuitHashInputs:
    """What csHash covers. ``header``: the key's section 2 as first written; ``ic``,
    ``c_query``, ``a_query``, ``b1_query``, ``b2_query``: its point sections; ``h_points``:
    the points hashed for H (τⁱ·Z(τ)·G1 for a ptau setup) and ``h_declared`` the count
    announced before them (n − 1 in snarkjs)."""

    header: ZkeyHeader
    ic: G1Points
    h_points: G1Points
    h_declared: int
    c_query: G1Points
    a_query: G1Points
    b1_query: G1Points
    b2_query: G2Points


def circuit_hash(inputs: CircuitHashInputs) -> bytes:
    """The 64-byte csHash of ``inputs`` (blake2b-512, snarkjs's order)."""
    hasher = hashlib.blake2b(digest_size=CS_HASH_BYTES)
    h = inputs.header
    for point in (h.alpha1, h.beta1, h.beta2, h.gamma2, h.delta1, h.delta2):
        hasher.update(point.to_evm_bytes())

    def section(count: int, points: G1Points | G2Points) -> None:
        hasher.update(count.to_bytes(4, "big"))
        hasher.update(points.to_evm_bytes())

    section(len(inputs.ic), inputs.ic)
    section(inputs.h_declared, inputs.h_points)
    for points in (inputs.c_query, inputs.a_query, inputs.b1_query, inputs.b2_query):
        section(len(points), points)
    return hasher.digest()
