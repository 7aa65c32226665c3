"""Fixed-base MSM: precomputed tables for bases reused across many MSMs (a proving key's).

For bases P_0 … P_{n−1} and a window c, the table holds the affine points
2^(c·w)·P_i for every window w < W = ⌈255/c⌉, laid out window-major
(``table[w·n + i]``, shape ``(W·n, 2, 4)`` for G1 / ``(W·n, 2, 2, 4)`` for G2,
Montgomery, infinity = zeros). An MSM Σ k_i·P_i = Σ_{w,i} d_{w,i}·(2^(c·w)·P_i)
is then one bucket pass over W·n points with signed digits d: no doublings and
one bucket reduction per core instead of one per window, which also makes larger
windows (fewer points to add) pay. ``msm_many`` runs K scalar vectors over the
same table, one MSM per core at a time.

Tables are saved as ``.npz`` (uncompressed) beside the key and validated on load:
format, group, window, shape, the SHA-256 of the bases they were built from and of
the table itself, every table point on the curve, and a few rows recomputed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from ..errors import CurveError, FormatError
from ..field import parallel
from ..field.parallel import parallel_for
from ..fileio import write_file_atomically
from . import _msm_kernels as mk
from ._params import below_q
from .pippenger import (
    check_window,
    combine,
    run_tasks,
    scalar_matrix,
    window_count,
)
from .points import PointVector, Scalars

P = TypeVar("P", bound=PointVector)

FORMAT = "zkreceipt-fixed-base-table"
VERSION = 1
#: Default cap on a table's size in memory.
DEFAULT_MAX_BYTES = 512 << 20
#: Table rows recomputed from the bases when a table is loaded.
SPOT_CHECKS = 4
#: Largest .npy header accepted before the table's data (NumPy writes 128 bytes).
_NPY_HEADER_MAX = 256

# Relative costs (as in pippenger.py): one point added into a bucket, one bucket reduced.
_ADD_COST = 1.0
_BUCKET_COST = 2.5


def default_window(n: int, point_bytes: int, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The window minimizing W·n·add + threads·2^(c−1)·bucket among those (c ≤ 20) whose
    table of W·n points fits in ``max_bytes``; CurveError if none fits."""
    threads = parallel.threads()
    best, best_cost = 0, float("inf")
    for c in range(1, 21):
        if window_count(c) * n * point_bytes > max_bytes:
            continue
        cost = window_count(c) * n * _ADD_COST + threads * (1 << (c - 1)) * _BUCKET_COST
        if cost < best_cost:
            best, best_cost = c, cost
    if not best:
        need = window_count(20) * n * point_bytes
        raise CurveError(f"a fixed-base table for {n} points needs at least {need} bytes, over the cap of {max_bytes}")
    return best


def bases_digest(points: PointVector) -> str:
    """SHA-256 (hex) of the bases' LEM bytes, tagged with the group."""
    return hashlib.sha256(points.spec.name.encode() + points.to_montgomery_bytes()).hexdigest()


