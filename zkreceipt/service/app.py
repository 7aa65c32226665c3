"""The ASGI application: the JSON API under /api/v1 and the explorer at /.

A few store threads run the store's queries (:class:`~zkreceipt.ledger.store.ReceiptStore`,
SQLite or PostgreSQL); the verifier (a process of its own, or a thread:
:mod:`.verifier_host`) runs the pairing checks with the server's trust profile,
fed by the :class:`MicroBatcher`; the event loop only parses HTTP and routes.
Every error is JSON ``{"error": …}`` (HTML for explorer pages) with its status:
400 bad input, 401 unknown key, 403 wrong key, 404 absent, 409 already stored,
413 body too large, 429 rate limited (with ``Retry-After``), 503 the verifier
process restarted or the store was busy (retry).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import StoreError, ZkReceiptError
from ..jsonio import parse_json as parse_bounded_json
from ..ledger.store import (
    ApiKeyRecord,
    DuplicateRecordError,
    ReceiptRecord,
    RecordConflictError,
    ReceiptStore,
    RecordedVerdict,
    RecordNotFoundError,
    StoreBusyError,
    StoredProofBundle,
)
from ..ledger.store.records import decode_cursor
from . import schemas, verifier_host
from .api_keys import hash_api_key
from .batching import MicroBatcher
from .settings import ServiceSettings
from .verdicts import (
    INVOICE_BUNDLE_FORMAT,
    INVOICE_BUNDLE_KIND,
    RECEIPT_BUNDLE_KIND,
    Submission,
    TrustSummary,
    Verdict,
    invalid,
)
from .verifier_host import VerifierCrashed, VerifierHost
from .views import invoice_detail_view, invoice_public_view, receipt_detail_view, receipt_public_view

logger = logging.getLogger(__name__)
T = TypeVar("T")

TIMESTAMP_LIMIT = 1 << 63
#: Threads that run store queries (SQLite readers never wait for each other; writers take turns).
STORE_THREADS = 4
API_PREFIX = "/api/v1"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
]


class ApiError(Exception):
    """An answer other than 200: status, one-line message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class ServiceState:
    """What the routes share: settings, the store and its threads, the verifier and its batcher, the rate limiter.

    ``trust``: what the server's trust profile trusts (from the verifier, once warm).
    """

    settings: ServiceSettings
    store_threads: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="zkreceipt-store")
    )
    store: Any = None  # the ReceiptStore, opened by the lifespan
    verifier: VerifierHost | None = None
    trust: TrustSummary = field(default_factory=lambda: TrustSummary("none"))
    batcher: MicroBatcher[object, Verdict] | None = None
    limiter: Any = None

    async def db(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``method(*args, **kwargs)`` (a method of the store) on a store thread."""
        return await asyncio.get_running_loop().run_in_executor(
            self.store_threads, functools.partial(method, *args, **kwargs)
        )

    async def record_verdicts(self, bundles: list[StoredProofBundle], verdicts: list[Verdict]) -> None:
        """Record each bundle's verdict, unless the server trusts no key (a key added later would change it)."""
        if not self.trust.keys:
            return
        now = int(time.time())
        for bundle, verdict in zip(bundles, verdicts, strict=True):
            await self.db(self.store.record_verdict, bundle.bundle_id, verdict.valid, verdict.problems, now)

    async def off_loop(self, function: Callable[..., T], *args: Any) -> T:
        """Run a function of :mod:`.verifier_host` in the verifier (its process or thread).

        A crashed verifier process is a 503 (retry), never a verdict.
        """
        assert self.verifier is not None
        try:
            return await self.verifier.call(function, *args)
        except VerifierCrashed as error:
            raise ApiError(503, f"verifier: {error}; retry", {"Retry-After": "1"}) from None

    async def verify(self, documents: list[object]) -> list[Verdict]:
        assert self.batcher is not None
        return await self.batcher.submit(documents)


async def _verify_stored(state: ServiceState) -> None:
    """Verify the stored bundles (receipts and invoices) that have no verdict yet, e.g. stored by the CLI, in batches."""
    if not state.trust.keys:  # nothing can verify: record no verdict that a key would change
        return
    after = 0
    while True:
        bundles = await state.db(state.store.unverified_bundles, after=after, limit=state.settings.batch_max_bundles)
        if not bundles:
            return
        await state.record_verdicts(bundles, await state.verify([_document(bundle) for bundle in bundles]))
        after = bundles[-1].bundle_id


def _document(bundle: StoredProofBundle) -> object:
    """The stored bundle's JSON value (a stored bundle's text is JSON: the store checked it)."""
    return json.loads(bundle.bundle_json)


def read_trust_document(settings: ServiceSettings) -> tuple[object | None, str]:
    """The server's trust profile document and where it was read (None: there is no profile file).

    FormatError naming the file if it is unreadable or not bounded JSON (the
    verifier parses the document itself, and refuses a malformed profile).
    """
    from ..jsonio import read_json_file

    path = settings.trust_path
    if not path.exists():
        return None, str(path)
    return read_json_file(path, max_bytes=PROFILE_MAX_BYTES), str(path)


#: Largest trust profile read (a profile of ~1,000 keys).
PROFILE_MAX_BYTES = 16 << 20


def create_app(settings: ServiceSettings | None = None, verifier: VerifierHost | None = None) -> FastAPI:
    """The service's FastAPI application (serve it with uvicorn; see ``zkreceipt serve``).

    ``verifier``: a host already started (``zkreceipt serve`` starts it before importing the web
    stack); by default the application starts its own, with the trust profile of ``settings``.
    """
    from .explorer import explorer_router, mount_static, render_error
    from .rate_limits import RateLimiter

    settings = settings or ServiceSettings()
    state = ServiceState(settings, limiter=RateLimiter(settings.requests_per_minute, settings.burst_size))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        state.store = await state.db(ReceiptStore, settings.store)
        if verifier is None:
            document, source = read_trust_document(settings)
            state.verifier = VerifierHost(document, source, separate_process=settings.verifier_process)
        else:
            state.verifier = verifier
        state.trust = await asyncio.wrap_future(state.verifier.start_warming())
        state.batcher = MicroBatcher(
            functools.partial(state.off_loop, verifier_host.verify_documents),
            window=settings.batch_window_seconds,
            max_items=settings.batch_max_bundles,
        )
        state.batcher.start()
        sweep = loop.create_task(_verify_stored(state), name="zkreceipt-verify-stored")
        try:
            yield
        finally:
            sweep.cancel()
            await state.batcher.stop()
            state.store_threads.shutdown(wait=True)
            state.store.close()
            state.verifier.shutdown()

    app = FastAPI(
        title="zkreceipt receipt service",
        version=__version__,
        description=(
            "Receipts and invoices with their Groth16 proofs: the public view for everyone, the full document "
            "only for its owners' API keys (`Authorization: Bearer KEY`). Errors are `{\"error\": …}`."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = state

    def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json":
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        return render_error(request, status, message, headers)

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, error: ApiError) -> Response:
        return error_response(request, error.status, error.message, error.headers)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> Response:
        return error_response(request, error.status_code, str(error.detail), getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("query", "path"))
        return error_response(request, 400, f"{where or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(ZkReceiptError)
    async def on_bad_input(request: Request, error: ZkReceiptError) -> Response:
        if isinstance(error, RecordNotFoundError):
            return error_response(request, 404, str(error))
        if isinstance(error, DuplicateRecordError):
            return error_response(request, 409, str(error))
        if isinstance(error, StoreBusyError):
            return error_response(request, 503, "store busy; retry", {"Retry-After": "1"})
        if isinstance(error, StoreError):  # the store failed (bad input is refused before it is asked)
            logger.error("store error", extra={"path": request.url.path, "error": str(error)})
            return error_response(request, 500, "internal error (store)")
        return error_response(request, 400, str(error))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, error: Exception) -> Response:
        logger.exception("internal error", extra={"path": request.url.path})
        return error_response(request, 500, "internal error")

    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(admit)], responses=_ERROR_RESPONSES)
    _api_routes(api, state)
    app.include_router(api)
    app.include_router(explorer_router(state), dependencies=[Depends(admit)])
    mount_static(app)
    app.add_middleware(SecurityHeaders)
    return app


