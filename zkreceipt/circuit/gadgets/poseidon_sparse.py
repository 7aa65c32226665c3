"""Poseidon's partial rounds with sparse linear layers (the Poseidon paper's appendix B).

A partial round maps s ↦ M·σ(s + c), where σ raises element 0 to the fifth
power and leaves the others alone. Write M = N·D with

    D = [[1, 0], [0, M̂]]            (block-diagonal: commutes with σ)
    N = [[m₀₀, bᵀ], [ĉ, I]]         (ĉ = M's column 0 below the diagonal, bᵀ = M's row 0 tail · M̂⁻¹)

so M·σ(s + c) = N·σ(D·s + D·c): D moves into the previous round's matrix
(D·M, which is factored the same way), from the last partial round back to the
first; the last full round before the partial rounds ends up with the dense
matrix D₀·M. Each partial round then costs t − 1 scaled combinations for the new
element 0 and one added term for every other element, instead of a dense t × t
product; the function computed is unchanged (the tests check the gadget against
the plain native hash).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..variable import R
from .poseidon_constants import MAX_INPUTS, poseidon_parameters

Matrix = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class SparsePartialRound:
    """One partial round on state z (after ``constants`` are added and z₀ ↦ z₀⁵):

    new₀ = first_row[0]·z₀ + Σⱼ first_row[j]·zⱼ;  newᵢ = first_column[i − 1]·z₀ + zᵢ (i ≥ 1).
    ``constants``: t ints; ``first_row``: t ints; ``first_column``: t − 1 ints; all in [0, r).
    """

    constants: tuple[int, ...]
    first_row: tuple[int, ...]
    first_column: tuple[int, ...]


@dataclass(frozen=True)
class SparseSchedule:
    """``entry_matrix``: t × t, replaces M in the last full round before the partial rounds;
    ``partial_rounds``: one :class:`SparsePartialRound` per partial round, in order."""

    entry_matrix: Matrix
    partial_rounds: tuple[SparsePartialRound, ...]


def _inverse(matrix: list[list[int]]) -> list[list[int]]:
    """matrix⁻¹ mod r by Gauss–Jordan elimination (matrix invertible, as MDS submatrices are)."""
    n = len(matrix)
    rows = [[*row, *(int(i == j) for j in range(n))] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = next(i for i in range(col, n) if rows[i][col])
        rows[col], rows[pivot] = rows[pivot], rows[col]
        inverse = pow(rows[col][col], -1, R)
        rows[col] = [v * inverse % R for v in rows[col]]
        for i in range(n):
            factor = rows[i][col]
            if i != col and factor:
                rows[i] = [(v - factor * p) % R for v, p in zip(rows[i], rows[col], strict=True)]
    return [row[n:] for row in rows]


def _times(left: list[list[int]], right: list[list[int]]) -> list[list[int]]:
    """left · right mod r (lists of rows)."""
    columns = list(zip(*right, strict=True))
    return [[sum(a * b for a, b in zip(row, column, strict=True)) % R for column in columns] for row in left]


def _apply(matrix: list[list[int]], vector: list[int]) -> list[int]:
    return [sum(a * b for a, b in zip(row, vector, strict=True)) % R for row in matrix]


@lru_cache(maxsize=MAX_INPUTS)
def sparse_schedule(n_inputs: int) -> SparseSchedule:
    """The sparse partial rounds of circomlib's Poseidon for ``n_inputs`` inputs (cached).

    Going back from the last partial round, the matrix ending round k is
    M_k = D_{k+1}·M (M for the last round), whose lower-right block is M̂^(P−k);
    so bₖᵀ = m₀ᵀ·M̂^−(P−k) needs one inverse, and every step is a product by M̂ or M̂⁻¹.
    """
    params = poseidon_parameters(n_inputs)
    mds = [list(row) for row in params.mds]
    t = params.width
    lower = [row[1:] for row in mds[1:]]  # M̂
    lower_inverse = _inverse(lower)
    column = [row[0] for row in mds[1:]]  # M's column 0 below the diagonal
    first_partial = params.full_rounds // 2
    block = [[int(i == j) for j in range(t - 1)] for i in range(t - 1)]  # M̂^0
    tail = mds[0][1:]
    rounds: list[SparsePartialRound] = []
    for k in reversed(range(params.partial_rounds)):
        column_k = _apply(block, column)  # column 0 of M_k below the diagonal
        block = _times(block, lower)  # lower-right block of M_k
        tail = _apply([list(c) for c in zip(*lower_inverse, strict=True)], tail)  # bₖᵀ = bₖ₊₁ᵀ·M̂⁻¹
        constants = params.round_constants_of(first_partial + k)
        moved = (constants[0], *_apply(block, list(constants[1:])))
        rounds.append(SparsePartialRound(moved, (mds[0][0], *tail), tuple(column_k)))
    entry = [mds[0]] + _times(block, [row for row in mds[1:]])  # D₀·M
    return SparseSchedule(tuple(tuple(row) for row in entry), tuple(reversed(rounds)))
