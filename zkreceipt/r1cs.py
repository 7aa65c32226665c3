"""Rank-1 constraint systems: the interface between circuits and Groth16.

A constraint system over Fr has ``n_wires`` wires w (wire 0 is the constant 1,
then the ``n_public`` public wires — outputs then public inputs, as circom orders
them — then private wires) and ``n_constraints`` rows with
(A·w)ᵢ · (B·w)ᵢ = (C·w)ᵢ. A, B, C are sparse matrices in coordinate form.
Circuits built with ``zkreceipt.circuit`` and circom ``.r1cs`` files both become
an :class:`R1CS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .errors import CircuitError, UnsatisfiedConstraintError
from .field import Fr, FieldVector
from .field import _montgomery as mont


@njit(cache=True)
def _sparse_mul_vector(rows, cols, coeffs, w, out, p, ninv):  # type: ignore[no-untyped-def]
    """out[rows[k]] += coeffs[k] · w[cols[k]] over Fr (all arrays Montgomery form)."""
    pt = (p[0], p[1], p[2], p[3])
    for k in range(rows.shape[0]):
        term = mont.mont_mul(mont.load(coeffs, k), mont.load(w, cols[k]), pt, ninv)
        row = rows[k]
        mont.store(out, row, mont.add_mod(mont.load(out, row), term, pt))


@dataclass(frozen=True)
class SparseMatrix:
    """An ``n_rows × n_cols`` matrix over Fr; entry k is ``coeffs[k]`` at ``(rows[k], cols[k])``.

    ``rows``, ``cols``: (nnz,) int64; ``coeffs``: Fr vector of length nnz.
    Repeated (row, col) pairs add up.
    """

    rows: np.ndarray
    cols: np.ndarray
    coeffs: FieldVector
    n_rows: int
    n_cols: int

    def __post_init__(self) -> None:
        nnz = len(self.coeffs)
        if self.rows.shape != (nnz,) or self.cols.shape != (nnz,):
            raise CircuitError(f"sparse matrix: rows, cols and coeffs lengths differ ({nnz} coefficients)")
        if nnz and (self.rows.min() < 0 or self.rows.max() >= self.n_rows):
            raise CircuitError(f"sparse matrix: a row index is outside [0, {self.n_rows})")
        if nnz and (self.cols.min() < 0 or self.cols.max() >= self.n_cols):
            raise CircuitError(f"sparse matrix: a column (wire) index is outside [0, {self.n_cols})")

    @property
    def nnz(self) -> int:
        return len(self.coeffs)

    @classmethod
    def from_entries(cls, entries: list[tuple[int, int, int]], n_rows: int, n_cols: int) -> SparseMatrix:
        """From (row, col, coefficient as an int in [0, r)) triples."""
        rows = np.array([e[0] for e in entries], dtype=np.int64)
        cols = np.array([e[1] for e in entries], dtype=np.int64)
        return cls(rows, cols, Fr.from_ints([e[2] for e in entries]), n_rows, n_cols)

    def mul_vector(self, w: FieldVector) -> FieldVector:
        """M·w as an Fr vector of length ``n_rows``; w has length ``n_cols``."""
        if len(w) != self.n_cols:
            raise CircuitError(f"vector has length {len(w)}, the matrix has {self.n_cols} columns")
        out = np.zeros((self.n_rows, 4), dtype=np.uint64)
        _sparse_mul_vector(
            self.rows, self.cols, self.coeffs.limbs, np.ascontiguousarray(w.limbs), out, Fr.modulus_words, Fr.ninv
        )
        return FieldVector(Fr, out)


@dataclass(frozen=True)
class R1CS:
    """A rank-1 constraint system over Fr (see the module docstring for the wire order).

    ``n_public``: public wires after wire 0 (outputs + public inputs), as snarkjs's
    ``nPublic``; ``wire_names``: optional label per wire, for error messages.
    """

    n_wires: int
    n_public: int
    a: SparseMatrix
    b: SparseMatrix
    c: SparseMatrix
    wire_names: tuple[str, ...] = field(default=(), compare=False)
    constraint_names: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        shapes = {(m.n_rows, m.n_cols) for m in (self.a, self.b, self.c)}
        if len(shapes) != 1 or next(iter(shapes))[1] != self.n_wires:
            raise CircuitError(f"R1CS: A, B, C must all be n_constraints × {self.n_wires}, got {shapes}")
        if not 0 <= self.n_public < self.n_wires:
            raise CircuitError(f"R1CS: n_public = {self.n_public} must be below n_wires = {self.n_wires}")

    @property
    def n_constraints(self) -> int:
        return self.a.n_rows

    def evaluate(self, witness: FieldVector) -> tuple[FieldVector, FieldVector, FieldVector]:
        """(A·w, B·w, C·w), each an Fr vector of length ``n_constraints``."""
        return self.a.mul_vector(witness), self.b.mul_vector(witness), self.c.mul_vector(witness)

    def first_unsatisfied(self, witness: FieldVector) -> int | None:
        """Index of the first violated constraint, or None if the witness satisfies all."""
        if len(witness) != self.n_wires:
            raise CircuitError(f"witness has {len(witness)} values, the R1CS has {self.n_wires} wires")
        if witness.to_ints()[0] != 1:
            raise UnsatisfiedConstraintError("wire 0 must hold the constant 1")
        aw, bw, cw = self.evaluate(witness)
        bad = np.flatnonzero(~(aw * bw == cw))
        return int(bad[0]) if bad.size else None

    def check_witness(self, witness: FieldVector) -> None:
        """Raise :class:`UnsatisfiedConstraintError` naming the first violated constraint."""
        bad = self.first_unsatisfied(witness)
        if bad is not None:
            name = f" ({self.constraint_names[bad]})" if bad < len(self.constraint_names) else ""
            raise UnsatisfiedConstraintError(f"constraint {bad}{name} is not satisfied by the witness")
