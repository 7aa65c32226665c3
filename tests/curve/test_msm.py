"""Pippenger MSM against its twins: py_ecc's naive Σ kᵢ·Pᵢ, the Python-int Pippenger, and
bases of known discrete log (Σ kᵢ·(aᵢ·G) = (Σ kᵢaᵢ)·G), on random and edge inputs."""

from __future__ import annotations

import functools
import secrets

import numpy as np
import pytest
from curve_helpers import (
    GROUPS,
    Group,
    R,
    group_id,
    known_log_points,
    py_ecc_equal,
    random_scalars,
)
from py_ecc import optimized_bn128 as ob

from zkreceipt.curve import _msm_kernels, plain
from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.g2 import G2Points
from zkreceipt.curve.pippenger import default_window, msm, msm_many, window_count
from zkreceipt.errors import CurveError
from zkreceipt.field import Fr

by_group = pytest.mark.parametrize("group", GROUPS, ids=group_id)


@by_group
@pytest.mark.parametrize("n", [1, 2, 3])
def test_tiny_msm_matches_py_ecc_naive_sum(group: Group, n: int) -> None:
    points = group.cls.random(n)
    scalars = random_scalars(n - 1) + [R - 1]
    got = plain.to_py_ecc(msm(points, Fr.from_ints(scalars)))[0]
    expected = functools.reduce(ob.add, [ob.multiply(p, k) for p, k in zip(plain.to_py_ecc(points), scalars)])
    assert py_ecc_equal(got, expected)


@by_group
@pytest.mark.parametrize("window", [1, 2, 3, 5, 8, 11])
@pytest.mark.parametrize("n", [1, 2, 3, 17, 64])
def test_msm_across_sizes_and_windows(group: Group, n: int, window: int) -> None:
    bases = known_log_points(group, random_scalars(n))
    scalars = random_scalars(n)
    assert msm(bases.points, Fr.from_ints(scalars), window=window).to_ints()[0] == bases.expected_msm(group, scalars)


@by_group
def test_small_msm_matches_plain_naive_and_pippenger(group: Group) -> None:
    n = 40
    points = group.cls.random(n)
    scalars = random_scalars(n - 3) + [0, 1, R - 1]
    plain_points = points.to_ints()
    got = msm(points, Fr.from_ints(scalars)).to_ints()[0]
    assert got == plain.naive_msm(group.curve, plain_points, scalars)
    assert got == plain.pippenger_msm(group.curve, plain_points, scalars, window=4)


@pytest.mark.parametrize(
    ("group", "n", "window"),
    [
        (GROUPS[0], 3000, 2),  # ~1500 points per bucket: 11 rounds of the addition tree
        (GROUPS[0], 3000, None),
        (GROUPS[0], 3000, 16),  # large window: 32768 buckets
        (GROUPS[1], 1000, 3),
        (GROUPS[1], 1000, None),
        (GROUPS[1], 300, 14),
    ],
    ids=lambda v: v.name if hasattr(v, "name") else str(v),
)
def test_large_msm_and_large_windows(group: Group, n: int, window: int | None) -> None:
    bases = known_log_points(group, random_scalars(n))
    scalars = random_scalars(n)
    assert msm(bases.points, Fr.from_ints(scalars), window=window).to_ints()[0] == bases.expected_msm(group, scalars)


@pytest.mark.slow
@by_group
def test_largest_window(group: Group) -> None:
    bases = known_log_points(group, random_scalars(50))
    scalars = random_scalars(50)
    assert msm(bases.points, Fr.from_ints(scalars), window=20).to_ints()[0] == bases.expected_msm(group, scalars)


def test_g1_msm_matches_python_int_pippenger_at_a_few_thousand() -> None:
    n = 2000
    points = G1Points.random(n)
    scalars = random_scalars(n)
    got = msm(points, Fr.from_ints(scalars)).to_ints()[0]
    assert got == plain.pippenger_msm(plain.G1, points.to_ints(), scalars)


