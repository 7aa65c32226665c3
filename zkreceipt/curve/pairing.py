"""The BN254 pairing and pairing checks (public API).

``e: G1 × G2 → GT ⊂ Fq12*`` is the optimal ate pairing (``miller_loop``, then
``final_exponentiation``); values are identical to py_ecc's
``optimized_bn128.pairing(Q, P)``. The checks answer "is Π e(P_i, Q_i) = 1?" with
one multi-Miller loop and one final exponentiation per check; the Groth16 shape is
e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1.

Points are anything with an ``.xy`` array (``G1Points`` / ``G2Points``) or the
arrays themselves: G1 ``(n, 2, 4)``, G2 ``(n, 2, 2, 4)`` uint64 affine Montgomery
coordinates, the point at infinity as zeros (a pair with a point at infinity
contributes 1). Points must be on their curves and in their subgroups — the
verifier validates them first; here only shapes and coordinate ranges are checked.

Fixed G2 points (a verifying key's β, γ, δ) can be prepared once
(:func:`prepare_g2`): their 88 line coefficients are stored and every later loop
over them does no G2 arithmetic. A :class:`PreparedG2` can stand in for a G2 point
wherever a pair is given as ``(g1, g2)``.

Batch verification with one final exponentiation uses the primitives:
``final_exponentiation(multi_miller_loop(g1, g2, prepared=[(g1_fixed, prep)]))``.
:func:`pairing_checks` runs many independent checks in parallel (``field.parallel``,
one check per piece); :func:`multi_miller_loop` splits its pairs over the cores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from ..errors import CurveError
from ..field import Fq, parallel
from ..field import _montgomery as mont
from ..field._montgomery import device
from ..field.parallel import parallel_for
from . import _tower as tower
from . import pairing_plain as plain
from ._tower import fq12_is_one
from .final_exponentiation import final_exponentiation as _fe_tuple
from .final_exponentiation import final_exponentiation_kernel
from .miller_loop import (
    LINE_COUNT,
    accumulate,
    partial_miller_kernel,
    prepare_kernel,
    product_kernel,
)

#: snarkjs (and arkworks, gnark) compute a fixed power of the pairing, e^SNARKJS_EXPONENT,
#: with a cheaper final-exponentiation chain (Fuentes-Castañeda et al.): 2x(6x² + 3x + 1).
SNARKJS_EXPONENT = 2 * plain.BN_X * (6 * plain.BN_X**2 + 3 * plain.BN_X + 1)

#: Pairs per thread below which a Miller loop stays on one thread: waking a second
#: thread on a busy 2-core machine can cost milliseconds, more than a few pairs' loops.
PARALLEL_MIN_PAIRS = 8

_ONE = np.array(tower.FQ12_ONE, dtype=np.uint64)
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_G1 = np.zeros((0, 2, 4), dtype=np.uint64)
_NO_LINES = np.zeros((0, LINE_COUNT, 3, 2, 4), dtype=np.uint64)


# --- values ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Fq12Element:
    """One element of Fq12 = Fq6[w]/(w² − v), Fq6 = Fq2[v]/(v³ − (9 + u)).

    ``coeffs``: ``(2, 3, 2, 4)`` uint64, ``coeffs[i, j, k]`` = the u^k part of the
    coefficient of w^i·v^j in Montgomery form (the layout of snarkjs's
    ``vk_alphabeta_12``). Multiplication, powers and equality are exact.
    """

    coeffs: np.ndarray

    def __post_init__(self) -> None:
        if self.coeffs.shape != (2, 3, 2, 4) or self.coeffs.dtype != np.uint64:
            raise CurveError(f"Fq12: coefficients must be a (2, 3, 2, 4) uint64 array, got {self.coeffs.shape}")

    @classmethod
    def one(cls) -> Fq12Element:
        return cls(_ONE.copy())

    @classmethod
    def from_tower_ints(cls, values: Sequence[int]) -> Fq12Element:
        """From 12 ints in [0, q), entry 6i + 2j + k = u^k part of the coefficient of w^i·v^j."""
        return cls(plain.array_from_tower_ints([values])[0])

    def to_tower_ints(self) -> list[int]:
        return plain.tower_ints_from_array(self.coeffs)[0]

    @classmethod
    def from_py_ecc(cls, element: Any) -> Fq12Element:
        """From a py_ecc ``optimized_bn128.FQ12`` (basis conversion in ``pairing_plain``)."""
        return cls(plain.array_from_py_ecc([element])[0])

    def to_py_ecc(self) -> Any:
        """As a py_ecc ``optimized_bn128.FQ12``."""
        return plain.array_to_py_ecc(self.coeffs)[0]

    def _binary(self, op: int, other: Fq12Element) -> Fq12Element:
        out = np.empty((1, 2, 3, 2, 4), dtype=np.uint64)
        tower.vec_binary(op, self.coeffs[None], other.coeffs[None], out)
        return Fq12Element(out[0])

    def _unary(self, op: int) -> Fq12Element:
        out = np.empty((1, 2, 3, 2, 4), dtype=np.uint64)
        tower.vec_unary(op, np.ascontiguousarray(self.coeffs[None]), out)
        return Fq12Element(out[0])

    def __mul__(self, other: Fq12Element) -> Fq12Element:
        if not isinstance(other, Fq12Element):
            return NotImplemented
        return self._binary(tower.OP_MUL, other)

    def inverse(self) -> Fq12Element:
        """self⁻¹; raises ZeroDivisionError for 0."""
        if self.is_zero():
            raise ZeroDivisionError("Fq12: inverse of zero")
        return self._unary(tower.OP_INV)

    def __pow__(self, exponent: int) -> Fq12Element:
        """self^e for any int e (a negative e inverts first)."""
        if isinstance(exponent, bool) or not isinstance(exponent, (int, np.integer)):
            return NotImplemented
        e = int(exponent)
        base = self.inverse() if e < 0 else self
        e = abs(e)
        words = np.frombuffer(e.to_bytes(8 * max(1, (e.bit_length() + 63) // 64), "little"), dtype="<u8")
        out = np.empty((1, 2, 3, 2, 4), dtype=np.uint64)
        tower.vec_pow(np.ascontiguousarray(base.coeffs[None]), words.astype(np.uint64), out)
        return Fq12Element(out[0])

    def is_one(self) -> bool:
        return bool(np.array_equal(self.coeffs, _ONE))

    def is_zero(self) -> bool:
        return not self.coeffs.any()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fq12Element):
            return NotImplemented
        return bool(np.array_equal(self.coeffs, other.coeffs))

    def __hash__(self) -> int:
        return hash(self.coeffs.tobytes())

    def __repr__(self) -> str:
        return "Fq12Element(1)" if self.is_one() else f"Fq12Element({self.to_tower_ints()})"


@dataclass(frozen=True, eq=False)
class PreparedG2:
    """Line coefficients of fixed G2 points for Miller loops that skip G2 arithmetic.

    ``lines``: ``(m, LINE_COUNT, 3, 2, 4)`` uint64 — for each point, the (c0, c1, c2)
    of each of its 88 lines (see ``miller_loop``); ``infinity``: ``(m,)`` bool, the
    points at infinity (their rows are unused: such pairs contribute 1).
    """

    lines: np.ndarray
    infinity: np.ndarray

    def __post_init__(self) -> None:
        m = self.infinity.shape[0] if self.infinity.ndim == 1 else -1
        if self.infinity.dtype != np.bool_ or self.lines.shape != (m, LINE_COUNT, 3, 2, 4):
            raise CurveError(
                f"PreparedG2: expected ({m}, {LINE_COUNT}, 3, 2, 4) lines and (m,) bool infinity flags, "
                f"got {self.lines.shape} and {self.infinity.shape}"
            )
        if self.lines.dtype != np.uint64 or not self.lines.flags.c_contiguous:
            raise CurveError("PreparedG2: lines must be a C-contiguous uint64 array")

    def __len__(self) -> int:
        return int(self.infinity.shape[0])


G1Like = Any  # G1Points, or an (n, 2, 4) / (2, 4) uint64 array
G2Like = Any  # G2Points, or an (n, 2, 2, 4) / (2, 2, 4) uint64 array
Pair = tuple[G1Like, G2Like | PreparedG2]


# --- input normalisation -------------------------------------------------------------------


def _coords(points: Any, tail: tuple[int, ...], name: str) -> np.ndarray:
    """``points.xy`` or ``points`` as a contiguous writeable uint64 array of shape (n, *tail)."""
    a = np.asarray(getattr(points, "xy", points))
    if a.shape == tail:
        a = a[None]
    if a.ndim != len(tail) + 1 or a.shape[1:] != tail:
        shape = ", ".join(str(d) for d in tail)
        raise CurveError(f"{name} points: expected an (n, {shape}) uint64 array, got shape {a.shape}")
    if a.dtype != np.uint64:
        raise CurveError(f"{name} points: expected uint64 Montgomery coordinates, got dtype {a.dtype}")
    a = np.ascontiguousarray(a)
    if not a.flags.writeable:
        a = a.copy()
    words = a.reshape(-1, 4)
    if words.size and not mont.vec_less_than_modulus(words, Fq.modulus_words).all():
        raise CurveError(f"{name} points: a coordinate is not below the field modulus q")
    return a


def _g1(points: Any) -> np.ndarray:
    return _coords(points, (2, 4), "G1")


def _g2(points: Any) -> np.ndarray:
    return _coords(points, (2, 2, 4), "G2")


def _finite(a: np.ndarray) -> np.ndarray:
    """(n,) bool: the points that are not the point at infinity (all-zero coordinates)."""
    return np.asarray(a.any(axis=tuple(range(1, a.ndim))), dtype=bool)


def _check_lengths(g1: np.ndarray, n2: int) -> None:
    if g1.shape[0] != n2:
        raise CurveError(f"pairing: {g1.shape[0]} G1 points but {n2} G2 points")


def prepare_g2(points: G2Like) -> PreparedG2:
    """Precompute the Miller-loop lines of G2 points (in parallel over the points)."""
    g2 = _g2(points)
    finite = _finite(g2)
    ids = np.flatnonzero(finite).astype(np.int64)
    lines = np.zeros((g2.shape[0], LINE_COUNT, 3, 2, 4), dtype=np.uint64)
    if ids.size:
        table = np.empty((ids.size, LINE_COUNT, 3, 2, 4), dtype=np.uint64)
        parallel_for(prepare_kernel, ids.size, g2, ids, table)
        lines[ids] = table
    return PreparedG2(lines, ~finite)


@dataclass
class _Packed:
    """Pairs of one or many checks as the kernels take them (see ``miller_loop.accumulate``)."""

    g1: np.ndarray
    g2: np.ndarray
    raw_ids: np.ndarray
    raw_offsets: np.ndarray
    pg1: np.ndarray
    prep_rows: np.ndarray
    prep_ids: np.ndarray
    prep_offsets: np.ndarray
    table: np.ndarray


def _pack(checks: Sequence[Sequence[Pair]]) -> _Packed:
    """Gather the pairs of every check; drop pairs with a point at infinity.

    Distinct :class:`PreparedG2` objects are stacked once into the line table, so a
    verifying key's prepared points are shared by all checks.
    """
    g1s: list[np.ndarray] = []
    g2s: list[np.ndarray] = []
    raw_active: list[np.ndarray] = []
    raw_counts: list[int] = []
    pg1s: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    prep_active: list[np.ndarray] = []
    prep_counts: list[int] = []
    tables: dict[int, tuple[int, PreparedG2]] = {}
    table_rows = 0
    for pairs in checks:
        raw_n = prep_n = 0
        for pair in pairs:
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise CurveError("pairing: each pair must be a (g1, g2) tuple")
            p = _g1(pair[0])
            q = pair[1]
            if isinstance(q, PreparedG2):
                _check_lengths(p, len(q))
                if id(q) not in tables:
                    tables[id(q)] = (table_rows, q)
                    table_rows += len(q)
                base = tables[id(q)][0]
                pg1s.append(p)
                rows.append(np.arange(base, base + len(q), dtype=np.int64))
                prep_active.append(_finite(p) & ~q.infinity)
                prep_n += len(q)
            else:
                q_arr = _g2(q)
                _check_lengths(p, q_arr.shape[0])
                g1s.append(p)
                g2s.append(q_arr)
                raw_active.append(_finite(p) & _finite(q_arr))
                raw_n += p.shape[0]
        raw_counts.append(raw_n)
        prep_counts.append(prep_n)
    return _Packed(
        g1=np.concatenate(g1s) if g1s else _NO_G1,
        g2=np.concatenate(g2s) if g2s else np.zeros((0, 2, 2, 4), dtype=np.uint64),
        **_selection("raw", raw_active, raw_counts),
        pg1=np.concatenate(pg1s) if pg1s else _NO_G1,
        prep_rows=np.concatenate(rows) if rows else _NO_IDS,
        **_selection("prep", prep_active, prep_counts),
        table=np.concatenate([t.lines for _, t in tables.values()]) if tables else _NO_LINES,
    )


def _selection(kind: str, active: list[np.ndarray], counts: list[int]) -> dict[str, np.ndarray]:
    """Indices of the active pairs and, per check, the offsets of its share of them."""
    mask = np.concatenate(active) if active else np.zeros(0, dtype=bool)
    ids = np.flatnonzero(mask).astype(np.int64)
    ends = np.cumsum(counts, dtype=np.int64)
    offsets = np.concatenate([[0], np.searchsorted(ids, ends)]).astype(np.int64)
    return {f"{kind}_ids": ids, f"{kind}_offsets": offsets}


# --- Miller loops and final exponentiation ---------------------------------------------------


def multi_miller_loop(
    g1: G1Like, g2: G2Like, prepared: Sequence[tuple[G1Like, PreparedG2]] = ()
) -> Fq12Element:
    """Π_i f_{P_i,Q_i} · Π_j f_{P'_j,Q'_j}: the product of the Miller loops of the pairs
    (g1[i], g2[i]) and of the ``prepared`` pairs, before the final exponentiation.

    One accumulator (one squaring per step) serves all pairs. From 2·PARALLEL_MIN_PAIRS
    pairs on, the pairs are split over the threads (``field.parallel``), each running a multi-Miller loop
    with its own accumulator, and the partial products are multiplied at the end.
    """
    p = _pack([[(g1, g2), *prepared]])
    total = p.raw_ids.size + p.prep_ids.size
    chunks = min(parallel.threads(), total // PARALLEL_MIN_PAIRS)
    partial = np.empty((max(chunks, 1), 2, 3, 2, 4), dtype=np.uint64)
    args = (p.g1, p.g2, p.raw_ids, p.pg1, p.prep_rows, p.prep_ids, p.table, partial.shape[0], partial)
    if chunks < 2:
        partial_miller_kernel(0, 1, *args)
        return Fq12Element(partial[0])
    parallel_for(partial_miller_kernel, chunks, *args)
    return Fq12Element(product_kernel(partial))


def final_exponentiation(f: Fq12Element) -> Fq12Element:
    """f^((q¹² − 1)/r), as py_ecc's ``final_exponentiate``."""
    out = np.empty((1, 2, 3, 2, 4), dtype=np.uint64)
    final_exponentiation_kernel(np.ascontiguousarray(f.coeffs[None]), out)
    return Fq12Element(out[0])


