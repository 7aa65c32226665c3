"""Long G2 vectors are subgroup-checked once per machine; the record covers exactly their bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from zkreceipt.curve import G2Points, plain, subgroup_cache
from zkreceipt.curve import g2 as g2_module
from zkreceipt.errors import CurveError

N = subgroup_cache.MIN_POINTS


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(subgroup_cache.CACHE_ENVIRONMENT_VARIABLE, str(tmp_path))
    return tmp_path / "subgroup-checked"


@pytest.fixture
def subgroup_tests(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many points each call of the G2 subgroup kernel tested."""
    calls: list[int] = []
    kernel = g2_module._g2_kernels.in_subgroup

    def counting(a):  # type: ignore[no-untyped-def]
        calls.append(a.shape[0])
        return kernel(a)

    monkeypatch.setattr(g2_module._g2_kernels, "in_subgroup", counting)
    return calls


def test_a_vector_is_checked_once_then_recognised_by_its_bytes(cache: Path, subgroup_tests: list[int]) -> None:
    data, other = (G2Points.random(N).to_montgomery_bytes() for _ in range(2))
    subgroup_tests.clear()  # drawing the points checked the generator
    first = G2Points.from_montgomery_bytes(data)
    assert subgroup_tests == [N] and len(list(cache.iterdir())) == 1
    again = G2Points.from_montgomery_bytes(data)
    assert subgroup_tests == [N]  # not tested again
    assert (again == first).all()
    G2Points.from_montgomery_bytes(other)
    assert subgroup_tests == [N, N]


def test_a_point_outside_g2_is_refused_and_nothing_is_recorded(cache: Path, subgroup_tests: list[int]) -> None:
    good = G2Points.random(N)
    outside = plain.unchecked_points(G2Points, [plain.random_twist_point()])
    assert outside.is_on_curve().all() and not outside.is_in_subgroup().any()
    bad = G2Points.concatenate([good[: N - 1], outside]).to_montgomery_bytes()
    G2Points.from_montgomery_bytes(good.to_montgomery_bytes())  # recorded: a different vector
    for _ in range(2):  # refused every time: its bytes are never recorded
        with pytest.raises(CurveError, match=f"G2 point {N - 1} is not in the subgroup"):
            G2Points.from_montgomery_bytes(bad)
    assert len(list(cache.iterdir())) == 1


def test_a_recorded_vector_is_still_checked_on_the_curve(cache: Path) -> None:
    points = G2Points.random(N)
    data = points.to_montgomery_bytes()
    G2Points.from_montgomery_bytes(data)
    # A record made under another vector's name cannot vouch for an off-curve point:
    # plant one for a vector with a point off the twist, as a tampered cache would.
    g = points.to_ints()[0]
    off = G2Points.concatenate([points[: N - 1], plain.unchecked_points(G2Points, [(g[0], g[0])])])
    off_bytes = off.to_montgomery_bytes()
    (cache / subgroup_cache.digest("G2", off_bytes)).touch()
    with pytest.raises(CurveError, match=f"G2 point {N - 1} is not on the curve"):
        G2Points.from_montgomery_bytes(off_bytes)


def test_short_vectors_are_always_checked(cache: Path, subgroup_tests: list[int]) -> None:
    data = G2Points.random(3).to_montgomery_bytes()
    subgroup_tests.clear()
    G2Points.from_montgomery_bytes(data)
    G2Points.from_montgomery_bytes(data)
    assert subgroup_tests == [3, 3]
    assert not cache.exists()


def test_an_unwritable_cache_only_means_checking_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subgroup_tests: list[int]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(subgroup_cache.CACHE_ENVIRONMENT_VARIABLE, str(blocker))
    data = G2Points.random(N).to_montgomery_bytes()
    subgroup_tests.clear()
    G2Points.from_montgomery_bytes(data)
    G2Points.from_montgomery_bytes(data)
    assert subgroup_tests == [N, N]
