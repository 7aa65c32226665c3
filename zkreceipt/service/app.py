"""The ASGI application: the JSON API under /api/v1 and the explorer at /.

One store thread owns the database connection; the verifier (a process of
its own, or a thread: :mod:`.verifier_host`) runs the pairing checks, fed by the
:class:`MicroBatcher`; the event loop only parses HTTP and routes. Every error is JSON ``{"error": …}`` (HTML for explorer
pages) with its status: 400 bad input, 401 unknown key, 403 wrong key, 404
absent, 413 body too large, 429 rate limited (with ``Retry-After``), 503 the
verifier process restarted (retry).
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

import numpy as np
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import StoreError, ZkReceiptError
from ..receipts import RateTable, active_rate_table
from . import schemas, verifier_host
from .api_keys import hash_api_key
from .batching import MicroBatcher
from .repository import ApiKeyRecord, DuplicateBundleError, RecordNotFoundError, Repository
from .settings import ServiceSettings
from .verdicts import INVOICE_BUNDLE_FORMAT, INVOICE_BUNDLE_KIND, RECEIPT_BUNDLE_KIND, Submission, Verdict, invalid
from .verifier_host import VerifierCrashed, VerifierHost
from .views import invoice_detail_view, invoice_public_view, receipt_detail_view, receipt_public_view

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Deepest JSON nesting accepted in a body (a bundle needs 4); deeper input could exhaust the C stack.
MAX_JSON_DEPTH = 32
TIMESTAMP_LIMIT = 1 << 63
#: +1 for each opening bracket byte, −1 for each closing one (strings may inflate the count: a false refusal
#: needs dozens of brackets inside strings, which no bundle or receipt has).
_BRACKET_STEPS = np.zeros(256, dtype=np.int32)
_BRACKET_STEPS[[ord("["), ord("{")]] = 1
_BRACKET_STEPS[[ord("]"), ord("}")]] = -1
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
    """What the routes share: settings, the store thread, the verifier and its batcher, the rate limiter."""

    settings: ServiceSettings
    store_thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="zkreceipt-store")
    )
    repository: Repository | None = None
    verifier: VerifierHost | None = None
    receipt_vk_id: str | None = None
    rates: RateTable | None = None
    batcher: MicroBatcher[object, Verdict] | None = None
    limiter: Any = None

    async def store(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``method(repository, *args, **kwargs)`` on the store thread."""
        call = functools.partial(method, self.repository, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.store_thread, call)

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
    """Verify the stored receipt bundles that have no verdict yet (bundles stored by the CLI), in batches."""
    if state.receipt_vk_id is None:  # nothing can verify: record no verdict that a key would change
        return
    while True:
        bundles = await state.store(Repository.unverified_bundles, state.settings.batch_max_bundles)
        if not bundles:
            return
        verdicts = await state.verify([bundle.document for bundle in bundles])
        now = int(time.time())
        for bundle, verdict in zip(bundles, verdicts, strict=True):
            await state.store(Repository.record_verdict, bundle.bundle_id, verdict.valid, verdict.problems, now)


def create_app(settings: ServiceSettings | None = None, verifier: VerifierHost | None = None) -> FastAPI:
    """The service's FastAPI application (serve it with uvicorn; see ``zkreceipt serve``).

    ``verifier``: a host already started (``zkreceipt serve`` starts it before importing the web
    stack); by default the application starts its own, with the receipt signers recorded in the store.
    """
    from .explorer import explorer_router, mount_static, render_error
    from .rate_limits import RateLimiter

    settings = settings or ServiceSettings()
    state = ServiceState(settings, limiter=RateLimiter(settings.requests_per_minute, settings.burst_size))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        state.repository = await loop.run_in_executor(state.store_thread, Repository, settings.store_path)
        if verifier is None:
            signers = await state.store(Repository.receipt_signers)
            state.verifier = VerifierHost(settings.keys_directory, signers, separate_process=settings.verifier_process)
        else:
            state.verifier = verifier
        state.rates = active_rate_table()
        state.receipt_vk_id = await asyncio.wrap_future(state.verifier.start_warming())
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
            await state.store(Repository.close)
            state.store_thread.shutdown(wait=True)
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
        status = 404 if isinstance(error, RecordNotFoundError) else 409 if isinstance(error, DuplicateBundleError) else 400
        return error_response(request, status, str(error))

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
        key = await state.store(Repository.find_api_key, hash_api_key(token.strip()))
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
    """The JSON body, at most ``limit`` bytes and :data:`MAX_JSON_DEPTH` deep; 413 / 400 otherwise."""
    return parse_json(await read_body(request, limit))


