"""The Poseidon gadget: circomlib's ``Poseidon(n)`` as constraints.

Strategy: the rounds of the native twin (``poseidon_native.py``), with the
partial rounds in their sparse form (``poseidon_sparse.py``). Adding round
constants and the linear layers only rewrite linear combinations (free); each
S-box x^5 is x² = x·x, x⁴ = x²·x², x⁵ = x⁴·x (3 constraints), and an S-box of a
constant (element 0 of the first round: 0 + c) folds to a constant. The sparse
partial rounds change nothing in the constraints' count or meaning, only the
work of building them: O(t) combinations per round instead of a t × t product.

Cost: 3·(R_F·t + R_P) − 3 constraints for t = n + 1: 213 for 1 input, 240 for 2
(circomlib's count), 609 for 16 (R_F = 8, R_P from circomlib's table).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..api import CircuitAPI
from ..naming import gadget
from ..variable import ONE_WIRE, R, Variable, VariableLike, as_variable
from .poseidon_constants import check_arity, poseidon_parameters
from .poseidon_sparse import SparsePartialRound, sparse_schedule


def _pow5(api: CircuitAPI, x: Variable) -> Variable:
    square = api.square(x, label="x²")
    fourth = api.square(square, label="x⁴")
    return api.mul(fourth, x, label="x⁵")


def _full_round(
    api: CircuitAPI, state: list[Variable], constants: Sequence[int], matrix: Sequence[Sequence[int]]
) -> list[Variable]:
    boxed = [_pow5(api, s + c) for s, c in zip(state, constants, strict=True)]
    return [api.linear_combination(row, boxed) for row in matrix]


def _add_in_place(target: dict[int, int], source: dict[int, int], factor: int) -> None:
    """target += factor·source, merging terms and dropping zeros."""
    for wire, coeff in source.items():
        total = (target.get(wire, 0) + factor * coeff) % R
        if total:
            target[wire] = total
        else:
            target.pop(wire, None)


def _partial_rounds(api: CircuitAPI, state: list[Variable], rounds: Sequence[SparsePartialRound]) -> list[Variable]:
    # Elements 1..t−1 gain one term per round: they are private dicts updated in place, never
    # handed to the builder until the rounds end. Element 0 is rebuilt every round.
    terms = [dict(s.terms) for s in state]
    for round_ in rounds:
        for element, constant in zip(terms, round_.constants, strict=True):
            _add_in_place(element, {ONE_WIRE: 1}, constant)
        boxed = _pow5(api, Variable(terms[0]))
        new_first = api.linear_combination(round_.first_row, [boxed, *(Variable(t) for t in terms[1:])])
        for element, factor in zip(terms[1:], round_.first_column, strict=True):
            _add_in_place(element, boxed.terms, factor)
        terms[0] = new_first.terms
    return [Variable(t) for t in terms]


@gadget
def poseidon_gadget(api: CircuitAPI, inputs: Sequence[VariableLike]) -> Variable:
    """circomlib's Poseidon of 1 to 16 variables (see the module docstring for the cost)."""
    check_arity(len(inputs))
    params = poseidon_parameters(len(inputs))
    schedule = sparse_schedule(len(inputs))
    half = params.full_rounds // 2
    state = [Variable.constant(0)] + [as_variable(v, "poseidon input") for v in inputs]
    for round_index in range(half):
        matrix = schedule.entry_matrix if round_index == half - 1 else params.mds
        state = _full_round(api, state, params.round_constants_of(round_index), matrix)
    state = _partial_rounds(api, state, schedule.partial_rounds)
    for round_index in range(half + params.partial_rounds, params.n_rounds):
        state = _full_round(api, state, params.round_constants_of(round_index), params.mds)
    return state[0]
