"""Groth16 prove and verify (pytest-benchmark); the phase split is in groth16_table.py.

Run: python3 -m pytest benchmarks/bench_groth16.py --benchmark-enable
"""

from __future__ import annotations

import pytest

from zkreceipt.circuit import compile_circuit
from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.groth16 import prove, setup_development, verify


@pytest.fixture(scope="module", params=[10, 12, 14], ids=lambda k: f"2^{k}")
def keyed_chain(request):  # type: ignore[no-untyped-def]
    compiled = compile_circuit(MulChain((1 << request.param) - 2))
    witness = compiled.solve({"a": 3, "b": 5})
    pk = setup_development(compiled.r1cs)
    proof = prove(pk, witness.values)
    return pk, witness, proof


def test_prove(benchmark, keyed_chain) -> None:  # type: ignore[no-untyped-def]
    pk, witness, _ = keyed_chain
    benchmark.group = "groth16 prove"
    benchmark.pedantic(prove, args=(pk, witness.values), rounds=3, warmup_rounds=1)


def test_verify(benchmark, keyed_chain) -> None:  # type: ignore[no-untyped-def]
    pk, witness, proof = keyed_chain
    benchmark.group = "groth16 verify"
    result = benchmark.pedantic(
        verify, args=(pk.vk, list(witness.public_signals), proof), rounds=10, warmup_rounds=1
    )
    assert result