def pairing(p: G1Like, q: G2Like) -> Fq12Element:
    """e(P, Q) for one G1 point and one G2 point; 1 if either is the point at infinity."""
    g1, g2 = _g1(p), _g2(q)
    if g1.shape[0] != 1 or g2.shape[0] != 1:
        raise CurveError(f"pairing: expected one G1 and one G2 point, got {g1.shape[0]} and {g2.shape[0]}")
    return final_exponentiation(multi_miller_loop(g1, g2))


def pairing_tower_ints(p: G1Like, q: G2Like) -> list[int]:
    """e(P, Q) as snarkjs writes ``vk_alphabeta_12``: 12 ints in the tower layout
    (entry 6i + 2j + k), of snarkjs's pairing value e(P, Q)^SNARKJS_EXPONENT."""
    return (pairing(p, q) ** SNARKJS_EXPONENT).to_tower_ints()


# --- checks -----------------------------------------------------------------------------


def pairing_check(g1: G1Like, g2: G2Like, prepared: Sequence[tuple[G1Like, PreparedG2]] = ()) -> bool:
    """Π_i e(g1[i], g2[i]) · Π e(prepared pairs) == 1, with one final exponentiation.

    A Groth16 verification is ``pairing_check(−A, B, prepared=[(g1s, prepared_βγδ)])``
    with g1s = (α, vk_x, C), or the 4 raw pairs.
    """
    return bool(final_exponentiation(multi_miller_loop(g1, g2, prepared)).is_one())


