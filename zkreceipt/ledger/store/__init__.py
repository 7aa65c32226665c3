"""The persistent store: receipts, invoices, their proof bundles, key metadata and API-key hashes.

One schema and one set of queries (SQLAlchemy Core) on two backends:

- **SQLite**, the embedded default: ``$ZKRECEIPT_HOME/zkreceipt.db`` (folder
  0700, file 0600), WAL journal: readers never wait for a writer; a writer
  waits for another one at most the busy timeout (5 s,
  ``$ZKRECEIPT_STORE_BUSY_TIMEOUT``), then :class:`StoreBusyError` ("store
  busy, retry").
- **PostgreSQL** (psycopg 3, extra ``zkreceipt[postgresql]``) when the path is
  a ``postgresql://`` URL or ``$ZKRECEIPT_DATABASE_URL`` names one: many
  writers on many machines.

Every write is one transaction; a receipt (or invoice) and its bundle are
stored together by :meth:`ReceiptStore.add_proven`, at most one bundle per
receipt and verification key (a unique constraint, so racing writers never
duplicate a row). Bundles are JSON text the store does not interpret. Private
keys are never stored: only key ids, public keys, labels and where the private
key file lives; API keys only as their SHA-256. Schema migrations: see
:mod:`.schema`.

Example::

    with ReceiptStore() as store:                      # or ReceiptStore("postgresql://…")
        store.add_proven(receipt, bundle_text, kind="groth16-receipt", vk_id=vk_id, commitment=c)
        page = store.list_receipts(client="alice", limit=50)
        more = store.list_receipts(client="alice", cursor=page.next_cursor)

Importing this package, ``ReceiptStore`` included, does not import SQLAlchemy
(about 0.1 s): constructing a store does. So a command module may import
``ReceiptStore`` at its top, and its commands that never open the store do not
pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .location import DATABASE_URL_ENVIRONMENT_VARIABLE, STORE_FILE_NAME, StoreLocation, default_store_path, resolve_location
from .records import (
    API_KEY_ROLES,
    KEY_ALGORITHMS,
    ApiKeyRecord,
    DuplicateBundleError,
    DuplicateRecordError,
    InvoicePage,
    InvoiceRecord,
    KeyRecord,
    Page,
    ReceiptPage,
    ReceiptRecord,
    RecordConflictError,
    RecordedVerdict,
    RecordNotFoundError,
    StoreBusyError,
    StoredProofBundle,
)

if TYPE_CHECKING:
    from os import PathLike

    from .receipt_store import MAX_BUNDLE_BYTES, SqlReceiptStore
    from .schema import SCHEMA_VERSION


class ReceiptStore:
    """The store at ``path_or_url``: ``ReceiptStore(path_or_url=None, *, busy_timeout=None)``.

    Constructing one builds a :class:`.receipt_store.SqlReceiptStore` (a
    subclass, so ``isinstance`` holds), whose module loads SQLAlchemy; this
    name itself is light. See that class for the methods.
    """

    def __new__(
        cls, path_or_url: str | PathLike[str] | None = None, *, busy_timeout: float | None = None
    ) -> SqlReceiptStore:
        from .receipt_store import SqlReceiptStore

        return object.__new__(SqlReceiptStore if cls is ReceiptStore else cls)  # type: ignore[return-value]


_LAZY = {"MAX_BUNDLE_BYTES": ".receipt_store", "SCHEMA_VERSION": ".schema"}

__all__ = [
    "API_KEY_ROLES",
    "DATABASE_URL_ENVIRONMENT_VARIABLE",
    "KEY_ALGORITHMS",
    "MAX_BUNDLE_BYTES",
    "SCHEMA_VERSION",
    "STORE_FILE_NAME",
    "ApiKeyRecord",
    "DuplicateBundleError",
    "DuplicateRecordError",
    "InvoicePage",
    "InvoiceRecord",
    "KeyRecord",
    "Page",
    "ReceiptPage",
    "ReceiptRecord",
    "ReceiptStore",
    "RecordConflictError",
    "RecordedVerdict",
    "RecordNotFoundError",
    "StoreBusyError",
    "StoreLocation",
    "StoredProofBundle",
    "default_store_path",
    "resolve_location",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name], __name__), name)
