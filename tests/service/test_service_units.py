"""In-process checks of the service's parts, in addition to the real-server tests: batching, rate limits."""

from __future__ import annotations

import asyncio


from zkreceipt.service.batching import MicroBatcher
from zkreceipt.service.rate_limits import RateLimiter


def test_concurrent_submissions_share_batches_and_get_their_own_results_in_order() -> None:
    batches: list[list[int]] = []

    async def run(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0.01)  # the verifier at work: meanwhile more requests queue up
        return [item * item for item in items]

    async def main() -> list[list[int]]:
        batcher: MicroBatcher[int, int] = MicroBatcher(run, window=0.002, max_items=16)
        batcher.start()
        results = await asyncio.gather(*(batcher.submit([i, i + 100]) for i in range(20)))
        await batcher.stop()
        return results

    results = asyncio.run(main())
    assert results == [[i * i, (i + 100) ** 2] for i in range(20)]
    assert len(batches) < 20 and max(len(b) for b in batches) <= 16 + 2  # capped (one request may overshoot)
    assert sorted(item for batch in batches for item in batch) == sorted([*range(20), *range(100, 120)])


def test_a_crash_in_a_batch_reaches_every_caller_and_the_batcher_goes_on() -> None:
    async def run(items: list[int]) -> list[int]:
        if 13 in items:
            raise RuntimeError("kernel crashed")
        return items

    async def main() -> tuple[list[object], list[int]]:
        batcher: MicroBatcher[int, int] = MicroBatcher(run, window=0.0, max_items=64)
        batcher.start()
        crashed = await asyncio.gather(batcher.submit([13]), return_exceptions=True)
        after = await batcher.submit([1, 2])
        await batcher.stop()
        return crashed, after

    crashed, after = asyncio.run(main())
    assert isinstance(crashed[0], RuntimeError) and after == [1, 2]


def test_token_bucket_allows_a_burst_then_one_request_per_interval() -> None:
    now = [1000.0]
    limiter = RateLimiter(per_minute=60, burst=3, clock=lambda: now[0])
    assert [limiter.retry_after("a") for _ in range(3)] == [None, None, None]
    assert limiter.retry_after("a") == 1
    assert limiter.retry_after("b") is None  # another caller, another bucket
    now[0] += 1.0
    assert limiter.retry_after("a") is None and limiter.retry_after("a") == 1
    assert RateLimiter(per_minute=0, burst=1).retry_after("a") is None  # 0: no limit


def test_the_service_names_the_trust_file_as_the_ledger_does() -> None:
    from zkreceipt.ledger import trust
    from zkreceipt.service import settings

    assert settings.TRUST_FILE_NAME == trust.TRUST_FILE_NAME
