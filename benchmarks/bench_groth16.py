"""Groth16 prove and verify (pytest-benchmark); the phase split is in groth16_table.py.

Run: python3 -m pytest benchmarks/bench_groth16.py --benchmark-enable
Batch proving and verification of 32 proofs of a 2^10 chain sit beside their one-at-a-time
twins (groups "groth16 prove ×32", "groth16 verify ×32"); throughput_table.py measures the
receipt circuit.
"""

from __future__ import annotations

import pytest

from zkreceipt.circuit import compile_circuit
from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.groth16 import prove, prove_batch, setup_development, verify, verify_batch
from zkreceipt.groth16.prover_bases import forget_tables

BATCH = 32


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


@pytest.fixture(scope="module")
def chain_batch():  # type: ignore[no-untyped-def]
    compiled = compile_circuit(MulChain((1 << 10) - 2))
    witnesses = [compiled.solve({"a": 3 + i, "b": 5}) for i in range(BATCH)]
    pk = setup_development(compiled.r1cs)
    values = [w.values for w in witnesses]
    proofs = prove_batch(pk, values)
    return pk, values, [list(w.public_signals) for w in witnesses], proofs


@pytest.mark.parametrize("mode", ["one at a time", "prove_batch", "prove_batch, tables"])
def test_prove_many(benchmark, chain_batch, mode: str) -> None:  # type: ignore[no-untyped-def]
    pk, values, _, _ = chain_batch
    benchmark.group = f"groth16 prove ×{BATCH}"
    forget_tables(pk)
    if mode == "one at a time":
        benchmark.pedantic(lambda: [prove(pk, w) for w in values], rounds=2, warmup_rounds=1)
    else:
        tables = mode.endswith("tables")
        benchmark.pedantic(lambda: prove_batch(pk, values, tables=tables), rounds=2, warmup_rounds=1)
    forget_tables(pk)


@pytest.mark.parametrize("mode", ["one at a time", "verify_batch"])
def test_verify_many(benchmark, chain_batch, mode: str) -> None:  # type: ignore[no-untyped-def]
    pk, _, publics, proofs = chain_batch
    benchmark.group = f"groth16 verify ×{BATCH}"
    if mode == "one at a time":
        verdicts = benchmark.pedantic(
            lambda: [verify(pk.vk, p, proof) for p, proof in zip(publics, proofs, strict=True)], rounds=3
        )
        assert all(verdicts)
    else:
        result = benchmark.pedantic(verify_batch, args=(pk.vk, publics, proofs), rounds=3, warmup_rounds=1)
        assert result.all_valid
