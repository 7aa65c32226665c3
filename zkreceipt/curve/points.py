"""Vectors of BN254 points: the shared machinery of :class:`G1Points` and :class:`G2Points`.

A point vector holds ``xy``: affine coordinates in Montgomery form (R = 2^256),
``(n, 2, 4)`` uint64 for G1 (x, y ∈ Fq) and ``(n, 2, 2, 4)`` for G2 (x, y ∈ Fq2
as (c0, c1)); the point at infinity is all zeros, as in snarkjs's files. The
bytes of ``xy`` are exactly snarkjs's "LEM" point encoding.

Arithmetic runs in compiled kernels (``_group_kernels``; Jacobian inside, one
shared inversion to come back to affine). The constructor only checks the array's
shape; the ``from_*`` deserializers and :meth:`PointVector.validate` check that
points are on the curve and in the subgroup. The plain twin is ``curve.plain``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar

import numpy as np

from ..errors import CurveError
from ..field import FieldVector, Fr
from . import _group_kernels as gk
from . import serialize

P = TypeVar("P", bound="PointVector")
Scalars = FieldVector | int | Sequence[int]

#: Bits of a scalar (r < 2^254).
SCALAR_BITS = 254


@dataclass(frozen=True)
class GroupSpec:
    """What distinguishes G1 from G2 for the shared code.

    ``coord_shape``: shape of one coordinate, (4,) for Fq or (2, 4) for Fq2;
    ``b``: the curve constant as a (1, *coord_shape) Montgomery array;
    ``generator``: the generator in plain form (see ``curve.plain``);
    ``coord_names``: names of the Fq components of an affine point, in storage order;
    ``evm_order``: the storage positions in the order the EVM precompiles want them.
    """

    name: str
    coord_shape: tuple[int, ...]
    b: np.ndarray
    generator: Any
    coord_names: tuple[str, ...]
    evm_order: tuple[int, ...]

    @property
    def fq_per_point(self) -> int:
        """Fq elements in an affine point: 2 for G1, 4 for G2."""
        return len(self.coord_names)

    def affine_shape(self, n: int) -> tuple[int, ...]:
        return (n, 2, *self.coord_shape)

    def jacobian_shape(self, n: int) -> tuple[int, ...]:
        return (n, 3, *self.coord_shape)


def scalar_words(scalars: Scalars) -> np.ndarray:
    """Scalars as (m, 4) uint64 standard-form words: an Fr vector, one int, or ints (taken mod r)."""
    if isinstance(scalars, FieldVector):
        if scalars.field is not Fr:
            raise CurveError(f"scalars must be in Fr, got a vector over {scalars.field.name}")
        return scalars.to_standard_words()
    if isinstance(scalars, bool):
        raise CurveError("scalar is bool, not an int")
    values = [int(scalars)] if isinstance(scalars, (int, np.integer)) else list(scalars)
    for index, k in enumerate(values):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise CurveError(f"scalar {index} is {type(k).__name__}, not an int")
    return Fr.from_ints([int(k) % Fr.modulus for k in values]).to_standard_words()


class PointVector:
    """Affine vector of points of one group (base of G1Points and G2Points).

    ``+``, ``-`` and ``==`` work element-wise between vectors of one group; a
    vector of length 1 broadcasts. ``points * scalars`` multiplies element-wise by
    an Fr vector (or ints); one point times n scalars, or n points times one
    scalar, broadcast. ``==`` returns a bool array, as in NumPy.
    """

    spec: ClassVar[GroupSpec]
    __slots__ = ("xy",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, xy: np.ndarray) -> None:
        """Wrap an affine array; only its shape and dtype are checked (see :meth:`validate`)."""
        expected = self.spec.affine_shape(0)[1:]
        if not isinstance(xy, np.ndarray) or xy.dtype != np.uint64 or xy.shape[1:] != expected:
            got = f"{xy.dtype} {xy.shape}" if isinstance(xy, np.ndarray) else type(xy).__name__
            raise CurveError(
                f"{self.spec.name}: xy must be an (n, {', '.join(map(str, expected))}) uint64 array, got {got}"
            )
        self.xy = xy

    # --- constructors ---------------------------------------------------------------

    @classmethod
    def infinity(cls, n: int = 1) -> Self:
        return cls(np.zeros(cls.spec.affine_shape(n), dtype=np.uint64))

    @classmethod
    def generator(cls) -> Self:
        """The standard generator (the one snarkjs, circom and Ethereum use), length 1."""
        return cls.from_ints([cls.spec.generator])

    @classmethod
    def random(cls, n: int) -> Self:
        """n independent uniform points of the group (scalars from ``secrets``)."""
        return cls.generator() * Fr.random(n)

    @classmethod
    def concatenate(cls, vectors: Sequence[Self]) -> Self:
        for v in vectors:
            cls._check_group(v)
        if not vectors:
            return cls.infinity(0)
        return cls(np.concatenate([v.xy for v in vectors]))

    @classmethod
    def from_ints(cls, points: Sequence[Any]) -> Self:
        """From plain affine points (see ``curve.plain``; None = infinity), validated."""
        return serialize.from_plain(cls, points)

    @classmethod
    def from_montgomery_bytes(cls, data: bytes) -> Self:
        """From snarkjs "LEM" bytes (.zkey/.ptau): G1 x‖y (64 bytes), G2 x.c0‖x.c1‖y.c0‖y.c1 (128)."""
        return serialize.from_montgomery_bytes(cls, data)

    @classmethod
    def from_evm_bytes(cls, data: bytes) -> Self:
        """From 32-byte big-endian coordinates as the EVM precompiles take them (G2: c1 before c0)."""
        return serialize.from_evm_bytes(cls, data)

    @classmethod
    def from_json(cls, points: Sequence[Any], *, subgroup: bool = True) -> Self:
        """From a list of snarkjs JSON points (decimal strings, Jacobian, any z), validated.

        ``subgroup=False`` checks the curve only, for a reader whose points go to a
        verifier that checks a whole batch's subgroup membership at once before pairing.
        """
        return serialize.from_json(cls, points, subgroup=subgroup)

    # --- conversions ----------------------------------------------------------------

    def to_ints(self) -> list[Any]:
        """Plain affine points (Python ints; None for infinity)."""
        return serialize.to_plain(self)

    def to_montgomery_bytes(self) -> bytes:
        return serialize.to_montgomery_bytes(self)

    def to_evm_bytes(self) -> bytes:
        return serialize.to_evm_bytes(self)

    def to_json(self) -> list[Any]:
        """snarkjs JSON: G1 ["x", "y", "1"], G2 [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]."""
        return serialize.to_json(self)

    # --- container protocol -----------------------------------------------------------

    def __len__(self) -> int:
        return self.xy.shape[0]

    def __getitem__(self, index: int | slice | np.ndarray) -> Self:
        """A sub-vector; an int index gives a vector of length 1."""
        if isinstance(index, (int, np.integer)):
            position = int(index) + len(self) if index < 0 else int(index)
            if not 0 <= position < len(self):
                raise IndexError(f"index {index} out of range for {len(self)} points")
            index = slice(position, position + 1)
        return type(self)(self.xy[index])

    def __iter__(self) -> Iterator[Self]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n={len(self)})"

    def copy(self) -> Self:
        return type(self)(self.xy.copy())

    # --- predicates -----------------------------------------------------------------

    def is_infinity(self) -> np.ndarray:
        """Bool (n,)."""
        return np.asarray(~self.xy.reshape(len(self), self.spec.fq_per_point * 4).any(axis=1))

    def is_on_curve(self) -> np.ndarray:
        """Bool (n,): on the curve (infinity counts as on it)."""
        return gk.on_curve(self._contiguous(), self.spec.b)

    def is_in_subgroup(self) -> np.ndarray:
        """Bool (n,): on the curve and of order dividing r."""
        return self.is_on_curve()

    def validate(self, what: str = "", *, subgroup: bool = True) -> None:
        """Raise :class:`CurveError` naming the first point off the curve or outside the subgroup
        (``subgroup=False``: the curve equation only, for points already found in the subgroup)."""
        label = f"{what}: " if what else ""
        on = self.is_on_curve()
        if not on.all():
            index = int(np.argmin(on))
            raise CurveError(f"{label}{self.spec.name} point {index} is not on the curve")
        if not subgroup:
            return
        ok = self.is_in_subgroup()
        if not ok.all():
            index = int(np.argmin(ok))
            raise CurveError(f"{label}{self.spec.name} point {index} is not in the subgroup of order r")

    # --- arithmetic -----------------------------------------------------------------

    def __add__(self, other: Self) -> Self:
        a, b = self._broadcast(other)
        out = np.empty(a.shape, dtype=np.uint64)
        gk.affine_add(a, b, out)
        return type(self)(out)

    def __sub__(self, other: Self) -> Self:
        return self + (-other)

    def __neg__(self) -> Self:
        out = np.empty(self.xy.shape, dtype=np.uint64)
        gk.affine_negate(self._contiguous(), out)
        return type(self)(out)

    def double(self) -> Self:
        return self + self

    def __mul__(self, scalars: Scalars) -> Self:
        if isinstance(scalars, PointVector):
            return NotImplemented
        k = scalar_words(scalars)
        n, m = len(self), k.shape[0]
        if n == 1 and m > 1 and m >= _COMB_MIN:
            return self._comb_mul(k)
        if n != m and n != 1 and m != 1:
            raise CurveError(f"{self.spec.name}: {n} points and {m} scalars do not match")
        a = self._contiguous()
        if n == 1 and m > 1:
            a = np.ascontiguousarray(np.broadcast_to(a, self.spec.affine_shape(m)))
        jac = np.empty(self.spec.jacobian_shape(a.shape[0]), dtype=np.uint64)
        gk.scalar_mul(a, k, SCALAR_BITS, jac)
        return type(self)._from_jacobian(jac)

    def __rmul__(self, scalars: Scalars) -> Self:
        return self.__mul__(scalars)

    def sum(self) -> Self:
        """Σ of all points, as a vector of length 1."""
        jac = np.empty(self.spec.jacobian_shape(len(self)), dtype=np.uint64)
        gk.from_affine(self._contiguous(), jac)
        return type(self)._from_jacobian(gk.jac_sum(jac))

    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        """Element-wise equality as a bool (n,) array."""
        if not isinstance(other, PointVector):
            return NotImplemented
        a, b = self._broadcast(other)  # type: ignore[arg-type]
        return gk.affine_equal(a, b)

    def __ne__(self, other: object) -> np.ndarray:  # type: ignore[override]
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else ~eq

    # --- internals --------------------------------------------------------------------

    @classmethod
    def _check_group(cls, other: object) -> None:
        if type(other) is not cls:
            raise CurveError(f"expected {cls.__name__}, got {type(other).__name__}")

    @classmethod
    def _from_jacobian(cls, jac: np.ndarray) -> Self:
        out = np.empty(cls.spec.affine_shape(jac.shape[0]), dtype=np.uint64)
        gk.to_affine(jac, out)
        return cls(out)

    def _contiguous(self) -> np.ndarray:
        return np.ascontiguousarray(self.xy)

    def _broadcast(self, other: Self) -> tuple[np.ndarray, np.ndarray]:
        """Both operands' arrays at a common length (a length-1 operand broadcasts)."""
        self._check_group(other)
        n, m = len(self), len(other)
        if n != m and n != 1 and m != 1:
            raise CurveError(f"{self.spec.name}: lengths differ: {n} and {m}")
        shape = self.spec.affine_shape(max(n, m))
        a = np.ascontiguousarray(np.broadcast_to(self.xy, shape))
        b = np.ascontiguousarray(np.broadcast_to(other.xy, shape))
        return a, b

    def _comb_mul(self, k: np.ndarray) -> Self:
        """[k_i]P for one point P and many scalars, from a table of P's multiples."""
        m = k.shape[0]
        width = 4 if m < 1024 else 8
        windows = -(-SCALAR_BITS // width)
        table_jac = np.empty(self.spec.jacobian_shape(windows << width), dtype=np.uint64)
        gk.comb_table(self._contiguous(), width, windows, table_jac)
        table = type(self)._from_jacobian(table_jac).xy
        jac = np.empty(self.spec.jacobian_shape(m), dtype=np.uint64)
        gk.comb_mul(table, width, windows, k, jac)
        return type(self)._from_jacobian(jac)


#: From this many scalars on, one point times many scalars uses a comb table.
_COMB_MIN = 16
