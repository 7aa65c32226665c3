"""The proving key's MSM bases, with optional fixed-base tables, and MSMs that skip shared wires.

A proving key's five queries are fixed bases that every proof reuses. For a group
of K witnesses, :class:`QueryBases` runs the K MSMs Σⱼ wⱼ·Pⱼ two ways at once:

* wires whose value is the same in all K witnesses (the constant parts of a
  gadget, a rate-table path the receipts share, zero padding) are summed once,
  Σⱼ₍shared₎ wⱼ·Pⱼ, and added to every proof's point;
* the other wires go through ``msm_many`` over just those bases.

Both are exact, so each proof's point equals the single prover's MSM over all wires.
Bases at infinity (wires a query does not use: a quarter of B's) are dropped, and
:func:`similar_groups` splits a batch into families of witnesses that share more
wires (receipts of one model share its rate-table path).

With tables (:meth:`ProverBases.with_tables`), each query's MSMs run over a
``FixedBaseTable`` (multiples 2^(c·w)·Pⱼ precomputed): no doublings and one bucket
reduction per MSM. Building the five tables of the receipt key takes about the CPU
time of twenty proofs, so :func:`prover_bases` keeps them in memory per proving key
and the prover only asks for them when a batch is large enough to repay them.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from ..curve import FixedBaseTable, G1Points, G2Points, msm_many
from ..curve.points import PointVector
from ..field import FieldVector
from .data_structures import ProvingKey

P = TypeVar("P", bound=PointVector)


def shared_columns(witnesses: Sequence[FieldVector]) -> np.ndarray:
    """Bool (n,): True where every witness holds the same value (all True for one witness)."""
    stacked = np.stack([w.limbs for w in witnesses])  # (K, n, 4) Montgomery limbs
    return np.asarray((stacked == stacked[0]).all(axis=(0, 2)))


#: Most groups :func:`similar_groups` splits a chunk into (each costs one more shared-wire MSM per query).
MAX_GROUPS = 8


def similar_groups(witnesses: Sequence[FieldVector], max_groups: int = MAX_GROUPS) -> list[np.ndarray]:
    """A partition of the witnesses' indices into groups that agree on many wires.

    Receipts proved together often fall into families (one model's rate-table path,
    one policy) whose wires agree inside the family but not across the batch; each
    group's shared wires are summed once. Greedy: the witness that agrees least with
    every leader so far becomes a new leader (taking the witnesses that agree with it
    more) while the wires it makes shared outnumber one witness's wires, i.e. while
    the extra shared-wire MSM pays. Any partition gives the same proofs.
    """
    stacked = np.stack([w.limbs for w in witnesses])  # (K, n, 4)
    count, n = stacked.shape[0], stacked.shape[1]

    def agreement(leader: int) -> np.ndarray:
        return np.asarray((stacked == stacked[leader]).all(axis=2).sum(axis=1))  # (K,) wires equal to the leader's

    owner = np.zeros(count, dtype=np.int64)
    best = agreement(0)
    groups = 1
    while groups < max_groups:
        candidate = int(np.argmin(best))
        closer = agreement(candidate)
        moves = closer > best
        if int((closer - best)[moves].sum()) <= n:
            break
        owner[moves] = groups
        best = np.maximum(best, closer)
        groups += 1
    return [np.flatnonzero(owner == g) for g in range(groups) if (owner == g).any()]


@dataclass(frozen=True)
class QueryBases(Generic[P]):
    """One query's bases that are not the point at infinity (those add nothing to an MSM).

    ``points``: the m finite bases (affine); ``columns``: (m,) int64, their wire (or
    row) indices among the query's n bases; ``table``: optional fixed-base table of ``points``.
    """

    points: P
    columns: np.ndarray
    table: FixedBaseTable[P] | None = None

    @classmethod
    def of(cls, points: P, table: bool = False) -> QueryBases[P]:
        """The finite bases among ``points``, with their fixed-base table if ``table``."""
        columns = np.flatnonzero(~points.is_infinity())
        finite = points[columns]
        return cls(finite, columns, FixedBaseTable.build(finite) if table and len(columns) else None)

    def _subset(self, positions: np.ndarray) -> QueryBases[P]:
        table = self.table.subset(positions) if self.table is not None else None
        return QueryBases(self.points[positions], self.columns[positions], table)

    def _msm_finite(self, scalars: Sequence[FieldVector]) -> P:
        """MSMs of scalar vectors already restricted to ``columns``."""
        if self.table is not None:
            return self.table.msm_many(scalars)
        return msm_many(self.points, scalars)

    def msm_many(self, scalars: Sequence[FieldVector], shared: np.ndarray | None = None) -> P:
        """[Σⱼ k_{i,j}·Pⱼ for each of the K scalar vectors (length n)]: K points.

        ``shared`` (bool (n,), from :func:`shared_columns`) marks columns equal in every
        vector: their terms are summed once and added to each result.
        """
        picked = [k[self.columns] for k in scalars]
        if shared is None or len(scalars) < 2:
            return self._msm_finite(picked)
        same = shared[self.columns]
        common = self._subset(np.flatnonzero(same))._msm_finite([picked[0][same]])
        varying = np.flatnonzero(~same)
        return self._subset(varying)._msm_finite([k[varying] for k in picked]) + common


@dataclass(frozen=True)
class ProverBases:
    """The bases of a proving key's five queries (see ``ProvingKey`` for their math)."""

    a: QueryBases[G1Points]
    b_g1: QueryBases[G1Points]
    b_g2: QueryBases[G2Points]
    l: QueryBases[G1Points]  # the private wires' query (arkworks l_query, snarkjs section "C")
    h: QueryBases[G1Points]

    @classmethod
    def plain(cls, pk: ProvingKey) -> ProverBases:
        """The queries' points, MSMs by Pippenger."""
        return cls._of(pk, table=False)

    @classmethod
    def with_tables(cls, pk: ProvingKey) -> ProverBases:
        """The queries with a fixed-base table each (window sized per query, a few MB each)."""
        return cls._of(pk, table=True)

    @classmethod
    def _of(cls, pk: ProvingKey, table: bool) -> ProverBases:
        return cls(
            QueryBases.of(pk.a_query, table),
            QueryBases.of(pk.b_g1_query, table),
            QueryBases.of(pk.b_g2_query, table),
            QueryBases.of(pk.l_query, table),
            QueryBases.of(pk.h_query, table),
        )


_TABLES: dict[int, ProverBases] = {}


def prover_bases(pk: ProvingKey, tables: bool | None = None) -> ProverBases:
    """The key's bases: with tables if ``tables`` (built on first use and kept while ``pk``
    lives), without if False, and whichever exists if None."""
    cached = _TABLES.get(id(pk))
    if tables is False or (cached is None and tables is None):
        return ProverBases.plain(pk)
    if cached is None:
        cached = ProverBases.with_tables(pk)
        _TABLES[id(pk)] = cached
        weakref.finalize(pk, _TABLES.pop, id(pk), None)
    return cached


def forget_tables(pk: ProvingKey) -> None:
    """Drop the key's cached tables (they are rebuilt on the next large batch)."""
    _TABLES.pop(id(pk), None)


__all__ = ["ProverBases", "QueryBases", "forget_tables", "prover_bases", "shared_columns", "similar_groups"]
