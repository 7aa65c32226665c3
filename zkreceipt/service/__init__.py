"""The receipt service: a JSON API and an explorer web page over the store, with micro-batched verification.

Face of the ``zkreceipt[service]`` extra (FastAPI, uvicorn, Jinja2)::

    from zkreceipt.service import ServiceSettings, create_app
    app = create_app(ServiceSettings(home=Path("~/.zkreceipt").expanduser()))
    # uvicorn.run(app, host="127.0.0.1", port=8000)   — or `zkreceipt serve`

=================  ======================================================================
``app``            the FastAPI application: routes, errors, request caps, keys, rate limits
``explorer``       the server-rendered pages (``templates/``, ``static/``)
``verification``   the server's trust profile and the library's verifiers (bundles, submissions)
``verifier_host``  where the verifier runs: a process of its own, or a thread
``batching``       micro-batching of concurrent verifications into one batched pairing check
``views``          public and private views of receipts and invoices (over the store's records)
``api_keys``       API keys (shown once, stored as SHA-256), ``rate_limits`` token buckets
=================  ======================================================================

Names are loaded on first use, so ``import zkreceipt.service`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_FACE = {
    "create_app": "app",
    "ServiceSettings": "settings",
    "new_api_key": "api_keys",
    "hash_api_key": "api_keys",
}

__all__ = sorted(_FACE)


def __getattr__(name: str) -> Any:
    if name not in _FACE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_FACE[name]}", __name__), name)
