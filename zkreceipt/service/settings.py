"""What an operator can tune in the receipt service: where its home is, request caps, rate limits, batching."""

from __future__ import annotations

import os
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
#: The trust profile's name in the home (as ``ledger.trust``, whose import loads the curve core).
TRUST_FILE_NAME = "trust.json"


@dataclass(frozen=True)
class ServiceSettings:
    """The service's configuration.

    ``home`` holds the store (unless ``$ZKRECEIPT_DATABASE_URL`` names a
    PostgreSQL one) and, by default, the trust profile the server verifies with
    (``trust``: another profile file). ``requests_per_minute`` = 0 turns rate limiting off (for a
    load benchmark); a key or client may burst up to ``burst`` requests
    (0: a tenth of a minute's worth). ``verifier_process`` runs the pairing
    checks in a process of their own (False: in a thread of the server's process).
    """

    home: Path = field(default_factory=zkreceipt_home)
    trust: Path | None = None
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
    def store(self) -> str:
        """The store's location: ``$ZKRECEIPT_DATABASE_URL`` if set, else ``zkreceipt.db`` in the home."""
        from ..ledger.store import DATABASE_URL_ENVIRONMENT_VARIABLE, STORE_FILE_NAME

        return os.environ.get(DATABASE_URL_ENVIRONMENT_VARIABLE) or str(self.home / STORE_FILE_NAME)

    @property
    def trust_path(self) -> Path:
        """The trust profile: ``trust``, else ``trust.json`` in the home."""
        return self.trust if self.trust is not None else self.home / TRUST_FILE_NAME
