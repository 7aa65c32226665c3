"""BN254 curve constants (Python ints) and the limb conversions the point classes use.

G1: y² = x³ + 3 over Fq. G2: y² = x³ + 3/ξ over Fq2 = Fq[u]/(u² + 1), ξ = 9 + u
(the D-type twist Ethereum, snarkjs and py_ecc use). Both groups have prime
order r; G1 is the whole curve, G2 has cofactor 2q − r in the twist.
"""

from __future__ import annotations

import numpy as np

from ..field import Fq
from ..field import _montgomery as mont
from ..field.bn254 import Q_MODULUS as Q
from ..field.bn254 import R_MODULUS as R

#: BN254's seed x₀ (q and r are polynomials in it); 6x₀ + 2 is the ate loop count.
SEED = 4965661367192848881

G1_B = 3
#: 3/ξ = (27 − 3u)/82.
G2_B = (27 * pow(82, -1, Q) % Q, -3 * pow(82, -1, Q) % Q)

G1_GENERATOR = (1, 2)
G2_GENERATOR = (
    (
        10857046999023057135944570762232829481370756359578518086990519993285655852781,
        11559732032986387107991004021392285783925812861821192530917403151452391805634,
    ),
    (
        8495653923123431417604973247489272438418190587263600148770280649306958101930,
        4082367875863433681332203403145435568316851327593401208105741076214120093531,
    ),
)


def _fq2_pow(a: tuple[int, int], e: int) -> tuple[int, int]:
    result, base = (1, 0), a
    while e:
        if e & 1:
            result = ((result[0] * base[0] - result[1] * base[1]) % Q, (result[0] * base[1] + result[1] * base[0]) % Q)
        base = ((base[0] * base[0] - base[1] * base[1]) % Q, 2 * base[0] * base[1] % Q)
        e >>= 1
    return result


#: ψ(x, y) = (conj(x)·PSI_X, conj(y)·PSI_Y): the untwist-Frobenius-twist endomorphism of G2,
#: which acts on G2 as multiplication by q mod r.
PSI_X = _fq2_pow((9, 1), (Q - 1) // 3)
PSI_Y = _fq2_pow((9, 1), (Q - 1) // 2)

_R_MONT = 1 << 256


def mont_words(values: list[int]) -> np.ndarray:
    """Python ints in [0, q) as an (n, 4) uint64 array in Montgomery form (pure Python)."""
    raw = b"".join((v * _R_MONT % Q).to_bytes(32, "little") for v in values)
    return np.frombuffer(raw, dtype="<u8").reshape(len(values), 4).astype(np.uint64)


def standard_to_mont(words: np.ndarray) -> np.ndarray:
    """(m, 4) uint64 standard-form values (< q) into Montgomery form."""
    words = np.ascontiguousarray(words, dtype=np.uint64)
    out = np.empty_like(words)
    mont.vec_mul(words, np.broadcast_to(Fq.r2_words, words.shape), out, Fq.modulus_words, Fq.ninv)
    return out


def mont_to_standard(words: np.ndarray) -> np.ndarray:
    """(m, 4) uint64 Montgomery-form values into standard form."""
    words = np.ascontiguousarray(words, dtype=np.uint64)
    out = np.empty_like(words)
    one = np.zeros((1, 4), dtype=np.uint64)
    one[0, 0] = 1
    mont.vec_mul(words, np.broadcast_to(one, words.shape), out, Fq.modulus_words, Fq.ninv)
    return out


def below_q(words: np.ndarray) -> np.ndarray:
    """Bool (m,): each (m, 4) row, read as a plain integer, is < q."""
    return mont.vec_less_than_modulus(np.ascontiguousarray(words, dtype=np.uint64), Fq.modulus_words)


def words_to_ints(words: np.ndarray) -> list[int]:
    raw = np.ascontiguousarray(words, dtype="<u8").tobytes()
    return [int.from_bytes(raw[32 * i : 32 * i + 32], "little") for i in range(len(raw) // 32)]


def ints_to_words(values: list[int]) -> np.ndarray:
    """Non-negative ints < 2^256 as (n, 4) uint64 little-endian words."""
    raw = b"".join(v.to_bytes(32, "little") for v in values)
    return np.frombuffer(raw, dtype="<u8").reshape(len(values), 4).astype(np.uint64)


__all__ = [
    "G1_B",
    "G1_GENERATOR",
    "G2_B",
    "G2_GENERATOR",
    "PSI_X",
    "PSI_Y",
    "SEED",
    "Q",
    "R",
    "below_q",
    "ints_to_words",
    "mont_to_standard",
    "mont_words",
    "standard_to_mont",
    "words_to_ints",
]
