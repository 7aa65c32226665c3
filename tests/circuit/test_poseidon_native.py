"""The fast native Poseidon (sparse partial rounds) against its dense plain twin."""

from __future__ import annotations

import random

import pytest

from zkreceipt.circuit import R
from zkreceipt.circuit.gadgets import POSEIDON_MAX_INPUTS, poseidon_hash
from zkreceipt.circuit.gadgets.poseidon_native import poseidon_hash_dense
from zkreceipt.errors import FieldError


@pytest.mark.parametrize("n_inputs", range(1, POSEIDON_MAX_INPUTS + 1))
def test_sparse_rounds_equal_dense_rounds(n_inputs: int) -> None:
    rng = random.Random(n_inputs)
    samples = [[rng.randrange(R) for _ in range(n_inputs)] for _ in range(3)]
    samples += [[0] * n_inputs, [R - 1] * n_inputs]
    for inputs in samples:
        assert poseidon_hash(inputs) == poseidon_hash_dense(inputs)


def test_one_changed_input_changes_the_hash() -> None:
    inputs = list(range(1, 11))
    digest = poseidon_hash(inputs)
    for index in range(len(inputs)):
        changed = inputs.copy()
        changed[index] += 1
        assert poseidon_hash(changed) != digest


def test_dense_twin_checks_its_inputs_too() -> None:
    with pytest.raises(FieldError, match="input 1"):
        poseidon_hash_dense([1, R])
