"""Micro-batching: concurrent verification requests share one batched pairing check.

Requests put their bundles in a queue and wait. One collector takes the
first waiting request, then everything already queued; if the previous batch
held more than one request (the service is under load), it also waits up to
``window`` seconds for more, until ``max_items`` bundles are collected. The
batch runs off the event loop (in the verifier's thread or process) while the next one
gathers, and up to ``in_flight`` batches are handed over at once: the next
batch waits at the verifier, not at the event loop, so the verifier does not
idle while the responses of the last batch are written and new requests read. Under load a batch of N bundles costs about N + 3 Miller loops and
one final exponentiation (:func:`zkreceipt.groth16.batch_verifier.verify_batch`)
instead of N single checks; an idle service answers at once, without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Request(Generic[T, R]):
    items: Sequence[T]
    done: asyncio.Future[list[R]] = field(repr=False)


class MicroBatcher(Generic[T, R]):
    """Collects items from concurrent callers and awaits ``run(items) -> results`` once per batch.

    ``run`` does the work off the event loop (in the verifier's thread or process).
    """

    def __init__(
        self, run: Callable[[list[T]], Awaitable[list[R]]], *, window: float, max_items: int, in_flight: int = 2
    ) -> None:
        self._run_batch = run
        self._slots = asyncio.Semaphore(in_flight)
        self._running: set[asyncio.Task[None]] = set()
        self._window = window
        self._max_items = max_items
        self._queue: asyncio.Queue[_Request[T, R]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._last_batch_requests = 0
        self.batches = 0
        self.items = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="zkreceipt-micro-batcher")

    async def stop(self) -> None:
        for task in list(self._running):
            task.cancel()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def submit(self, items: Sequence[T]) -> list[R]:
        """The results for ``items``, in order, computed in some batch with other callers' items."""
        if self._task is None:
            raise RuntimeError("the micro-batcher is not running")
        request: _Request[T, R] = _Request(items, asyncio.get_running_loop().create_future())
        await self._queue.put(request)
        return await request.done

    async def _collect(self) -> list[_Request[T, R]]:
        batch = [await self._queue.get()]
        count = len(batch[0].items)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self._window if self._last_batch_requests > 1 else 0.0)
        while count < self._max_items:
            if self._queue.empty():
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    request = await asyncio.wait_for(self._queue.get(), remaining)
                except asyncio.TimeoutError:
                    break
            else:
                request = self._queue.get_nowait()
            batch.append(request)
            count += len(request.items)
        return batch

    async def _run(self) -> None:
        while True:
            await self._slots.acquire()
            batch = await self._collect()
            self._last_batch_requests = len(batch)
            task = asyncio.get_running_loop().create_task(self._finish(batch))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _finish(self, batch: list[_Request[T, R]]) -> None:
        items = [item for request in batch for item in request.items]
        try:
            results = await self._run_batch(items)
        except Exception as error:  # a crash is reported to every waiting caller, never as a verdict
            for request in batch:
                if not request.done.done():
                    request.done.set_exception(error)
            return
        finally:
            self._slots.release()
        self.batches += 1
        self.items += len(items)
        start = 0
        for request in batch:
            if not request.done.done():
                request.done.set_result(results[start : start + len(request.items)])
            start += len(request.items)
