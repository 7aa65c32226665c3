"""Field elements and curve points drawn from a :class:`ChaChaRng`, exactly as snarkjs draws them.

snarkjs uses ffjavascript's WASM curve (``wasm_field1.js``, ``wasm_field2.js``,
``wasm_curve.js`` over wasmcurves' ``build_f1m.js`` / ``build_f2m.js``); each rule below
is what that code does, so the same seed gives the same secrets and points:

* **Field element** (``F.fromRng``): v = Σᵢ nextU64()·2^(64i) for i = 0..3 (first draw least
  significant), masked to the modulus's 254 bits, redrawn while v ≥ p; v is then used
  *as the Montgomery representation*, so the element is v·2^(−256) mod p. Fq2 draws c0
  then c1.
* **Sign** (``isNegative``): an Fq element is negative when its standard value exceeds
  (q − 1)/2; an Fq2 element c0 + c1·u takes the sign of c1, or of c0 when c1 = 0.
* **Point** (``G.fromRng``): draw x, then one bit ``greatest``; repeat while x³ + b is not a
  square. y is a square root whose sign equals ``greatest`` (``sqrt`` returns some root s,
  and y = −s when ``greatest`` ≠ sign(s)). G1 has cofactor 1; a G2 point is then
  multiplied by the twist cofactor 2q − r (``bn128.js`` ``cofactorG2``) to land in G2.

Everything here is plain Python ints: a contribution draws a handful of values.
"""

from __future__ import annotations

from ..curve import G1Points, G2Points, plain
from ..curve._params import G1_B, G2_B, Q, R
from .rng import ChaChaRng

Fq2 = tuple[int, int]

#: Montgomery radix of both fields in ffjavascript (4 × 64-bit limbs).
MONTGOMERY_R = 1 << 256
#: Both moduli have 254 bits; draws are masked to them before the rejection test.
DRAW_MASK = (1 << 254) - 1
#: The twist E'(Fq2) has order r·(2q − r); ffjavascript's ``cofactorG2``.
G2_COFACTOR = 2 * Q - R

_HALF_Q = (Q - 1) // 2
_SQRT_EXP_FQ = (Q + 1) // 4  # q ≡ 3 (mod 4)
_SQRT_EXP_34 = (Q - 3) // 4
_MINUS_ONE_FQ2: Fq2 = (Q - 1, 0)


def _draw_below(rng: ChaChaRng, modulus: int) -> int:
    """The raw draw v < modulus of ffjavascript's ``F.fromRng`` (before reading it as Montgomery)."""
    while True:
        v = 0
        for i in range(4):
            v |= rng.next_u64() << (64 * i)
        v &= DRAW_MASK
        if v < modulus:
            return v


def fr_from_rng(rng: ChaChaRng) -> int:
    """``curve.Fr.fromRng``: an Fr element in [0, r) (the value ``timesFr`` multiplies by)."""
    return _draw_below(rng, R) * pow(MONTGOMERY_R, -1, R) % R


def fq_from_rng(rng: ChaChaRng) -> int:
    """``curve.F1.fromRng``: an Fq element in [0, q)."""
    return _draw_below(rng, Q) * pow(MONTGOMERY_R, -1, Q) % Q


def fq2_from_rng(rng: ChaChaRng) -> Fq2:
    """``curve.F2.fromRng``: (c0, c1), c0 drawn first."""
    c0 = fq_from_rng(rng)
    return (c0, fq_from_rng(rng))


# --- signs and square roots (wasmcurves build_f1m.js / build_f2m.js) ----------------------


def fq_is_negative(a: int) -> bool:
    """``f1m_isNegative``: the standard value is above (q − 1)/2."""
    return a % Q > _HALF_Q


def fq2_is_negative(a: Fq2) -> bool:
    """``f2m_isNegative``: the sign of c1, or of c0 when c1 = 0."""
    return fq_is_negative(a[1]) if a[1] % Q else fq_is_negative(a[0])


def _fq2_neg(a: Fq2) -> Fq2:
    return (-a[0] % Q, -a[1] % Q)


def _fq2_pow(a: Fq2, e: int) -> Fq2:
    result, base = plain.G2.one, a
    while e:
        if e & 1:
            result = plain.G2.mul(result, base)
        base = plain.G2.mul(base, base)
        e >>= 1
    return result


