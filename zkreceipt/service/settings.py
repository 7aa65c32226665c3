"""What an operator can tune in the receipt service: where its home is, request caps, rate limits, batching."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..ledger.home import zkreceipt_home

#: Largest request body (bytes); a bundle is about 2.3 KB, so this holds a few hundred.
DEFAULT_MAX_BODY_BYTES = 1 << 20
#: Most bundles (or submissions) one request may carry.
DEFAULT_MAX_BUNDLES_PER_REQUEST = 256
#: Requests per minute allowed to one API key, or to one client address without a key.
DEFAULT_REQUESTS_PER_MINUTE = 600
#: Micro-batching of POST /api/v1/verify: collect for up to this long (seconds) or this many bundles.
DEFAULT_BATCH_WINDOW_SECONDS = 0.004
DEFAULT_BATCH_MAX_BUNDLES = 128


@dataclass(frozen=True)
class ServiceSettings:
    """The service's configuration.

    ``home`` holds the store, the keys (``keys/``) and the trust the server
    verifies with. ``requests_per_minute`` = 0 turns rate limiting off (for a
    load benchmark); a key or client may burst up to ``burst`` requests
    (0: a tenth of a minute's worth). ``verifier_process`` runs the pairing
    checks in a process of their own (False: in a thread of the server's process).
    """

    home: Path = field(default_factory=zkreceipt_home)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_bundles_per_request: int = DEFAULT_MAX_BUNDLES_PER_REQUEST
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    burst: int = 0
    batch_window_seconds: float = DEFAULT_BATCH_WINDOW_SECONDS
    batch_max_bundles: int = DEFAULT_BATCH_MAX_BUNDLES
    page_size: int = 20
    verifier_process: bool = True

    @property
    def burst_size(self) -> int:
        return self.burst or max(1, self.requests_per_minute // 10)

    @property
    def store_path(self) -> Path:
        from ..ledger.store import STORE_FILE_NAME

        return self.home / STORE_FILE_NAME

    @property
    def keys_directory(self) -> Path:
        from ..ledger.keys import KEYS_DIRECTORY_NAME

        return self.home / KEYS_DIRECTORY_NAME
