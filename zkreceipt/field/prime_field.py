"""Prime fields and vectors of their elements.

A :class:`PrimeField` is its constants (modulus, Montgomery R and R², −p⁻¹ mod
2^64); a :class:`FieldVector` is an ``(n, 4) uint64`` array of elements in
Montgomery form (little-endian 64-bit words of a·2^256 mod p) tagged with its
field. Arithmetic runs in compiled kernels (``_montgomery``); the portable twin
is ``zkreceipt.field.plain``. Conversion to and from Python ints happens only
here, at the edges.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Union

import numpy as np

from ..errors import FieldError, FieldMismatchError, FieldZeroDivisionError
from . import _montgomery as mont

LIMBS = 4
WORD_MASK = (1 << 64) - 1
R_BITS = 64 * LIMBS

Operand = Union["FieldVector", int]
ByteOrder = Literal["little", "big"]


def int_to_words(value: int, count: int = LIMBS) -> np.ndarray:
    """A non-negative int < 2^(64·count) as ``(count,) uint64`` little-endian words."""
    return np.frombuffer(value.to_bytes(8 * count, "little"), dtype="<u8").astype(np.uint64)


def words_to_int(words: np.ndarray) -> int:
    """Inverse of :func:`int_to_words` for one row of words."""
    return int.from_bytes(np.ascontiguousarray(words, dtype="<u8").tobytes(), "little")


@dataclass(frozen=True, eq=False)
class PrimeField:
    """An odd prime field F_p, p < 2^256, with its Montgomery constants.

    ``modulus_words``: p as (4,) uint64; ``ninv``: −p⁻¹ mod 2^64;
    ``r2_words``: R² mod p (R = 2^256) as (4,) uint64, multiplying by it enters
    Montgomery form; ``one_words``: R mod p, the element 1 in Montgomery form.
    """

    modulus: int
    name: str
    two_adicity: int = field(init=False)
    modulus_words: np.ndarray = field(init=False, repr=False)
    ninv: np.uint64 = field(init=False, repr=False)
    r2_words: np.ndarray = field(init=False, repr=False)
    one_words: np.ndarray = field(init=False, repr=False)
    p_minus_2_words: np.ndarray = field(init=False, repr=False)
    byte_length: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        p = self.modulus
        if p < 3 or p % 2 == 0 or p >= 1 << R_BITS:
            raise FieldError(f"{self.name}: modulus must be an odd prime below 2^256, got {p}")
        set_ = object.__setattr__
        set_(self, "modulus_words", int_to_words(p))
        set_(self, "ninv", np.uint64((-pow(p, -1, 1 << 64)) % (1 << 64)))
        set_(self, "r2_words", int_to_words(pow(2, 2 * R_BITS, p)))
        set_(self, "one_words", int_to_words(pow(2, R_BITS, p)))
        set_(self, "p_minus_2_words", int_to_words(p - 2))
        set_(self, "byte_length", (p.bit_length() + 7) // 8)
        s = 0
        while (p - 1) >> s & 1 == 0:
            s += 1
        set_(self, "two_adicity", s)

    def __repr__(self) -> str:
        return f"PrimeField({self.name}, p={self.modulus})"

    # --- constructors ---------------------------------------------------------------

    def from_ints(self, values: Iterable[int]) -> FieldVector:
        """Elements from Python ints in [0, p); anything else raises :class:`FieldError`."""
        values = list(values)
        p = self.modulus
        for index, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise FieldError(f"{self.name}: element {index} is {type(value).__name__}, not an int")
            if not 0 <= value < p:
                raise FieldError(f"{self.name}: element {index} = {value} is outside [0, p)")
        raw = b"".join(int(v).to_bytes(32, "little") for v in values)
        return self._from_standard_words(np.frombuffer(raw, dtype="<u8").reshape(len(values), LIMBS))

    def from_int(self, value: int) -> FieldVector:
        """A vector of length 1."""
        return self.from_ints([value])

    def from_decimal_strings(self, values: Iterable[str]) -> FieldVector:
        """Elements from decimal strings (snarkjs JSON); non-digits or values ≥ p raise."""
        ints = []
        for index, text in enumerate(values):
            if not isinstance(text, str) or not text.isascii() or not text.isdigit():
                raise FieldError(f"{self.name}: element {index} = {text!r} is not a decimal string")
            ints.append(int(text))
        return self.from_ints(ints)

    def from_bytes(self, data: bytes, byteorder: ByteOrder = "little", width: int = 32) -> FieldVector:
        """Elements from concatenated fixed-width integers (standard form, not Montgomery)."""
        if width < 1 or width > 32:
            raise FieldError(f"{self.name}: element width must be 1..32 bytes, got {width}")
        if len(data) % width:
            raise FieldError(
                f"{self.name}: {len(data)} bytes is not a whole number of {width}-byte elements"
            )
        n = len(data) // width
        raw = np.frombuffer(data, dtype=np.uint8).reshape(n, width)
        if byteorder == "big":
            raw = raw[:, ::-1]
        elif byteorder != "little":
            raise FieldError(f"byteorder must be 'little' or 'big', got {byteorder!r}")
        padded = np.zeros((n, 32), dtype=np.uint8)
        padded[:, :width] = raw
        return self._from_standard_words(padded.view("<u8").reshape(n, LIMBS))

    def from_montgomery_bytes(self, data: bytes) -> FieldVector:
        """Elements whose 32-byte little-endian encoding is already Montgomery form (snarkjs "LEM")."""
        if len(data) % 32:
            raise FieldError(f"{self.name}: {len(data)} bytes is not a whole number of 32-byte elements")
        words = np.frombuffer(data, dtype="<u8").reshape(-1, LIMBS).astype(np.uint64)
        self._check_below_modulus(words)
        return FieldVector(self, words)

    def zeros(self, n: int) -> FieldVector:
        return FieldVector(self, np.zeros((n, LIMBS), dtype=np.uint64))

    def ones(self, n: int) -> FieldVector:
        return self.full(n, 1)

    def full(self, n: int, value: int) -> FieldVector:
        one = self.from_int(value)
        return FieldVector(self, np.repeat(one.limbs, n, axis=0))

    def random(self, n: int) -> FieldVector:
        """n uniform elements from ``secrets`` (rejection sampling, no modular bias)."""
        bits = self.modulus.bit_length()
        word_masks = np.array(
            [((1 << max(0, min(64, bits - 64 * w))) - 1) for w in range(LIMBS)], dtype=np.uint64
        )
        chunks: list[np.ndarray] = [np.zeros((0, LIMBS), dtype=np.uint64)]
        have = 0
        while have < n:
            want = max(16, (n - have) * 3 // 2)
            words = np.frombuffer(secrets.token_bytes(32 * want), dtype="<u8").reshape(want, LIMBS)
            words = words & word_masks  # at most bit_length(p) bits, so each draw is < p with probability > 1/2
            keep = words[mont.vec_less_than_modulus(words, self.modulus_words)]
            chunks.append(keep)
            have += keep.shape[0]
        # Uniform values are uniform in Montgomery form too (x ↦ xR is a bijection).
        return FieldVector(self, np.concatenate(chunks)[:n])

    def concatenate(self, vectors: Sequence[FieldVector]) -> FieldVector:
        for v in vectors:
            self._check_same(v)
        if not vectors:
            return self.zeros(0)
        return FieldVector(self, np.concatenate([v.limbs for v in vectors]))

    # --- internals ---------------------------------------------------------------------

    def _check_same(self, v: FieldVector) -> None:
        if v.field is not self:
            raise FieldMismatchError(f"operand is in {v.field.name}, expected {self.name}")

    def _check_below_modulus(self, words: np.ndarray) -> None:
        ok = mont.vec_less_than_modulus(words, self.modulus_words)
        if not ok.all():
            index = int(np.argmin(ok))
            raise FieldError(f"{self.name}: element {index} = {words_to_int(words[index])} is ≥ p")

    def _from_standard_words(self, words: np.ndarray) -> FieldVector:
        words = np.ascontiguousarray(words, dtype=np.uint64)
        self._check_below_modulus(words)
        out = np.empty_like(words)
        r2 = np.broadcast_to(self.r2_words, words.shape)
        mont.vec_mul(words, r2, out, self.modulus_words, self.ninv)
        return FieldVector(self, out)


class FieldVector:
    """A vector of elements of one prime field.

    ``limbs``: (n, 4) uint64, Montgomery form (a·2^256 mod p), fully reduced.
    ``+ - *`` and unary ``-`` work element-wise between vectors of one field and
    with a Python int (broadcast); a length-1 vector also broadcasts.
    ``==`` is element-wise and returns a bool array, as in NumPy.
    """

    __slots__ = ("field", "limbs")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, field: PrimeField, limbs: np.ndarray) -> None:
        if limbs.ndim != 2 or limbs.shape[1] != LIMBS or limbs.dtype != np.uint64:
            raise FieldError(f"limbs must be an (n, 4) uint64 array, got {limbs.dtype} {limbs.shape}")
        self.field = field
        self.limbs = limbs

    # --- conversions ----------------------------------------------------------------

    def to_ints(self) -> list[int]:
        """Values as Python ints in [0, p) (standard form)."""
        std = self.to_standard_words()
        raw = std.astype("<u8").tobytes()
        return [int.from_bytes(raw[32 * i : 32 * i + 32], "little") for i in range(std.shape[0])]

    def to_standard_words(self) -> np.ndarray:
        """(n, 4) uint64, standard (non-Montgomery) form."""
        out = np.empty_like(self.limbs)
        one = np.zeros((1, LIMBS), dtype=np.uint64)
        one[0, 0] = 1
        mont.vec_mul(self.limbs, np.broadcast_to(one, self.limbs.shape), out, *self._mod())
        return out

    def to_bytes(self, byteorder: ByteOrder = "little", width: int = 32) -> bytes:
        """Concatenated fixed-width encodings of the standard-form values."""
        if byteorder not in ("little", "big"):
            raise FieldError(f"byteorder must be 'little' or 'big', got {byteorder!r}")
        raw = self.to_standard_words().astype("<u8").view(np.uint8).reshape(-1, 32)
        if width < 32:
            if raw[:, width:].any():
                raise FieldError(f"{self.field.name}: a value does not fit in {width} bytes")
            raw = raw[:, :width]
        elif width > 32:
            raise FieldError(f"width must be at most 32 bytes, got {width}")
        if byteorder == "big":
            raw = raw[:, ::-1]
        return np.ascontiguousarray(raw).tobytes()

    def to_montgomery_bytes(self) -> bytes:
        """Concatenated 32-byte little-endian Montgomery encodings (snarkjs "LEM")."""
        return self.limbs.astype("<u8").tobytes()

    def to_decimal_strings(self) -> list[str]:
        return [str(v) for v in self.to_ints()]

    # --- container protocol -------------------------------------------------------------

    def __len__(self) -> int:
        return self.limbs.shape[0]

    def __getitem__(self, index: int | slice | np.ndarray) -> FieldVector:
        """A sub-vector (an int index gives a vector of length 1)."""
        if isinstance(index, (int, np.integer)):
            position = int(index) + len(self) if index < 0 else int(index)
            if not 0 <= position < len(self):
                raise IndexError(f"index {index} out of range for a vector of length {len(self)}")
            index = slice(position, position + 1)
        return FieldVector(self.field, self.limbs[index])

    def __setitem__(self, index: int | slice | np.ndarray, value: FieldVector) -> None:
        self.field._check_same(value)
        self.limbs[index] = value.limbs

    def __repr__(self) -> str:
        head = self.to_ints()[:4] if len(self) else []
        more = ", …" if len(self) > 4 else ""
        return f"FieldVector({self.field.name}, n={len(self)}, [{', '.join(map(str, head))}{more}])"

    def copy(self) -> FieldVector:
        return FieldVector(self.field, self.limbs.copy())

    # --- arithmetic -----------------------------------------------------------------

    def _mod(self) -> tuple[np.ndarray, np.uint64]:
        return self.field.modulus_words, self.field.ninv

    def _operand(self, other: Operand) -> np.ndarray:
        """The other operand's limbs, broadcast to this vector's shape."""
        if isinstance(other, FieldVector):
            self.field._check_same(other)
            limbs = other.limbs
        elif isinstance(other, (int, np.integer)) and not isinstance(other, bool):
            limbs = self.field.from_int(int(other) % self.field.modulus).limbs
        else:
            return NotImplemented  # type: ignore[return-value]
        if limbs.shape[0] == len(self):
            return limbs
        if limbs.shape[0] == 1:
            return np.broadcast_to(limbs, self.limbs.shape)
        raise FieldMismatchError(f"lengths differ: {len(self)} and {limbs.shape[0]}")

    def _binary(self, other: Operand, kernel: str) -> FieldVector:
        b = self._operand(other)
        if b is NotImplemented:
            return NotImplemented  # type: ignore[return-value]
        a = self.limbs
        if a.shape[0] == 1 and b.shape[0] != 1:  # pragma: no cover - handled by the reflected call
            a = np.broadcast_to(a, b.shape)
        out = np.empty(a.shape, dtype=np.uint64)
        if kernel == "mul":
            mont.vec_mul(a, b, out, *self._mod())
        elif kernel == "add":
            mont.vec_add(a, b, out, self.field.modulus_words)
        else:
            mont.vec_sub(a, b, out, self.field.modulus_words)
        return FieldVector(self.field, out)

    def _broadcast_self(self, other: Operand) -> FieldVector:
        """This vector broadcast to ``other``'s length when this one has length 1."""
        if len(self) == 1 and isinstance(other, FieldVector) and len(other) != 1:
            return FieldVector(self.field, np.broadcast_to(self.limbs, other.limbs.shape))
        return self

    def __add__(self, other: Operand) -> FieldVector:
        return self._broadcast_self(other)._binary(other, "add")

    def __radd__(self, other: Operand) -> FieldVector:
        return self._binary(other, "add")

    def __sub__(self, other: Operand) -> FieldVector:
        return self._broadcast_self(other)._binary(other, "sub")

    def __rsub__(self, other: Operand) -> FieldVector:
        return (-self)._binary(other, "add")

    def __mul__(self, other: Operand) -> FieldVector:
        return self._broadcast_self(other)._binary(other, "mul")

    def __rmul__(self, other: Operand) -> FieldVector:
        return self._binary(other, "mul")

    def __neg__(self) -> FieldVector:
        out = np.empty_like(self.limbs)
        mont.vec_neg(self.limbs, out, self.field.modulus_words)
        return FieldVector(self.field, out)

    def square(self) -> FieldVector:
        return self * self

    def __pow__(self, exponent: int) -> FieldVector:
        """Element-wise power; a negative exponent inverts first (zero raises)."""
        if not isinstance(exponent, (int, np.integer)) or isinstance(exponent, bool):
            return NotImplemented
        exponent = int(exponent)
        base = self
        if exponent < 0:
            base, exponent = self.inv(), -exponent
        words = np.frombuffer(
            exponent.to_bytes(8 * max(1, (exponent.bit_length() + 63) // 64), "little"), dtype="<u8"
        ).astype(np.uint64)
        out = np.empty_like(base.limbs)
        mont.vec_pow(base.limbs, words, self.field.one_words, out, *self._mod())
        return FieldVector(self.field, out)

    def inv(self, zero_to_zero: bool = False) -> FieldVector:
        """Batch inverse by Montgomery's trick; a zero raises unless ``zero_to_zero``."""
        a = np.ascontiguousarray(self.limbs)
        out = np.empty_like(a)
        bad = mont.vec_batch_inverse(
            a, out, self.field.one_words, self.field.p_minus_2_words, *self._mod(), zero_to_zero
        )
        if bad >= 0:
            raise FieldZeroDivisionError(f"{self.field.name}: element {bad} is zero and has no inverse")
        return FieldVector(self.field, out)

    def __truediv__(self, other: Operand) -> FieldVector:
        if isinstance(other, (int, np.integer)):
            other = self.field.from_int(int(other) % self.field.modulus)
        return self * other.inv()

    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        """Element-wise equality as a bool (n,) array."""
        if not isinstance(other, (FieldVector, int, np.integer)):
            return NotImplemented
        b = self._operand(other)
        return np.all(self.limbs == b, axis=1)

    def __ne__(self, other: object) -> np.ndarray:  # type: ignore[override]
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else ~eq

    def is_zero(self) -> np.ndarray:
        """Bool (n,) array."""
        return ~self.limbs.any(axis=1)

    def sum(self) -> FieldVector:
        """Σ aᵢ as a vector of length 1."""
        return FieldVector(self.field, mont.vec_sum(np.ascontiguousarray(self.limbs), self.field.modulus_words))

    def inner(self, other: FieldVector) -> FieldVector:
        """Σ aᵢ·bᵢ as a vector of length 1."""
        b = self._operand(other)
        return FieldVector(self.field, mont.vec_inner(self.limbs, b, *self._mod()))