def parse_json(body: bytes) -> Any:
    """JSON from bytes; ApiError 400 if it is not JSON, not UTF-8, or nested too deep."""
    if not body:
        raise ApiError(400, "body: empty; expected JSON")
    # Depth ≤ the number of opening brackets: only a body with many of them needs the running count.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH:
        depth = np.cumsum(_BRACKET_STEPS[np.frombuffer(body, dtype=np.uint8)])
        if int(depth.max()) > MAX_JSON_DEPTH:
            raise ApiError(400, f"body: JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, f"body: not valid JSON ({error})") from None


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

    @api.get("/health", response_model=schemas.Health, summary="Ready, with the trusted receipt key id")
    async def health() -> Response:
        assert state.batcher is not None
        return json_response(
            {
                "status": "ok",
                "receipt_vk_id": state.receipt_vk_id,
                "batches": state.batcher.batches,
                "verified": state.batcher.items,
            }
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
        page = await state.store(
            Repository.list_receipts,
            client=client,
            provider=provider,
            model=model,
            since=since,
            until=until,
            limit=limit,
            cursor=cursor,
        )
        return json_response({"items": [receipt_public_view(e) for e in page.items], "next_cursor": page.next_cursor})

    @api.get(
        "/receipts/{receipt_id}",
        response_model=schemas.ReceiptDetail,
        responses=_NOT_FOUND,
        summary="One receipt with its bundles; the full receipt for its client's or provider's key",
    )
    async def show_receipt(request: Request, receipt_id: str = Path(max_length=256)) -> Response:
        entry = await refreshed_receipt(state, receipt_id)
        return json_response(receipt_detail_view(entry, request.state.api_key))

    @api.get(
        "/bundles/{bundle_id}",
        summary="A stored receipt bundle, as `zkreceipt verify` reads it",
        responses={**_NOT_FOUND, 200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    )
    async def get_bundle(bundle_id: int = Path(ge=1, lt=TIMESTAMP_LIMIT)) -> Response:
        bundle = await state.store(Repository.get_bundle, bundle_id)
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
        checked = await state.off_loop(check, items)
        return json_response({"results": await store_submissions(state, key, checked, family)})

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
        page = await state.store(Repository.list_invoices, task_kind=task_kind, limit=limit, cursor=cursor)
        return json_response({"items": [invoice_public_view(e) for e in page.items], "next_cursor": page.next_cursor})

    @api.get(
        "/invoices/bundles/{bundle_id}",
        summary="A stored invoice bundle, as `zkreceipt invoice verify` reads it",
        responses={**_NOT_FOUND, 200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    )
    async def get_invoice_bundle(bundle_id: int = Path(ge=1, lt=TIMESTAMP_LIMIT)) -> Response:
        bundle = await state.store(Repository.get_invoice_bundle, bundle_id)
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
        entry = await state.store(Repository.show_invoice, invoice_id)
        return json_response(invoice_detail_view(entry, request.state.api_key))


async def refreshed_receipt(state: ServiceState, receipt_id: str) -> Any:
    """The stored receipt, after verifying (and recording) any of its bundles without a verdict."""
    entry = await state.store(Repository.show_receipt, receipt_id)
    pending = [bundle for bundle in entry.bundles if bundle.verified is None]
    if not pending or state.receipt_vk_id is None:
        return entry
    verdicts = await state.verify([bundle.document for bundle in pending])
    now = int(time.time())
    for bundle, verdict in zip(pending, verdicts, strict=True):
        await state.store(Repository.record_verdict, bundle.bundle_id, verdict.valid, verdict.problems, now)
    return await state.store(Repository.show_receipt, receipt_id)


async def store_submissions(
    state: ServiceState, key: ApiKeyRecord, checked: list[Submission], family: str
) -> list[dict[str, Any]]:
    """Store each valid submission that ``key`` may submit (receipt, bundle and verdict in one transaction)."""
    results = []
    now = int(time.time())
    for index, submission in enumerate(checked):
        verdict, stored_id = submission.verdict, None
        problems = list(verdict.problems)
        if submission.document is not None and not _submitter_owns(key, submission, family):
            problems.append(f"this {family}'s provider is not the API key's subject {key.subject!r}")
        if not problems:
            add = Repository.add_proven if family == "receipt" else Repository.add_invoice_proven
            try:
                stored = await state.store(
                    add,
                    submission.document,
                    submission.bundle_json,
                    kind=RECEIPT_BUNDLE_KIND if family == "receipt" else INVOICE_BUNDLE_KIND,
                    vk_id=verdict.vk_id,
                    commitment=verdict.commitment,
                    verdict=(True, (), now),
                )
                stored_id = stored.bundle_id
            except (DuplicateBundleError, StoreError) as error:
                problems.append(str(error))
        if problems != list(verdict.problems):
            verdict = Verdict(**{**verdict.__dict__, "valid": False, "problems": tuple(problems)})
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


def _submitter_owns(key: ApiKeyRecord, submission: Submission, family: str) -> bool:
    if family == "receipt":
        return getattr(submission.document, "provider", None) == key.subject
    signer = submission.verdict.signer
    return signer is not None and signer.lower() == key.subject.lower()


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