@dataclass(frozen=True, eq=False)
class FixedBaseTable(Generic[P]):
    """Multiples 2^(c·w)·P_i of n fixed bases (see the module docstring for the layout).

    ``group``: G1Points or G2Points; ``window``: c; ``count``: n; ``table``: the
    affine array; ``digest``: :func:`bases_digest` of the bases.
    """

    group: type[P]
    window: int
    count: int
    table: np.ndarray
    digest: str

    @classmethod
    def build(cls, points: P, window: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> FixedBaseTable[P]:
        """Precompute the table for ``points`` (window chosen by size unless given)."""
        n = len(points)
        point_bytes = 8 * int(np.prod(points.spec.affine_shape(1)))
        c = check_window(window) if window is not None else default_window(n, point_bytes, max_bytes)
        windows = window_count(c)
        jac = np.empty(points.spec.jacobian_shape(windows * n), dtype=np.uint64)
        parallel_for(mk.build_table, n, np.ascontiguousarray(points.xy), c, windows, jac)
        table = np.empty(points.spec.affine_shape(windows * n), dtype=np.uint64)
        parallel_for(mk.to_affine_slice, windows * n, jac, table)
        return cls(type(points), c, n, table, bases_digest(points))

    def subset(self, columns: np.ndarray) -> FixedBaseTable[P]:
        """The table of the bases P_j for j in ``columns`` (int indices): its rows for those bases."""
        index = np.asarray(columns, dtype=np.int64)
        if index.size and (index.min() < 0 or index.max() >= self.count):
            raise CurveError(f"table columns must lie in [0, {self.count}), got {index.min()} … {index.max()}")
        rows = self.table.reshape((self.windows, self.count) + self.table.shape[1:])[:, index]
        table = np.ascontiguousarray(rows.reshape((-1,) + self.table.shape[1:]))
        return FixedBaseTable(self.group, self.window, len(index), table, bases_digest(self.group(table[: len(index)])))

    @property
    def windows(self) -> int:
        return window_count(self.window)

    @property
    def nbytes(self) -> int:
        return int(self.table.nbytes)

    # --- MSM ------------------------------------------------------------------------

    def msm(self, scalars: Scalars) -> P:
        """Σ k_i·P_i over the table's bases, as a vector of length 1."""
        return self.msm_many([scalars])

    def msm_many(self, scalars_list: Sequence[Scalars]) -> P:
        """[Σᵢ k_{j,i}·Pᵢ for each scalar vector j], as a vector of length K."""
        n, count = self.count, len(scalars_list)
        k = scalar_matrix(scalars_list, n)
        if count == 0:
            return self.group.infinity(0)
        if n == 0:
            return self.group.infinity(count)
        total = self.windows * n
        chunks = max(1, -(-parallel.threads() // count))
        size = -(-total // chunks)
        starts = np.arange(chunks) * size
        partial = run_tasks(
            self.group,
            self.table,
            True,
            k,
            n,
            self.window,
            1,
            row_start=np.tile(starts, count),
            length=np.tile(np.minimum(size, total - starts), count),
            scalar_base=np.repeat(np.arange(count) * n, chunks),
            window_base=np.zeros(count * chunks),
        )
        return combine(self.group, partial, count, 0)

    # --- persistence ----------------------------------------------------------------

    def _meta(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "group": self.group.spec.name,
            "window": self.window,
            "count": self.count,
            "bases_sha256": self.digest,
            "table_sha256": hashlib.sha256(self.table.tobytes()).hexdigest(),
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``path`` (.npz, uncompressed): the table and its metadata, atomically, mode 0600
        (a cache beside a key file: readers see the old file or the whole new one)."""
        buffer = io.BytesIO()
        np.savez(buffer, table=self.table, meta=np.array(json.dumps(self._meta())))
        write_file_atomically(os.fspath(path), buffer.getvalue(), private=True, overwrite=True, error_type=FormatError)

    @classmethod
    def load(cls, path: str | os.PathLike[str], points: P) -> FixedBaseTable[P]:
        """Read a table saved by :meth:`save` for exactly these bases; FormatError otherwise."""
        name = os.fspath(path)
        meta = _read_meta(name)
        group = type(points)
        expect = {"format": FORMAT, "version": VERSION, "group": group.spec.name, "count": len(points)}
        for key, value in expect.items():
            if meta.get(key) != value:
                raise FormatError(f"{name}: {key} is {meta.get(key)!r}, expected {value!r}")
        try:
            window = check_window(meta.get("window"))  # type: ignore[arg-type]
        except CurveError as exc:
            raise FormatError(f"{name}: {exc}") from None
        if meta.get("bases_sha256") != bases_digest(points):
            raise FormatError(f"{name}: the table was built from different bases (bases_sha256 differs)")
        shape = group.spec.affine_shape(window_count(window) * len(points))
        table = _read_table(name, shape)
        if hashlib.sha256(table.tobytes()).hexdigest() != meta.get("table_sha256"):
            raise FormatError(f"{name}: the table's contents do not match its table_sha256")
        loaded = cls(group, window, len(points), table, meta["bases_sha256"])
        loaded._check_points(name, points)
        return loaded

    def _check_points(self, name: str, points: P) -> None:
        """Every coordinate below q, every point on the curve, a few random rows equal to 2^(c·w)·P_i."""
        below = below_q(self.table.reshape(-1, 4))
        if not below.all():
            raise FormatError(f"{name}: table point {int(np.argmin(below)) // points.spec.fq_per_point} has a coordinate ≥ q")
        rows = self.group(self.table)
        on = rows.is_on_curve()
        if not on.all():
            raise FormatError(f"{name}: table point {int(np.argmin(on))} is not on the curve")
        n = self.count
        for _ in range(min(SPOT_CHECKS, len(rows))):
            row = secrets.randbelow(len(rows))
            w, i = divmod(row, n)
            if not (points[i] * (1 << (self.window * w)) == rows[row]).all():
                raise FormatError(f"{name}: table point {row} is not 2^{self.window * w}·P_{i}")


def _read_meta(name: str) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(name) as archive:
            info = archive.getinfo("meta.npy")
            if info.file_size > 1 << 16:
                raise FormatError(f"{name}: metadata is {info.file_size} bytes, too large")
            with archive.open(info) as f:
                meta_array = np.lib.format.read_array(f, allow_pickle=False)
        meta = json.loads(str(meta_array))
    except FormatError:
        raise
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise FormatError(f"{name}: not a fixed-base table file ({exc})") from None
    if not isinstance(meta, dict):
        raise FormatError(f"{name}: metadata is not a JSON object")
    return meta


def _read_table(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The table array, after checking the stored member's size against ``shape``."""
    expected = int(np.prod(shape)) * 8
    try:
        with zipfile.ZipFile(name) as archive:
            info = archive.getinfo("table.npy")
            if info.compress_type != zipfile.ZIP_STORED or not expected <= info.file_size <= expected + _NPY_HEADER_MAX:
                raise FormatError(f"{name}: table is {info.file_size} bytes, expected {expected} (+ header)")
            with archive.open(info) as f:
                table = np.lib.format.read_array(f, allow_pickle=False)
    except FormatError:
        raise
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise FormatError(f"{name}: cannot read the table ({exc})") from None
    if table.dtype != np.uint64 or table.shape != shape:
        raise FormatError(f"{name}: table is {table.dtype} {table.shape}, expected uint64 {shape}")
    return np.ascontiguousarray(table)
