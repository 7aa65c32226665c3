"""Poseidon over BN254 on Python ints, bit-for-bit circomlib's ``Poseidon(n)``.

The state starts as [0, inputs...]; each round adds its constants, applies x^5
to every element (full rounds) or to element 0 only (partial rounds), then
multiplies by the MDS matrix. The hash is state[0] after the last round.

:func:`poseidon_hash` runs the partial rounds in their sparse form
(``poseidon_sparse.py``, as the gadget does): 2t − 1 products per partial round
instead of t², about a quarter of the work for a receipt's 11-element state.
:func:`poseidon_hash_dense` is the rounds exactly as written above, the plain twin
both the fast hash and the gadget (``poseidon.py``) are checked against.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import FieldError
from ..variable import R
from .poseidon_constants import PoseidonParameters, check_arity, poseidon_parameters
from .poseidon_sparse import sparse_schedule


def _checked_parameters(inputs: Sequence[int]) -> PoseidonParameters:
    check_arity(len(inputs))
    for index, value in enumerate(inputs):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < R:
            raise FieldError(f"poseidon_hash: input {index} = {value!r:.80} is not an int in [0, r)")
    return poseidon_parameters(len(inputs))


def _pow5(x: int) -> int:
    square = x * x % R
    return square * square % R * x % R


def _full_round(state: list[int], constants: Sequence[int], matrix: Sequence[Sequence[int]]) -> list[int]:
    boxed = [_pow5((s + c) % R) for s, c in zip(state, constants)]
    return [sum(m * s for m, s in zip(row, boxed)) % R for row in matrix]


def poseidon_hash(inputs: Sequence[int]) -> int:
    """circomlib's Poseidon of 1 to 16 field elements (ints in [0, r)), as an int in [0, r).

    A wrong count raises ParameterError; an element that is not an int in [0, r)
    raises FieldError naming its index.
    """
    params = _checked_parameters(inputs)
    schedule = sparse_schedule(len(inputs))
    half = params.full_rounds // 2
    state = [0, *inputs]
    for round_index in range(half):
        matrix = schedule.entry_matrix if round_index == half - 1 else params.mds
        state = _full_round(state, params.round_constants_of(round_index), matrix)
    for round_ in schedule.partial_rounds:
        state = [s + c for s, c in zip(state, round_.constants)]
        first = _pow5(state[0] % R)
        rest = state[1:]
        state = [
            (round_.first_row[0] * first + sum(m * s for m, s in zip(round_.first_row[1:], rest))) % R,
            *((s + f * first) % R for s, f in zip(rest, round_.first_column)),
        ]
    for round_index in range(half + params.partial_rounds, params.n_rounds):
        state = _full_round(state, params.round_constants_of(round_index), params.mds)
    return state[0]


def poseidon_hash_dense(inputs: Sequence[int]) -> int:
    """:func:`poseidon_hash` with every round's dense t × t matrix product (the plain twin)."""
    params = _checked_parameters(inputs)
    state = [0, *inputs]
    for round_index in range(params.n_rounds):
        state = [(s + c) % R for s, c in zip(state, params.round_constants_of(round_index), strict=True)]
        if params.is_full_round(round_index):
            state = [pow(s, 5, R) for s in state]
        else:
            state[0] = pow(state[0], 5, R)
        state = [sum(m * s for m, s in zip(row, state, strict=True)) % R for row in params.mds]
    return state[0]
