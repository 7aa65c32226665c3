"""Groth16 prove/verify times with the prover's phases split out.

Run: python3 benchmarks/groth16_table.py [--max-log 16] [--repeats 3]
Circuits: multiplication chains of 2^k − 2 constraints (circom's classic benchmark)
and a Poseidon chain. Phase columns time the same library calls the prover makes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from zkreceipt.circuit import Circuit, compile_circuit
from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.circuits.poseidon_chain import PoseidonChain
from zkreceipt.curve import msm
from zkreceipt.groth16 import prove, setup_development, verify
from zkreceipt.groth16.r1cs_to_qap import constraint_evaluations, quotient_from_evaluations


def best(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(name: str, circuit: Circuit, inputs: dict[str, int], repeats: int) -> str:
    start = time.perf_counter()
    compiled = compile_circuit(circuit)
    compile_s = time.perf_counter() - start
    witness_s = best(lambda: compiled.solve(inputs), repeats)
    witness = compiled.solve(inputs)
    w, public = witness.values, list(witness.public_signals)
    start = time.perf_counter()
    pk = setup_development(compiled.r1cs)
    setup_s = time.perf_counter() - start
    proof = prove(pk, w)  # warm-up: compiles any kernel not yet cached
    verify(pk.vk, public, proof)
    eval_s = best(lambda: constraint_evaluations(pk.qap, w), repeats)
    aw, bw = constraint_evaluations(pk.qap, w)
    ntt_s = best(lambda: quotient_from_evaluations(aw, bw), repeats)
    h = quotient_from_evaluations(aw, bw)
    private = w[pk.n_public + 1 :]
    g1_s = best(
        lambda: (msm(pk.a_query, w), msm(pk.b_g1_query, w), msm(pk.l_query, private), msm(pk.h_query, h)), repeats
    )
    g2_s = best(lambda: msm(pk.b_g2_query, w), repeats)
    prove_s = best(lambda: prove(pk, w), repeats)
    verify_s = best(lambda: verify(pk.vk, public, proof), max(repeats, 5))
    n = compiled.r1cs.n_constraints
    return (
        f"| {name} | {n:,} | {compile_s:.2f} | {setup_s:.2f} | {witness_s * 1e3:.0f} | {eval_s * 1e3:.1f} | "
        f"{ntt_s * 1e3:.1f} | {g1_s * 1e3:.0f} | {g2_s * 1e3:.0f} | **{prove_s * 1e3:.0f}** | {verify_s * 1e3:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-log", type=int, default=16, help="largest multiplication chain, 2^k constraints")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(
        "| circuit | constraints | compile s | dev setup s | witness ms | R1CS eval ms | NTTs ms "
        "| G1 MSMs ms | G2 MSM ms | prove ms | verify ms |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for log_n in range(10, args.max_log + 1, 2):
        print(measure(f"mul chain 2^{log_n}", MulChain((1 << log_n) - 2), {"a": 3, "b": 5}, args.repeats), flush=True)
    print(measure("Poseidon chain ×16", PoseidonChain(16), {"seed": 1, "salt": 2}, args.repeats), flush=True)


if __name__ == "__main__":
    main()