# --- requests ------------------------------------------------------------------------------------


async def admit(request: Request) -> None:
    """Who is calling (``request.state.api_key``: the key's record, or None) and the rate limit.

    401 for a malformed or unknown key; 429 with Retry-After once the caller's
    bucket (per key, else per client address) is empty.
    """
    state: ServiceState = request.app.state.service
    header = request.headers.get("authorization")
    key: ApiKeyRecord | None = None
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "authorization: expected 'Bearer API_KEY'")
        key = await state.db(state.store.find_api_key, hash_api_key(token.strip()))
        if key is None:
            raise ApiError(401, "authorization: unknown API key")
    request.state.api_key = key
    caller = f"key:{key.key_hash}" if key is not None else f"address:{request.client.host if request.client else '?'}"
    wait = state.limiter.retry_after(caller)
    if wait is not None:
        raise ApiError(429, f"rate limit: {state.settings.requests_per_minute} requests a minute", {"Retry-After": str(wait)})


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most ``limit`` bytes (413 as soon as the declared or received size is over)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdecimal() and int(declared) > limit:
        raise ApiError(413, f"body: larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"body: larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json_body(request: Request, limit: int) -> Any:
    """The JSON body, at most ``limit`` bytes; 413 / 400 otherwise (see :func:`parse_json`)."""
    return parse_json(await read_body(request, limit), limit)


def parse_json(body: bytes, limit: int) -> Any:
    """JSON from bytes, as every zkreceipt reader parses it (:func:`zkreceipt.jsonio.parse_json`: at most
    :data:`~zkreceipt.jsonio.MAX_JSON_DEPTH` deep, bounded numbers); ApiError 400 naming the body otherwise."""
    if not body:
        raise ApiError(400, "body: empty; expected JSON")
    try:
        return parse_bounded_json(body, "body", max_bytes=limit)
    except ZkReceiptError as error:
        raise ApiError(400, str(error)) from None


def cursor_query(cursor: str | None) -> str | None:
    """``cursor`` if it is one of the store's cursors; 400 naming it otherwise (before the store is asked)."""
    if cursor is not None:
        try:
            decode_cursor(cursor)
        except StoreError as error:
            raise ApiError(400, str(error)) from None
    return cursor


def bundles_of(document: Any, limit: int) -> list[object]:
    """The bundles of a /verify body: one bundle document, or ``{"bundles": [...]}``."""
    if isinstance(document, dict) and "bundles" in document and "format" not in document:
        bundles = document["bundles"]
        if not isinstance(bundles, list) or not bundles:
            raise ApiError(400, "bundles: must be a non-empty list of bundle documents")
    elif isinstance(document, dict):
        bundles = [document]
    else:
        raise ApiError(400, "body: expected a bundle document or {\"bundles\": [...]}")
    if len(bundles) > limit:
        raise ApiError(413, f"bundles: {len(bundles)} bundles; at most {limit} per request")
    return bundles


def submissions_of(document: Any, name: str, limit: int) -> list[tuple[object, object, object]]:
    """The (document, bundle, salt) items of a submission body; 400/413 naming the field."""
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list) or not items:
        raise ApiError(400, f"items: must be a non-empty list of {{{name}, bundle, salt}} objects")
    if len(items) > limit:
        raise ApiError(413, f"items: {len(items)} items; at most {limit} per request")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not all(k in item for k in (name, "bundle", "salt")):
            raise ApiError(400, f"items[{index}]: must have {name}, bundle and salt")
    return [(item[name], item["bundle"], item["salt"]) for item in items]