def fq_is_square(a: int) -> bool:
    """``f1m_isSquare``: Euler's criterion (0 counts as a square)."""
    return a % Q == 0 or pow(a, _HALF_Q, Q) == 1


def fq_sqrt(a: int) -> int:
    """``f1m_sqrt`` of a square: a^((q+1)/4), then the non-negative one of ±root."""
    root = pow(a, _SQRT_EXP_FQ, Q)
    return -root % Q if fq_is_negative(root) else root


def _fq2_alpha(a: Fq2) -> tuple[Fq2, Fq2]:
    """(a^((q−3)/4), α = a^((q−1)/2)): the shared start of f2m_isSquare and f2m_sqrt."""
    a1 = _fq2_pow(a, _SQRT_EXP_34)
    return a1, plain.G2.mul(plain.G2.mul(a1, a1), a)


def fq2_is_square(a: Fq2) -> bool:
    """``f2m_isSquare``: not a square iff conj(α)·α = a^((q²−1)/2) is −1."""
    _, alpha = _fq2_alpha(a)
    return plain.G2.mul((alpha[0], -alpha[1] % Q), alpha) != _MINUS_ONE_FQ2


def fq2_sqrt(a: Fq2) -> Fq2:
    """``f2m_sqrt`` of a square (eprint 2012/685, Algorithm 9, as wasmcurves runs it; no sign fix-up)."""
    a1, alpha = _fq2_alpha(a)
    x0 = plain.G2.mul(a1, a)
    if alpha == _MINUS_ONE_FQ2:
        return plain.G2.mul((0, 1), x0)
    b = _fq2_pow(plain.G2.add(plain.G2.one, alpha), _HALF_Q)
    return plain.G2.mul(b, x0)


# --- points ---------------------------------------------------------------------------------


def g1_affine_from_rng(rng: ChaChaRng) -> tuple[int, int]:
    """The plain affine point of ``curve.G1.fromRng`` (see the module docstring)."""
    while True:
        x = fq_from_rng(rng)
        greatest = rng.next_bool()
        rhs = (x * x * x + G1_B) % Q
        if fq_is_square(rhs):
            break
    y = fq_sqrt(rhs)
    if greatest != fq_is_negative(y):
        y = -y % Q
    return (x, y)


def g2_twist_point_from_rng(rng: ChaChaRng) -> tuple[Fq2, Fq2]:
    """The point of E'(Fq2) ``curve.G2.fromRng`` finds *before* the cofactor multiplication."""
    while True:
        x = fq2_from_rng(rng)
        greatest = rng.next_bool()
        rhs = plain.G2.add(plain.G2.mul(plain.G2.mul(x, x), x), G2_B)
        if fq2_is_square(rhs):
            break
    y = fq2_sqrt(rhs)
    if greatest != fq2_is_negative(y):
        y = _fq2_neg(y)
    return (x, y)


def g1_from_rng(rng: ChaChaRng) -> G1Points:
    """``curve.G1.fromRng``: one affine G1 point (G1 is the whole curve: no cofactor step)."""
    return G1Points.from_ints([g1_affine_from_rng(rng)])


def g2_from_rng(rng: ChaChaRng) -> G2Points:
    """``curve.G2.fromRng``: a twist point times the cofactor 2q − r, one G2 point (validated)."""
    twist_point = g2_twist_point_from_rng(rng)
    return G2Points.from_ints([plain.multiply(plain.G2, twist_point, G2_COFACTOR)])


def hash_to_g2(digest: bytes) -> G2Points:
    """``keypair.hashToG2``: G2.fromRng on ChaCha seeded with the first 8 big-endian u32 words of ``digest``.

    snarkjs passes a 64-byte blake2b transcript; only its first 32 bytes matter.
    """
    return g2_from_rng(ChaChaRng.from_hash(digest))


__all__ = [
    "G2_COFACTOR",
    "fq2_from_rng",
    "fq2_is_negative",
    "fq2_is_square",
    "fq2_sqrt",
    "fq_from_rng",
    "fq_is_negative",
    "fq_is_square",
    "fq_sqrt",
    "fr_from_rng",
    "g1_affine_from_rng",
    "g1_from_rng",
    "g2_from_rng",
    "g2_twist_point_from_rng",
    "hash_to_g2",
]
