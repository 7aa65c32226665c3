"""MSM benchmarks (G1, G2, many MSMs over shared bases), beside the Python-int twin.

Run: python3 -m pytest benchmarks/bench_msm.py --benchmark-enable --benchmark-group-by=group
(``-k "not python"`` skips the slow Python-int rows; ``msm_table.py`` prints the
same comparison as a table, with snarkjs's multiExpAffine alongside.)
"""

from __future__ import annotations

from functools import cache

import pytest
import snarkjs_msm

from zkreceipt.curve import plain
from zkreceipt.curve.fixed_base import FixedBaseTable
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.curve.pippenger import msm, msm_many
from zkreceipt.curve.points import PointVector
from zkreceipt.field import FieldVector, Fr

GROUPS = {"G1": G1Points, "G2": G2Points}
#: Largest sizes at which the Python-int Pippenger runs in the suite (it takes ~10 s at G1 2^16).
PYTHON_MAX_LOG = {"G1": 16, "G2": 12}


@cache
def inputs(group: str, log_n: int) -> tuple[PointVector, FieldVector]:
    n = 1 << log_n
    return GROUPS[group].random(n), Fr.random(n)


CASES = [("G1", 10), ("G1", 14), ("G1", 16), ("G1", 18), ("G2", 10), ("G2", 14), ("G2", 16)]


@pytest.mark.parametrize(("group", "log_n"), CASES, ids=[f"{g}-n{1 << k}" for g, k in CASES])
@pytest.mark.parametrize("impl", ["compiled", "python-int"])
def test_msm(benchmark, group: str, log_n: int, impl: str) -> None:
    points, scalars = inputs(group, log_n)
    benchmark.group = f"{group} MSM n=2^{log_n}"
    if impl == "compiled":
        expected = msm(points, scalars)
        result = benchmark.pedantic(lambda: msm(points, scalars), rounds=3 if log_n >= 16 else 10, warmup_rounds=1)
        assert (result == expected).all()
        return
    if log_n > PYTHON_MAX_LOG[group]:
        pytest.skip("the Python-int twin is too slow at this size")
    curve = plain.curve_of(points)
    plain_points, ints = points.to_ints(), scalars.to_ints()
    result = benchmark.pedantic(lambda: plain.pippenger_msm(curve, plain_points, ints), rounds=1, iterations=1)
    assert result == msm(points, scalars).to_ints()[0]


K = 64
LOG_K_N = 10


@cache
def many_inputs() -> tuple[PointVector, list[FieldVector], FixedBaseTable]:
    points, _ = inputs("G1", LOG_K_N)
    return points, [Fr.random(1 << LOG_K_N) for _ in range(K)], FixedBaseTable.build(points)


@pytest.mark.parametrize("impl", ["separate", "msm_many", "fixed-base separate", "fixed-base msm_many"])
def test_many_msms_over_shared_bases(benchmark, impl: str) -> None:
    points, scalar_lists, table = many_inputs()
    benchmark.group = f"G1 {K} MSMs of n=2^{LOG_K_N} over one set of bases"
    run = {
        "separate": lambda: [msm(points, s) for s in scalar_lists],
        "msm_many": lambda: msm_many(points, scalar_lists),
        "fixed-base separate": lambda: [table.msm(s) for s in scalar_lists],
        "fixed-base msm_many": lambda: table.msm_many(scalar_lists),
    }[impl]
    result = benchmark.pedantic(run, rounds=5, warmup_rounds=1)
    last = result[-1] if isinstance(result, list) else result[K - 1]
    assert (last == msm(points, scalar_lists[-1])).all()
    benchmark.extra_info["per_msm_ms"] = benchmark.stats.stats.min / K * 1e3 if benchmark.stats else None


@pytest.mark.parametrize("group", ["G1", "G2"])
def test_msm_2_16_beside_snarkjs(benchmark, group: str) -> None:
    """Our MSM timed right after ffjavascript's multiExpAffine on the same inputs (seconds in extra_info)."""
    points, scalars = inputs(group, 16)
    try:
        node = snarkjs_msm.run(points, scalars, repeats=3)
    except snarkjs_msm.Unavailable as exc:
        pytest.skip(str(exc))
    benchmark.group = f"{group} MSM n=2^16 vs ffjavascript"
    result = benchmark.pedantic(lambda: msm(points, scalars), rounds=3, warmup_rounds=1)
    assert result.to_json()[0] == node.result
    benchmark.extra_info["ffjavascript_min_s"] = min(node.seconds)
    benchmark.extra_info["ffjavascript_threads"] = node.threads
    benchmark.extra_info["ratio_ffjavascript_over_ours"] = min(node.seconds) / benchmark.stats.stats.min
