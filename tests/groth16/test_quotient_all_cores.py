"""One large witness's quotient, its transforms spread over the cores, equals the batched kernel's."""

from __future__ import annotations

import numpy as np

from zkreceipt.circuit import compile_circuit
from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.field import parallel
from zkreceipt.field.ntt import PARALLEL_MIN_SIZE
from zkreceipt.groth16.r1cs_to_qap import qap_matrices, quotient_evaluations_many


def test_single_witness_path_equals_the_batched_kernel() -> None:
    compiled = compile_circuit(MulChain(2 * PARALLEL_MIN_SIZE - 2))
    qap = qap_matrices(compiled.r1cs)
    assert qap.domain_size == 2 * PARALLEL_MIN_SIZE
    witness = compiled.solve({"a": 3, "b": 5}).values
    other = compiled.solve({"a": 7, "b": 11}).values
    previous = parallel.threads()
    parallel.set_threads(2)
    try:
        (spread,) = quotient_evaluations_many(qap, [witness])  # one witness: the all-cores path
    finally:
        parallel.set_threads(previous)
    batched = quotient_evaluations_many(qap, [witness, other])  # two: one witness per kernel call
    assert np.array_equal(spread.limbs, batched[0].limbs)
    assert not np.array_equal(batched[0].limbs, batched[1].limbs)