@by_group
@pytest.mark.parametrize(
    "case",
    ["zero_scalars", "all_r_minus_1", "all_equal_scalars", "repeated_base", "with_infinity", "p_and_minus_p"],
)
@pytest.mark.parametrize("window", [2, 9])
def test_edge_inputs(group: Group, case: str, window: int) -> None:
    n = 50
    logs = random_scalars(n)
    scalars = random_scalars(n)
    if case == "zero_scalars":
        scalars = [0] * n
    elif case == "all_r_minus_1":
        scalars = [R - 1] * n
    elif case == "all_equal_scalars":
        scalars = [scalars[0]] * n
    elif case == "repeated_base":
        logs = [logs[0]] * n
    elif case == "with_infinity":
        logs[::3] = [0] * len(logs[::3])
    elif case == "p_and_minus_p":
        logs[1::2] = [R - a for a in logs[::2]][: len(logs[1::2])]
        scalars[1::2] = scalars[::2][: len(scalars[1::2])]
    bases = known_log_points(group, logs)
    got = msm(bases.points, Fr.from_ints(scalars), window=window)
    expected = bases.expected_msm(group, scalars)
    assert got.to_ints()[0] == expected
    if case in ("zero_scalars", "p_and_minus_p"):
        assert expected is None and got.is_infinity().all()


@by_group
def test_all_points_at_infinity_and_empty_inputs(group: Group) -> None:
    assert msm(group.cls.infinity(5), Fr.random(5)).is_infinity().all()
    assert msm(group.cls.infinity(0), Fr.random(0)).is_infinity().all()
    assert len(msm_many(group.cls.random(3), [])) == 0
    empty_many = msm_many(group.cls.infinity(0), [Fr.random(0), Fr.random(0)])
    assert len(empty_many) == 2 and empty_many.is_infinity().all()


@by_group
def test_msm_many_equals_separate_msms(group: Group) -> None:
    n, count = 30, 5
    points = group.cls.random(n)
    scalar_lists = [random_scalars(n) for _ in range(count - 1)] + [[0] * n]
    many = msm_many(points, [Fr.from_ints(s) for s in scalar_lists])
    assert len(many) == count
    for j, scalars in enumerate(scalar_lists):
        assert (many[j] == msm(points, scalars)).all()
    assert many[count - 1].is_infinity().all()


def test_scalars_as_ints_and_single_point() -> None:
    g = G1Points.generator()
    assert (msm(g, [5]) == g * 5).all()
    assert (msm(g, 7) == g * 7).all()
    assert (msm(G2Points.generator(), [R - 1]) == -G2Points.generator()).all()


def test_bad_arguments() -> None:
    points = G1Points.random(3)
    with pytest.raises(CurveError, match="scalar vector 0 has 2 scalars for 3 points"):
        msm(points, Fr.random(2))
    with pytest.raises(CurveError, match="scalar vector 1 has 4 scalars"):
        msm_many(points, [Fr.random(3), Fr.random(4)])
    for window in (0, 25, 2.5, True):
        with pytest.raises(CurveError, match="window"):
            msm(points, Fr.random(3), window=window)  # type: ignore[arg-type]


def test_window_choice_grows_with_size() -> None:
    windows = [default_window(1 << log_n) for log_n in range(0, 21, 2)]
    assert windows == sorted(windows)
    assert 6 <= default_window(1 << 10) <= 9 and 11 <= default_window(1 << 16) <= 15
    assert all(window_count(c) * c >= 255 for c in range(1, 25))


def test_random_scalars_are_not_trivially_structured() -> None:
    """Guards the oracle helper itself: known-log bases really are aᵢ·G."""
    group = GROUPS[0]
    logs = [secrets.randbelow(R) for _ in range(3)]
    bases = known_log_points(group, logs)
    for p, a in zip(bases.points.to_ints(), logs):
        assert p == plain.multiply(plain.G1, plain.G1.generator, a)


@pytest.mark.parametrize("c", [1, 2, 5, 8, 13, 16, 20, 24])
def test_compiled_signed_digits_match_the_plain_recoding(c: int) -> None:
    """Digits computed per window (carry found by looking down) equal the sequential recoding,
    including carry chains through digits equal to 2^(c−1)."""
    windows = window_count(c)
    half = 1 << (c - 1)
    chain = sum(half << (c * w) for w in range(253 // c))  # every window exactly half
    scalars = [0, 1, R - 1, R - 2, (R - 1) // 2, chain % R, (chain + 1) % R, (chain << 1) % R]
    scalars += [((1 << (c * 3)) - 1) % R] + random_scalars(8)
    k = Fr.from_ints(scalars).to_standard_words()
    digits = np.empty(windows * len(scalars), dtype=np.int32)
    _msm_kernels.task_digits(k, len(scalars), 0, 0, c, 0, digits)
    got = digits.reshape(windows, len(scalars)).T.tolist()
    assert got == [plain.signed_digits(s, c, windows) for s in scalars]
