"""Per-key rate limits: a token bucket for each API key (or each client address without a key).

A bucket holds up to ``burst`` tokens and refills at ``per_minute / 60``
tokens a second; a request takes one. An empty bucket answers with the
seconds until the next token (the ``Retry-After`` of a 429).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Buckets kept at most; the fullest (least recently limited) are dropped first when there are more.
MAX_BUCKETS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by caller; ``per_minute`` = 0 turns limiting off."""

    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def retry_after(self, caller: str) -> int | None:
        """Take a token for ``caller``: None if allowed, else the whole seconds to wait."""
        if self.rate <= 0:
            return None
        now = self._clock()
        bucket = self._buckets.get(caller)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[caller] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return max(1, math.ceil((1 - bucket.tokens) / self.rate))

    def _forget_full(self, now: float) -> None:
        for caller in [c for c, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]:
            del self._buckets[caller]
        if len(self._buckets) >= MAX_BUCKETS:
            self._buckets.clear()
