"""Pairing benchmarks: one pairing beside py_ecc's, Groth16-shaped pairing checks one at a
time and batched, and the batch-verification primitive (N-pair multi-Miller loop + one
final exponentiation).

Run: python3 -m pytest benchmarks/bench_pairing.py --benchmark-enable --benchmark-group-by=group
(``-k "not py_ecc"`` skips the ~1 s py_ecc round). Targets on the 2-core machine: a
4-pair check ≤ 30 ms (snarkjs's whole in-process verify: 27–37 ms); 64 checks ≤ 2 ms
per check.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import pairing_plain as plain
from zkreceipt.field import parallel
from zkreceipt.curve.pairing import (
    Fq12Element,
    PreparedG2,
    final_exponentiation,
    multi_miller_loop,
    pairing,
    pairing_check,
    pairing_checks,
    prepare_g2,
)

R = ob.curve_order
#: Distinct proofs in a batch; batches cycle through them (timing does not depend on values).
DISTINCT = 4


@dataclass(frozen=True)
class Groth16Batch:
    """Groth16-shaped checks e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1 sharing one key."""

    g1: np.ndarray  # (DISTINCT, 4, 2, 4): −A, α, vk_x, C
    g2: np.ndarray  # (DISTINCT, 4, 2, 2, 4): B, β, γ, δ
    fixed: PreparedG2  # β, γ, δ

    def check(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self.g1[i % DISTINCT], self.g2[i % DISTINCT]


@cache
def groth16_batch() -> Groth16Batch:
    alpha, beta, gamma, delta = (secrets.randbelow(R - 1) + 1 for _ in range(4))
    fixed_g2 = [ob.multiply(ob.G2, k) for k in (beta, gamma, delta)]
    g1s, g2s = [], []
    for _ in range(DISTINCT):
        a, b, x = (secrets.randbelow(R - 1) + 1 for _ in range(3))
        c = (a * b - alpha * beta - x * gamma) * pow(delta, -1, R) % R
        g1s.append(plain.g1_xy_from_py_ecc([ob.multiply(ob.G1, k) for k in (R - a, alpha, x, c)]))
        g2s.append(plain.g2_xy_from_py_ecc([ob.multiply(ob.G2, b), *fixed_g2]))
    g2 = np.stack(g2s)
    return Groth16Batch(np.stack(g1s), g2, prepare_g2(g2[0, 1:]))


@contextmanager
def threads(n: int) -> Iterator[None]:
    previous = parallel.threads()
    parallel.set_threads(n)
    try:
        yield
    finally:
        parallel.set_threads(previous)


@pytest.mark.parametrize("impl", ["zkreceipt", "py_ecc"])
def test_one_pairing(benchmark, impl: str) -> None:
    benchmark.group = "one pairing e(P, Q)"
    a, b = secrets.randbelow(R), secrets.randbelow(R)
    p, q = ob.multiply(ob.G1, a), ob.multiply(ob.G2, b)
    if impl == "zkreceipt":
        g1, g2 = plain.g1_xy_from_py_ecc([p]), plain.g2_xy_from_py_ecc([q])
        result = benchmark.pedantic(pairing, args=(g1, g2), rounds=20, warmup_rounds=1)
        assert result.to_py_ecc() == ob.pairing(q, p)
    else:
        benchmark.pedantic(ob.pairing, args=(q, p), rounds=1, warmup_rounds=0)


@pytest.mark.parametrize("prepared", [False, True], ids=["raw-g2", "prepared-g2"])
def test_pairing_check_4_pairs(benchmark, prepared: bool) -> None:
    benchmark.group = "one Groth16-shaped check (4 pairs)"
    batch = groth16_batch()
    g1, g2 = batch.check(0)
    if prepared:
        ok = benchmark.pedantic(
            pairing_check, args=(g1[:1], g2[:1]), kwargs={"prepared": [(g1[1:], batch.fixed)]},
            rounds=20, warmup_rounds=1,
        )
    else:
        ok = benchmark.pedantic(pairing_check, args=(g1, g2), rounds=20, warmup_rounds=1)
    assert ok


@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("prepared", [False, True], ids=["raw-g2", "prepared-g2"])
def test_pairing_checks_64(benchmark, prepared: bool, n_threads: int) -> None:
    benchmark.group = "64 Groth16-shaped checks, individual verdicts"
    batch = groth16_batch()
    checks = []
    for i in range(64):
        g1, g2 = batch.check(i)
        checks.append([(g1[:1], g2[:1]), (g1[1:], batch.fixed)] if prepared else [(g1, g2)])
    with threads(n_threads):
        verdicts = benchmark.pedantic(pairing_checks, args=(checks,), rounds=5, warmup_rounds=1)
    assert verdicts.all()
    benchmark.extra_info["ms_per_check"] = benchmark.stats.stats.median / 64 * 1e3


@pytest.mark.parametrize("n_threads", [1, 2])
def test_multi_miller_loop_64_pairs_and_one_final_exponentiation(benchmark, n_threads: int) -> None:
    """The batch-verification primitive: Π e(ρ_i·A_i, B_i) over 64 proofs times the three
    fixed-G2 pairs, one final exponentiation."""
    benchmark.group = "64-pair multi-Miller loop + 3 prepared pairs + 1 final exponentiation"
    batch = groth16_batch()
    g1 = np.concatenate([batch.check(i)[0][:1] for i in range(64)])
    g2 = np.concatenate([batch.check(i)[1][:1] for i in range(64)])
    fixed_g1 = batch.g1[0, 1:]

    def run() -> Fq12Element:
        return final_exponentiation(multi_miller_loop(g1, g2, prepared=[(fixed_g1, batch.fixed)]))

    with threads(n_threads):
        benchmark.pedantic(run, rounds=5, warmup_rounds=1)
