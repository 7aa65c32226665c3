"""Kernels on all cores: Python threads over compiled kernels that release the GIL.

A parallel kernel is a plain ``@njit(nogil=True)`` function over an index range,
``kernel(lo, hi, *args)``; :func:`parallel_for` cuts ``[0, n)`` into pieces and runs
them on a small pool of threads (the calling thread included), each thread taking the
next piece when it finishes one, so a thread the OS delays on a shared machine does not
hold up the others. numba's own ``parallel=True`` would do the same with its OpenMP
layer, but compiling a ``prange`` loop costs seconds per kernel (the parfor passes) and
idle OpenMP threads spin; a range kernel compiles like any other.

The thread count is ``NUMBA_NUM_THREADS`` (default: the cores this process may run on),
changed with :func:`set_threads`.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


def _default_threads() -> int:
    configured = os.environ.get("NUMBA_NUM_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_threads = _default_threads()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def threads() -> int:
    """Threads a parallel kernel uses."""
    return _threads


def set_threads(count: int) -> None:
    """Use ``count`` ≥ 1 threads from now on (e.g. one per process when processes share the cores)."""
    global _threads, _pool
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"thread count must be an int ≥ 1, got {count!r}")
    with _pool_lock:
        _threads = count
        if _pool is not None:
            _pool.shutdown(wait=False)
            _pool = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, _threads - 1), thread_name_prefix="zkreceipt-kernel")
        return _pool


def parallel_for(kernel: Callable[..., Any], n: int, *args: Any, pieces: int | None = None) -> None:
    """``kernel(lo, hi, *args)`` over consecutive pieces [lo, hi) covering [0, n), on all threads.

    ``pieces`` (default: the thread count) sets how finely [0, n) is cut; each piece is
    one kernel call. Pieces run concurrently only if the kernel releases the GIL.
    """
    count = min(n, pieces or _threads)
    if count <= 0:
        return
    bounds = [n * i // count for i in range(count + 1)]
    workers = min(_threads, count)
    if workers == 1:
        for i in range(count):
            kernel(bounds[i], bounds[i + 1], *args)
        return
    next_piece = itertools.count()  # next() on a count is atomic under the GIL

    def work() -> None:
        for i in iter(next_piece.__next__, None):
            if i >= count:
                return
            kernel(bounds[i], bounds[i + 1], *args)

    helpers: list[Future[None]] = [_executor().submit(work) for _ in range(workers - 1)]
    try:
        work()
    finally:
        for helper in helpers:
            helper.result()
