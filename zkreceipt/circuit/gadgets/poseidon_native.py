"""Poseidon over BN254 on Python ints, bit-for-bit circomlib's ``Poseidon(n)``.

The state starts as [0, inputs...]; each round adds its constants, applies x^5
to every element (full rounds) or to element 0 only (partial rounds), then
multiplies by the MDS matrix. The hash is state[0] after the last round.
This is the twin that the gadget (``poseidon.py``) is checked against.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import FieldError
from ..variable import R
from .poseidon_constants import check_arity, poseidon_parameters


def poseidon_hash(inputs: Sequence[int]) -> int:
    """circomlib's Poseidon of 1 to 16 field elements (ints in [0, r)), as an int in [0, r).

    A wrong count raises ParameterError; an element that is not an int in [0, r)
    raises FieldError naming its index.
    """
    check_arity(len(inputs))
    for index, value in enumerate(inputs):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < R:
            raise FieldError(f"poseidon_hash: input {index} = {value!r:.80} is not an int in [0, r)")
    params = poseidon_parameters(len(inputs))
    state = [0, *inputs]
    for round_index in range(params.n_rounds):
        state = [(s + c) % R for s, c in zip(state, params.round_constants_of(round_index), strict=True)]
        if params.is_full_round(round_index):
            state = [pow(s, 5, R) for s in state]
        else:
            state[0] = pow(state[0], 5, R)
        state = [sum(m * s for m, s in zip(row, state, strict=True)) % R for row in params.mds]
    return state[0]
