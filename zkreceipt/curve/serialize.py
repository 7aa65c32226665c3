"""Point encodings, each validated on the way in (CurveError names the point at fault).

Per point, with each coordinate an Fq element (G2 coordinates are (c0, c1) pairs):

* "LEM" (``from_montgomery_bytes`` / ``to_montgomery_bytes``): snarkjs's .zkey and
  .ptau form, 32-byte little-endian Montgomery words; G1 x‖y (64 bytes), G2
  x.c0‖x.c1‖y.c0‖y.c1 (128 bytes); infinity is all zeros.
* EVM (``from_evm_bytes`` / ``to_evm_bytes``): 32-byte big-endian standard integers
  as the ecAdd/ecMul/ecPairing precompiles (EIP-196/197) and Solidity verifiers
  take them; G1 x‖y, G2 **x.c1‖x.c0‖y.c1‖y.c0** (c1 first); infinity is all zeros.
* snarkjs JSON (``from_json`` / ``to_json``): decimal strings, G1 ``["x", "y", "1"]``,
  G2 ``[["x.c0", "x.c1"], ["y.c0", "y.c1"], ["1", "0"]]``; infinity
  ``["0", "1", "0"]`` / ``[["0", "0"], ["1", "0"], ["0", "0"]]``. Reading accepts
  any z and normalizes as ffjavascript does (Jacobian: x/z², y/z³; z = 0 is
  infinity) and also accepts a point without z.
* plain (``from_plain`` / ``to_plain``): G1 ``(x, y)``, G2 ``((x.c0, x.c1), (y.c0, y.c1))``
  as Python ints; None is infinity.

Functions take the point class (G1Points or G2Points) to build, so one code
path serves both groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..errors import CurveError
from . import _group_kernels as gk
from . import subgroup_cache
from ._params import (
    below_q,
    ints_to_words,
    mont_to_standard,
    standard_to_mont,
    words_to_ints,
)

if TYPE_CHECKING:
    from .points import PointVector

P = TypeVar("P", bound="PointVector")

# --- shared steps ----------------------------------------------------------------------


def _names(cls: type[PointVector], with_z: bool = False) -> tuple[str, ...]:
    names = cls.spec.coord_names
    if with_z:
        names = names + (("z",) if len(names) == 2 else ("z.c0", "z.c1"))
    return names


def _check_below_q(cls: type[PointVector], words: np.ndarray, names: tuple[str, ...]) -> None:
    """words: (n, k, 4) standard-form (or Montgomery-form) words; each must be < q."""
    n, k = words.shape[0], words.shape[1]
    ok = below_q(words.reshape(n * k, 4))
    if not ok.all():
        flat = int(np.argmin(ok))
        value = words_to_ints(words.reshape(n * k, 4)[flat])[0]
        raise CurveError(f"{cls.spec.name} point {flat // k}: {names[flat % k]} = {value} is not below q")


def _validated(cls: type[P], xy: np.ndarray, subgroup: bool = True) -> P:
    points = cls(xy.reshape(cls.spec.affine_shape(xy.shape[0])))
    points.validate(subgroup=subgroup)
    return points


def _check_length(cls: type[PointVector], data: bytes, width: int, form: str) -> int:
    if len(data) % width:
        raise CurveError(f"{cls.spec.name} {form}: {len(data)} bytes is not a whole number of {width}-byte points")
    return len(data) // width


def _flat_montgomery(points: PointVector) -> np.ndarray:
    """(n, k, 4) view: the k Fq components of each point in storage order."""
    return np.ascontiguousarray(points.xy).reshape(len(points), points.spec.fq_per_point, 4)


# --- LEM ------------------------------------------------------------------------------


def from_montgomery_bytes(cls: type[P], data: bytes) -> P:
    """Validated points; the subgroup test of a long vector is skipped if these exact bytes
    passed it before on this machine (``subgroup_cache``)."""
    k = cls.spec.fq_per_point
    n = _check_length(cls, data, 32 * k, "LEM bytes")
    words = np.frombuffer(bytes(data), dtype="<u8").reshape(n, k, 4).astype(np.uint64)
    _check_below_q(cls, words, cls.spec.coord_names)
    if n < subgroup_cache.MIN_POINTS:
        return _validated(cls, words)
    record = subgroup_cache.digest(cls.spec.name, data)
    points = cls(words.reshape(cls.spec.affine_shape(n)))
    checked_before = subgroup_cache.is_recorded(record)
    points.validate(subgroup=not checked_before)
    if not checked_before:
        subgroup_cache.record(record)
    return points


def to_montgomery_bytes(points: PointVector) -> bytes:
    return _flat_montgomery(points).astype("<u8").tobytes()


# --- EVM ------------------------------------------------------------------------------


def from_evm_bytes(cls: type[P], data: bytes) -> P:
    k = cls.spec.fq_per_point
    n = _check_length(cls, data, 32 * k, "EVM bytes")
    raw = np.frombuffer(bytes(data), dtype=np.uint8).reshape(n, k, 32)[:, :, ::-1]
    evm_words = np.ascontiguousarray(raw).view("<u8").reshape(n, k, 4).astype(np.uint64)
    words = np.empty_like(evm_words)
    words[:, list(cls.spec.evm_order)] = evm_words
    _check_below_q(cls, words, cls.spec.coord_names)
    return _validated(cls, standard_to_mont(words.reshape(n * k, 4)).reshape(n, k, 4))


def to_evm_bytes(points: PointVector) -> bytes:
    n, k = len(points), points.spec.fq_per_point
    std = mont_to_standard(_flat_montgomery(points).reshape(n * k, 4)).reshape(n, k, 4)
    evm = std[:, list(points.spec.evm_order)]
    return np.ascontiguousarray(evm.astype("<u8").view(np.uint8).reshape(n, k, 32)[:, :, ::-1]).tobytes()


# --- plain ints -----------------------------------------------------------------------


def _flatten_plain(cls: type[PointVector], index: int, point: Any) -> list[int]:
    if point is None:
        return [0] * cls.spec.fq_per_point
    try:
        if cls.spec.fq_per_point == 2:
            x, y = point
            values = [x, y]
        else:
            (x0, x1), (y0, y1) = point
            values = [x0, x1, y0, y1]
    except (TypeError, ValueError):
        raise CurveError(f"{cls.spec.name} point {index}: expected an affine point or None, got {point!r}") from None
    for name, v in zip(cls.spec.coord_names, values):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise CurveError(f"{cls.spec.name} point {index}: {name} = {v!r} is not a non-negative int")
        if v >= 1 << 256:
            raise CurveError(f"{cls.spec.name} point {index}: {name} = {v} is not below q")
    if not any(values):
        raise CurveError(f"{cls.spec.name} point {index}: (0, 0) is not on the curve; use None for infinity")
    return [int(v) for v in values]


def from_plain(cls: type[P], points: Sequence[Any]) -> P:
    k = cls.spec.fq_per_point
    flat = [v for i, pt in enumerate(points) for v in _flatten_plain(cls, i, pt)]
    words = ints_to_words(flat).reshape(-1, k, 4)
    _check_below_q(cls, words, cls.spec.coord_names)
    return _validated(cls, standard_to_mont(words.reshape(-1, 4)).reshape(-1, k, 4))


def to_plain(points: PointVector) -> list[Any]:
    n, k = len(points), points.spec.fq_per_point
    values = words_to_ints(mont_to_standard(_flat_montgomery(points).reshape(n * k, 4)))
    infinity = points.is_infinity()
    out: list[Any] = []
    for i in range(n):
        v = values[k * i : k * i + k]
        if infinity[i]:
            out.append(None)
        elif k == 2:
            out.append((v[0], v[1]))
        else:
            out.append(((v[0], v[1]), (v[2], v[3])))
    return out


# --- snarkjs JSON ---------------------------------------------------------------------


def _decimal(cls: type[PointVector], index: int, name: str, text: Any) -> int:
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool) and text >= 0 or isinstance(text, str) and text.isascii() and text.isdigit():
        value = int(text)
    else:
        raise CurveError(f"{cls.spec.name} point {index}: {name} = {text!r} is not a decimal string")
    if value >= 1 << 256:
        raise CurveError(f"{cls.spec.name} point {index}: {name} = {value} is not below q")
    return value


def _json_components(cls: type[PointVector], index: int, point: Any) -> list[Any]:
    """The Fq components of one JSON point, z defaulting to 1: G1 [x, y, z], G2 [x0, x1, y0, y1, z0, z1]."""
    g1 = cls.spec.fq_per_point == 2
    shape_error = CurveError(
        f"{cls.spec.name} point {index}: expected "
        + ('["x", "y", "z"]' if g1 else '[["x.c0", "x.c1"], ["y.c0", "y.c1"], ["z.c0", "z.c1"]]')
        + f", got {point!r}"
    )
    if not isinstance(point, (list, tuple)) or len(point) not in (2, 3):
        raise shape_error
    entries = list(point) + ([("1" if g1 else ["1", "0"])] if len(point) == 2 else [])
    if g1:
        return entries
    components: list[Any] = []
    for entry in entries:
        if not isinstance(entry, (list, tuple)) or len(entry) != 2:
            raise shape_error
        components.extend(entry)
    return components


def from_json(cls: type[P], points: Sequence[Any], *, subgroup: bool = True) -> P:
    if not isinstance(points, (list, tuple)):
        raise CurveError(f"{cls.spec.name}: expected a list of JSON points, got {type(points).__name__}")
    names = _names(cls, with_z=True)
    k = len(names)
    values = [
        _decimal(cls, i, name, text)
        for i, point in enumerate(points)
        for name, text in zip(names, _json_components(cls, i, point))
    ]
    n = len(points)
    words = ints_to_words(values).reshape(n, k, 4)
    _check_below_q(cls, words, names)
    jac = standard_to_mont(words.reshape(n * k, 4)).reshape(cls.spec.jacobian_shape(n))
    xy = np.empty(cls.spec.affine_shape(n), dtype=np.uint64)
    gk.to_affine(jac, xy)
    return _validated(cls, xy, subgroup)


def to_json(points: PointVector) -> list[Any]:
    plain = to_plain(points)
    if points.spec.fq_per_point == 2:
        return [["0", "1", "0"] if p is None else [str(p[0]), str(p[1]), "1"] for p in plain]
    return [
        [["0", "0"], ["1", "0"], ["0", "0"]]
        if p is None
        else [[str(p[0][0]), str(p[0][1])], [str(p[1][0]), str(p[1][1])], ["1", "0"]]
        for p in plain
    ]