def require_provider(request: Request) -> ApiKeyRecord:
    key: ApiKeyRecord | None = request.state.api_key
    if key is None:
        raise ApiError(401, "authorization: a provider API key is required ('Bearer API_KEY')")
    if key.role != "provider":
        raise ApiError(403, f"authorization: a {key.role} key cannot submit bundles; a provider key is required")
    return key


def json_response(document: Any, status: int = 200) -> Response:
    return Response(json.dumps(document, ensure_ascii=False), status_code=status, media_type="application/json")


# --- routes --------------------------------------------------------------------------------------

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.ErrorBody, "description": text}
    for status, text in (
        (400, "bad input"),
        (401, "unknown or malformed API key"),
        (429, "rate limited; see Retry-After"),
    )
}
_NOT_FOUND = {404: {"model": schemas.ErrorBody, "description": "not stored"}}
_POST_ERRORS = {
    413: {"model": schemas.ErrorBody, "description": "body or bundle count over the cap"},
    403: {"model": schemas.ErrorBody, "description": "a key of the wrong role"},
    503: {"model": schemas.ErrorBody, "description": "the verifier process restarted; retry (Retry-After)"},
}



def _text_query() -> Any:
    return Query(None, max_length=256)


def _time_query() -> Any:
    return Query(None, ge=0, lt=TIMESTAMP_LIMIT)