@device
def _check(c, g1, g2, raw_ids, raw_offsets, pg1, prep_rows, prep_ids, prep_offsets, table):  # type: ignore[no-untyped-def]
    """Is the product of check c's pairings 1? (One multi-Miller loop, one final exponentiation.)"""
    raw = raw_ids[raw_offsets[c] : raw_offsets[c + 1]]
    prep = prep_ids[prep_offsets[c] : prep_offsets[c + 1]]
    return fq12_is_one(_fe_tuple(accumulate(g1, g2, raw, pg1, prep_rows, prep, table)))


@njit(cache=True, nogil=True)
def _checks_kernel(lo, hi, g1, g2, raw_ids, raw_offsets, pg1, prep_rows, prep_ids, prep_offsets, table, out):  # type: ignore[no-untyped-def]
    """out[c] = :func:`_check` (c) for lo ≤ c < hi."""
    for c in range(lo, hi):
        out[c] = _check(c, g1, g2, raw_ids, raw_offsets, pg1, prep_rows, prep_ids, prep_offsets, table)


def pairing_checks(checks: Sequence[Sequence[Pair]]) -> np.ndarray:
    """Many independent pairing checks: ``out[c]`` is Π e(P, Q) over the pairs of
    ``checks[c]`` == 1. A pair is ``(g1, g2)`` with equally many points on each side;
    ``g2`` may be a :class:`PreparedG2`. An empty check is true (the empty product).
    """
    p = _pack(checks)
    out = np.empty(len(checks), dtype=np.bool_)
    args = (p.g1, p.g2, p.raw_ids, p.raw_offsets, p.pg1, p.prep_rows, p.prep_ids, p.prep_offsets, p.table, out)
    # One check per piece: on a shared machine a statically split range waits for
    # whichever thread the OS delays.
    parallel_for(_checks_kernel, len(checks), *args, pieces=len(checks))
    return out
