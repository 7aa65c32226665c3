"""Compile the numba kernels ahead of first use, in parallel processes: ``python -m zkreceipt.warmup``.

numba compiles a kernel on its first call and caches the machine code on disk
(``__pycache__/*.nbi|*.nbc`` beside the sources, or ``$NUMBA_CACHE_DIR``); one process
compiles one kernel at a time. This module runs small real workloads that reach every
kernel a command uses, split into groups that share few kernels (G1 with the field, the
NTT, the solver and the QAP; G2; the pairing), one process per group, so a cold cache
fills on all cores at once. ``scripts/test.sh`` and ``scripts/demo.sh`` run it after
installing, and ``zkreceipt demo`` runs it on a cold cache. Anything it misses still
compiles on first use: the warm-up changes when kernels compile, never what they compute.

Usage: ``python -m zkreceipt.warmup [GROUP …]`` (default: g1, g2 and pairing, in parallel;
``verify-g1 verify-g2 miller final-exp`` is what ``zkreceipt verify`` runs on a cold cache).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence


def _g1_and_field() -> None:
    from .circuit import compile_circuit
    from .circuits.mul_chain import MulChain
    from .curve import FixedBaseTable, G1Points, msm, msm_many
    from .curve.pippenger import mul_short_scalars
    from .curve.sparse_sums import sparse_sums
    from .field import Fr, coset_intt, coset_ntt, intt, ntt
    from .groth16.r1cs_to_qap import (
        lagrange_at,
        odd_lagrange_at,
        qap_matrices,
        quotient_evaluations,
        quotient_evaluations_many,
        wire_polynomials_at,
    )

    compiled = compile_circuit(MulChain(6))
    witness = compiled.solve({"a": 3, "b": 5}).values
    qap = qap_matrices(compiled.r1cs)
    quotient_evaluations(qap, witness)
    quotient_evaluations_many(qap, [witness, witness])
    wire_polynomials_at(qap.a, lagrange_at(qap.domain_size, 12345))  # the development setup's evaluations at τ
    odd_lagrange_at(qap.domain_size, 12345)
    v = Fr.random(8)
    (v.inv() * v + v - v).sum()
    v.inner(v), v**5, -v
    coset_intt(coset_ntt(intt(ntt(v))))
    _group_workload(G1Points, msm, msm_many, mul_short_scalars, FixedBaseTable)
    points = G1Points.random(4)
    sparse_sums(points, Fr.random(4), [0, 0, 1, 1], 2)


def _g2() -> None:
    from .curve import FixedBaseTable, G2Points, msm, msm_many
    from .curve.pippenger import mul_short_scalars

    _group_workload(G2Points, msm, msm_many, mul_short_scalars, FixedBaseTable)


def _pairing() -> None:
    """The pairing's kernels only: its points are built from Python ints without validation
    (validating G2 points compiles the G2 group's kernels, which the "g2" group does)."""
    from .curve import G1Points, G2Points, pairing_check
    from .curve._params import G1_GENERATOR, G2_GENERATOR, mont_words
    from .curve.pairing import pairing_tower_ints
    from .quickverify.arithmetic import Q, g1_mul, g2_mul

    def g1(points: list) -> G1Points:  # type: ignore[type-arg]
        return G1Points(mont_words([c for p in points for c in p]).reshape(-1, 2, 4))

    def g2(points: list) -> G2Points:  # type: ignore[type-arg]
        return G2Points(mont_words([c for p in points for xy in p for c in xy]).reshape(-1, 2, 2, 4))

    k = 987654321
    kg, minus_g = g1_mul(G1_GENERATOR, k), (G1_GENERATOR[0], -G1_GENERATOR[1] % Q)
    kh = g2_mul(G2_GENERATOR, k)
    # e(kG, H)·e(−G, kH) = 1, and as a 16-pair loop split over the cores (a batch verification).
    # (Prepared G2 points and many independent checks, which no command uses, compile on first use.)
    pairing_check(g1([kg, minus_g]), g2([G2_GENERATOR, kh]))
    pairing_check(g1([kg, minus_g] * 8), g2([G2_GENERATOR, kh] * 8))
    pairing_tower_ints(g1([G1_GENERATOR]), g2([G2_GENERATOR]))  # a verification key's vk_alphabeta_12


def _verify_g1() -> None:
    """What one verification needs of G1 and Fr: reading points, the vk_x sum, negation."""
    from .curve import G1Points, msm
    from .curve._params import G1_GENERATOR
    from .field import Fr
    from .quickverify.arithmetic import g1_mul

    points = G1Points.from_ints([g1_mul(G1_GENERATOR, k) for k in (2, 3, 5)])
    points = G1Points.from_json(points.to_json())
    -(msm(points, Fr.from_ints([7, 11, 13])))


def _verify_g2() -> None:
    """What one verification needs of G2: reading points, the subgroup test."""
    from .curve import G2Points

    G2Points.from_json(G2Points.generator().to_json())


def _miller() -> None:
    """One verification's Miller loop (4 pairs, one thread)."""
    from .curve import G1Points, G2Points
    from .curve._params import G1_GENERATOR, G2_GENERATOR, mont_words
    from .curve.pairing import multi_miller_loop

    g1 = G1Points(mont_words(list(G1_GENERATOR) * 4).reshape(4, 2, 4))
    g2 = G2Points(mont_words([c for xy in G2_GENERATOR for c in xy] * 4).reshape(4, 2, 2, 4))
    multi_miller_loop(g1, g2)


def _final_exponentiation() -> None:
    from .curve.pairing import Fq12Element, final_exponentiation

    final_exponentiation(Fq12Element.one())


def _group_workload(group, msm, msm_many, mul_short_scalars, table_type) -> None:  # type: ignore[no-untyped-def]
    """The point-vector operations the prover, the verifier and the key files use, on tiny inputs."""
    from .field import Fr

    points = group.generator() * Fr.random(20)  # comb table
    points = points * Fr.random(20)  # one scalar each
    group.from_json(points.to_json())
    group.from_montgomery_bytes(points.to_montgomery_bytes())
    group.from_evm_bytes(points.to_evm_bytes())
    (points + points - points).sum()
    msm(points, Fr.random(20))
    msm_many(points, [Fr.random(20), Fr.random(20)])
    table_type.build(points).msm_many([Fr.random(20), Fr.random(20)])
    mul_short_scalars(points, Fr.from_ints(list(range(1, 21))), 128)


GROUPS: dict[str, Callable[[], None]] = {
    "g1": _g1_and_field,
    "g2": _g2,
    "pairing": _pairing,
    "verify-g1": _verify_g1,
    "verify-g2": _verify_g2,
    "miller": _miller,
    "final-exp": _final_exponentiation,
}
#: Everything a command may need (the default), and just what one verification needs.
ALL_GROUPS = ("g1", "g2", "pairing")
VERIFY_GROUPS = ("verify-g1", "verify-g2", "miller", "final-exp")


def compile_kernels(groups: Sequence[str] = ALL_GROUPS) -> float:
    """Run the warm-up groups in parallel child processes; the seconds it took. RuntimeError if one fails."""
    started = time.perf_counter()
    children = [
        subprocess.Popen([sys.executable, "-m", "zkreceipt.warmup", name], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for name in groups
    ]
    failures = []
    for name, child in zip(groups, children):
        _, stderr = child.communicate()
        if child.returncode:
            failures.append(f"{name}: {stderr.decode(errors='replace').strip()[-2000:]}")
    if failures:
        raise RuntimeError("kernel warm-up failed:\n" + "\n".join(failures))
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    names = list(sys.argv[1:] if argv is None else argv)
    unknown = [name for name in names if name not in GROUPS]
    if unknown:
        raise SystemExit(f"unknown warm-up group {unknown[0]!r}; groups: {', '.join(GROUPS)}")
    if len(names) == 1:
        GROUPS[names[0]]()
        return
    seconds = compile_kernels(names or ALL_GROUPS)
    print(f"zkreceipt kernels ready ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
