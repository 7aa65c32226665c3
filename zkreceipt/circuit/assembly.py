"""Assembly: the builder's constraints and wires, laid out as an R1CS in final wire order.

The builder numbers wires provisionally (outputs reserved up front); an output
that took over an internal wire moves that wire into the output's slot, and
the internal wires after it move down. ``final_order`` lists, for each final
wire, the builder id whose value it holds; ``final_of`` maps every builder id
(aliased output slots included) to its final index.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from ..field import FieldVector, Fr
from ..r1cs import R1CS, SparseMatrix
from .api import CircuitAPI, ConstraintList
from .declarations import SignalLayout
from .naming import Origin


class WireOrder(NamedTuple):
    """``final_order``: builder id of each final wire, None when every wire keeps its id;
    ``final_of``: (n_builder_wires,) int64, the final index of each builder id."""

    final_order: tuple[int, ...] | None
    final_of: np.ndarray


def final_wire_order(api: CircuitAPI) -> WireOrder:
    """Where each wire ends up once outputs have taken over the internal wires bound to them."""
    if not api.output_aliases:
        return WireOrder(None, np.arange(api.n_wires, dtype=np.int64))
    aliased = set(api.output_aliases.values())
    head = [api.output_aliases.get(wire, wire) for wire in range(api.first_internal_wire)]
    order = head + [wire for wire in range(api.first_internal_wire, api.n_wires) if wire not in aliased]
    final_of = np.empty(api.n_wires, dtype=np.int64)
    final_of[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    for output in api.output_aliases:
        final_of[output] = output
    return WireOrder(tuple(order), final_of)


def _coefficients(values: list[int]) -> FieldVector:
    """Fr vector of ``values``, converting each distinct coefficient once."""
    index: dict[int, int] = {}
    positions = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    distinct = Fr.from_ints(list(index))
    return FieldVector(Fr, distinct.limbs[positions])


def _matrix(rows: list[dict[int, int]], final_of: np.ndarray, n_wires: int) -> SparseMatrix:
    """One of A, B, C from its rows' terms dicts (builder wire id → coefficient)."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    nnz = int(lengths.sum())
    row_index = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    cols = final_of[np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=nnz)]
    coeffs = _coefficients(list(chain.from_iterable(row.values() for row in rows)))
    return SparseMatrix(row_index, cols, coeffs, len(rows), n_wires)


def _constraint_names(origins: Sequence[Origin]) -> tuple[str, ...]:
    described: dict[Origin, str] = {}
    return tuple(described.get(o) or described.setdefault(o, o.describe()) for o in origins)


def wire_names(layouts: Sequence[SignalLayout], n_wires: int) -> tuple[str, ...]:
    """ "one", then each signal element's name, then ``internal[k]``, in final wire order."""
    names = ["one"] + [element for layout in layouts for element in layout.element_names()]
    return tuple(names + [f"internal[{k}]" for k in range(n_wires - len(names))])


def build_r1cs(
    constraints: ConstraintList, final_of: np.ndarray, n_wires: int, n_public: int, names: tuple[str, ...]
) -> R1CS:
    """The R1CS of ``constraints`` with builder wire ids mapped through ``final_of``."""
    a, b, c = (_matrix(rows, final_of, n_wires) for rows in (constraints.a, constraints.b, constraints.c))
    return R1CS(n_wires, n_public, a, b, c, names, _constraint_names(constraints.origins))
