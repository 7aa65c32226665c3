"""parallel_for: every index once, in pieces, on several threads; errors surface."""

from __future__ import annotations

import threading

import pytest

from zkreceipt.field import parallel


@pytest.fixture
def threads():  # type: ignore[no-untyped-def]
    previous = parallel.threads()
    yield parallel.set_threads
    parallel.set_threads(previous)


@pytest.mark.parametrize(("count", "n", "pieces"), [(1, 10, None), (2, 10, None), (3, 100, 7), (4, 5, 50), (2, 0, None)])
def test_pieces_cover_the_range_once(threads, count: int, n: int, pieces: int | None) -> None:  # type: ignore[no-untyped-def]
    threads(count)
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    def kernel(lo: int, hi: int, tag: str) -> None:
        assert tag == "x"
        with lock:
            seen.append((lo, hi))

    parallel.parallel_for(kernel, n, "x", pieces=pieces)
    covered = sorted(i for lo, hi in seen for i in range(lo, hi))
    assert covered == list(range(n))
    assert all(lo < hi for lo, hi in seen)
    assert len(seen) == min(n, pieces or count)


def test_pieces_run_on_several_threads(threads) -> None:  # type: ignore[no-untyped-def]
    threads(2)
    names: set[str] = set()
    both = threading.Barrier(2, timeout=10)

    def kernel(lo: int, hi: int) -> None:
        names.add(threading.current_thread().name)
        both.wait()  # only passes if two pieces run at the same time

    parallel.parallel_for(kernel, 2)
    assert len(names) == 2


def test_an_error_in_a_piece_is_raised(threads) -> None:  # type: ignore[no-untyped-def]
    threads(2)

    def kernel(lo: int, hi: int) -> None:
        if lo > 0:
            raise ValueError(f"piece {lo}")

    with pytest.raises(ValueError, match="piece"):
        parallel.parallel_for(kernel, 10, pieces=4)


def test_thread_count_must_be_positive() -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="thread count"):
            parallel.set_threads(bad)  # type: ignore[arg-type]