def _api_routes(api: APIRouter, state: ServiceState) -> None:
    settings = state.settings

    @api.get("/health", response_model=schemas.Health, summary="Ready, with what the server's trust profile trusts")
    async def health() -> Response:
        assert state.batcher is not None
        return json_response(
            {"status": "ok", "trust": state.trust.to_json(), "batches": state.batcher.batches, "verified": state.batcher.items}
        )

    @api.get("/receipts", response_model=schemas.ReceiptPage, summary="Receipts, newest first (public view)")
    async def list_receipts(
        client: str | None = _text_query(),
        provider: str | None = _text_query(),
        model: str | None = _text_query(),
        since: int | None = _time_query(),
        until: int | None = _time_query(),
        limit: int = Query(settings.page_size, ge=1, le=100),
        cursor: str | None = Query(None, max_length=512),
    ) -> Response:
        page = await state.db(
            state.store.list_receipt_records,
            client=client,
            provider=provider,
            model=model,
            since=since,
            until=until,
            limit=limit,
            cursor=cursor_query(cursor),
        )
        return json_response({"items": [receipt_public_view(r) for r in page.items], "next_cursor": page.next_cursor})

    @api.get(
        "/receipts/{receipt_id}",
        response_model=schemas.ReceiptDetail,
        responses=_NOT_FOUND,
        summary="One receipt with its bundles; the full receipt for its client's or provider's key",
    )
    async def show_receipt(request: Request, receipt_id: str = Path(max_length=256)) -> Response:
        record = await refreshed_receipt(state, receipt_id)
        return json_response(receipt_detail_view(record, request.state.api_key))

    @api.get(
        "/bundles/{bundle_id}",
        summary="A stored receipt bundle, as `zkreceipt verify` reads it",
        responses={**_NOT_FOUND, 200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    )
    async def get_bundle(bundle_id: int = Path(ge=1, lt=TIMESTAMP_LIMIT)) -> Response:
        bundle = await stored_bundle(state, bundle_id, "receipt")
        return Response(bundle.bundle_json, media_type="application/json")

    @api.post(
        "/bundles",
        response_model=schemas.SubmitResponse,
        responses=_POST_ERRORS,
        openapi_extra={"requestBody": schemas.RECEIPT_SUBMISSION_BODY},
        summary="A provider submits receipts with their bundles; each is verified before it is stored",
    )
    async def submit_bundles(request: Request) -> Response:
        return await submit(request, "receipt")

    async def submit(request: Request, family: str) -> Response:
        key = require_provider(request)
        document = await read_json_body(request, settings.max_body_bytes)
        items = submissions_of(document, family, settings.max_bundles_per_request)
        check = verifier_host.check_receipt_submissions if family == "receipt" else verifier_host.check_invoice_submissions
        checked = await state.off_loop(check, items, key.subject)
        return json_response({"results": await store_submissions(state, checked, family)})

    async def verify_bodies(request: Request, only_format: str | None = None) -> Response:
        bundles = bundles_of(await read_json_body(request, settings.max_body_bytes), settings.max_bundles_per_request)
        verdicts = await state.verify(bundles) if only_format is None else await verify_only(bundles, only_format)
        return json_response({"results": [verdict.to_json() for verdict in verdicts]})

    async def verify_only(bundles: list[object], only_format: str) -> list[Verdict]:
        """Verdicts, with every bundle not of ``only_format`` refused without verifying it."""
        wanted = [i for i, b in enumerate(bundles) if isinstance(b, dict) and b.get("format") == only_format]
        verdicts = dict(zip(wanted, await state.verify([bundles[i] for i in wanted]) if wanted else [], strict=True))
        refused = invalid(f"not a bundle of format {only_format!r}")
        return [verdicts.get(i, refused) for i in range(len(bundles))]

    @api.post(
        "/verify",
        response_model=schemas.VerifyResponse,
        responses=_POST_ERRORS,
        openapi_extra={"requestBody": schemas.VERIFY_BODY},
        summary="Verdicts for one or many bundles (receipt or invoice), micro-batched; nothing stored",
    )
    async def verify_route(request: Request) -> Response:
        return await verify_bodies(request)

    @api.get("/invoices", response_model=schemas.InvoicePage, summary="Invoices, newest first (public view)")
    async def list_invoices(
        task_kind: str | None = Query(None, pattern="^(function|api)$"),
        limit: int = Query(settings.page_size, ge=1, le=100),
        cursor: str | None = Query(None, max_length=512),
    ) -> Response:
        page = await state.db(state.store.list_invoice_records, task_kind=task_kind, limit=limit, cursor=cursor_query(cursor))
        return json_response({"items": [invoice_public_view(r) for r in page.items], "next_cursor": page.next_cursor})

    @api.get(
        "/invoices/bundles/{bundle_id}",
        summary="A stored invoice bundle, as `zkreceipt invoice verify` reads it",
        responses={**_NOT_FOUND, 200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    )
    async def get_invoice_bundle(bundle_id: int = Path(ge=1, lt=TIMESTAMP_LIMIT)) -> Response:
        bundle = await stored_bundle(state, bundle_id, "invoice")
        return Response(bundle.bundle_json, media_type="application/json")

    @api.post(
        "/invoices/bundles",
        response_model=schemas.SubmitResponse,
        responses=_POST_ERRORS,
        openapi_extra={"requestBody": schemas.INVOICE_SUBMISSION_BODY},
        summary="The accounting signer submits invoices with their bundles; each is verified before it is stored",
    )
    async def submit_invoice_bundles(request: Request) -> Response:
        return await submit(request, "invoice")

    @api.post(
        "/invoices/verify",
        response_model=schemas.VerifyResponse,
        responses=_POST_ERRORS,
        openapi_extra={"requestBody": schemas.VERIFY_BODY},
        summary="Verdicts for invoice bundles; nothing stored",
    )
    async def verify_invoices(request: Request) -> Response:
        return await verify_bodies(request, INVOICE_BUNDLE_FORMAT)

    @api.get(
        "/invoices/{invoice_id}",
        response_model=schemas.InvoiceDetail,
        responses=_NOT_FOUND,
        summary="One invoice with its bundles; the full invoice for its signer's or an account's key",
    )
    async def show_invoice(request: Request, invoice_id: str = Path(max_length=256)) -> Response:
        record = await state.db(state.store.show_invoice, invoice_id)
        return json_response(invoice_detail_view(record, request.state.api_key))


async def refreshed_receipt(state: ServiceState, receipt_id: str) -> ReceiptRecord:
    """The stored receipt, after verifying (and recording) any of its bundles without a verdict."""
    record: ReceiptRecord = await state.db(state.store.show_receipt, receipt_id)
    pending = [bundle for bundle in record.proof_bundles if bundle.verified is None]
    if not pending or not state.trust.keys:
        return record
    await state.record_verdicts(pending, await state.verify([_document(bundle) for bundle in pending]))
    return await state.db(state.store.show_receipt, receipt_id)


async def stored_bundle(state: ServiceState, bundle_id: int, family: str) -> StoredProofBundle:
    """The stored bundle ``bundle_id`` of a receipt (or an invoice); 404 if there is none of that family."""
    bundle: StoredProofBundle = await state.db(state.store.get_bundle, bundle_id)
    if (bundle.receipt_id if family == "receipt" else bundle.invoice_id) is None:
        raise RecordNotFoundError(f"bundle_id: no stored {family} proof bundle {bundle_id}")
    return bundle


async def store_submissions(state: ServiceState, checked: list[Submission], family: str) -> list[dict[str, Any]]:
    """Store each valid submission: the receipt (or invoice), its bundle and its verdict in one transaction.

    A second bundle of a receipt under the same key, or another receipt under a
    stored id, is refused with its reason, never stored over the first.
    """
    results = []
    now = int(time.time())
    for index, submission in enumerate(checked):
        verdict, stored_id = submission.verdict, None
        if verdict.valid:
            add = state.store.add_proven if family == "receipt" else state.store.add_invoice_proven
            try:
                stored = await state.db(
                    add,
                    submission.document,
                    submission.bundle_json,
                    kind=RECEIPT_BUNDLE_KIND if family == "receipt" else INVOICE_BUNDLE_KIND,
                    vk_id=verdict.vk_id,
                    commitment=verdict.commitment,
                    verdict=RecordedVerdict(True, (), now),
                )
                stored_id = stored.bundle_id
            except (DuplicateRecordError, RecordConflictError) as error:  # refused, never stored over the first
                verdict = verdict.refused(str(error))
        results.append(
            {
                "index": index,
                "stored": stored_id is not None,
                "id": submission.owner_id,
                "bundle_id": stored_id,
                "verdict": verdict.to_json(),
            }
        )
    return results


class SecurityHeaders:
    """Adds nosniff, no-referrer and a same-origin content security policy to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
