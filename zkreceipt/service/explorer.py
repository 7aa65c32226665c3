"""The explorer: server-rendered pages over the same store and verifier as the API.

``/`` recent receipts (public view) with a filter by address and model;
``/receipts/{id}`` what was proven and what stayed private, the verification
badge and the bundle download; ``/verify`` a form for a pasted or uploaded
bundle. Jinja2 templates with autoescaping, one stylesheet and one small
script (it only reads an uploaded file into the form), no external resources.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from .verdicts import TrustSummary
from .views import bundle_document, claimed_signals, private_receipt_fields, receipt_public_view

if TYPE_CHECKING:
    from .app import ServiceState

STATIC_DIRECTORY = FilePath(__file__).with_name("static")
ROLES = ("client", "provider")  # the filter's choices, client first

_environment = Environment(
    loader=PackageLoader("zkreceipt.service", "templates"),
    autoescape=select_autoescape(("html",)),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _utc(timestamp: object) -> str:
    if not isinstance(timestamp, int) or isinstance(timestamp, bool):
        return "—"
    try:
        return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return str(timestamp)


_environment.filters["utc"] = _utc


def render(template: str, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    return HTMLResponse(_environment.get_template(template).render(**context), status_code=status_code, headers=headers)


def render_error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return render("error.html", status, headers, status=status, message=message, title=f"Error {status}")


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIRECTORY), name="static")


def _price_equation(view: dict[str, Any], signals: dict[str, int], trust: TrustSummary) -> str | None:
    """What the proof says about the price: units × the model's rate in the trusted table the proof names."""
    if view["price"] is None:
        return None
    rate = trust.rate_of(signals.get("rate_table_root"), view["model"])
    if rate is None:
        return f"price {view['price']} = units × rate (the rate is not in a rate table this server trusts)"
    return f"price {view['price']} = units × {rate} (the published rate of {view['model']})"


def explorer_router(state: ServiceState) -> APIRouter:
    from .app import cursor_query

    router = APIRouter(default_response_class=HTMLResponse)

    @router.get("/", summary="Explorer: recent receipts, filtered by address and model")
    async def receipts_page(
        request: Request,
        address: str | None = Query(None, max_length=256),
        role: str = Query("client", pattern="^(client|provider)$"),
        model: str | None = Query(None, max_length=256),
        cursor: str | None = Query(None, max_length=512),
    ) -> Response:
        address = address.strip() or None if address else None
        model = model.strip() or None if model else None
        filters = {role: address} if address else {}
        page = await state.db(
            state.store.list_receipt_records, **filters, model=model, limit=state.settings.page_size,
            cursor=cursor_query(cursor),
        )
        next_query = None
        if page.next_cursor:
            query = {"address": address or "", "role": role, "model": model or "", "cursor": page.next_cursor}
            next_query = urlencode({k: v for k, v in query.items() if v})
        return render(
            "receipts.html",
            title="Recent receipts",
            receipts=[receipt_public_view(record) for record in page.items],
            address=address or "",
            role=role,
            roles=ROLES,
            model=model or "",
            filtered=bool(address or model),
            next_query=next_query,
        )

    @router.get("/receipts/{receipt_id}", summary="Explorer: one receipt, what was proven and what stayed private")
    async def receipt_page(receipt_id: str = Path(max_length=256)) -> Response:
        from .app import refreshed_receipt

        record = await refreshed_receipt(state, receipt_id)
        view = receipt_public_view(record)
        latest = record.proof_bundles[-1] if record.proof_bundles else None
        document = bundle_document(latest)
        circuit = document.get("circuit")
        return render(
            "receipt.html",
            title=f"Receipt {receipt_id}",
            receipt=view,
            circuit=circuit.get("key") if isinstance(circuit, dict) else None,
            equation=_price_equation(view, claimed_signals(document), state.trust),
            disclosed=document.get("disclosed") if isinstance(document.get("disclosed"), dict) else {},
            private_fields=private_receipt_fields(record),
            bundles=record.proof_bundles,
            problems=latest.problems if latest is not None else (),
        )

    @router.get("/bundles/{bundle_id}/download", summary="Explorer: download a stored bundle")
    async def download_bundle(bundle_id: int = Path(ge=1, lt=1 << 63)) -> Response:
        from .app import stored_bundle

        bundle = await stored_bundle(state, bundle_id, "receipt")
        return Response(
            bundle.bundle_json,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="bundle-{bundle_id}.json"'},
        )

    @router.get("/verify", summary="Explorer: a form to verify a bundle")
    async def verify_form() -> Response:
        return render("verify.html", title="Verify a bundle", text="", verdicts=None, error=None)

    @router.post(
        "/verify",
        summary="Explorer: verify the pasted or uploaded bundle",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": {"bundle": {"type": "string"}}}
                    }
                },
            }
        },
    )
    async def verify_submitted(request: Request) -> Response:
        from .app import ApiError, bundles_of, parse_json

        settings = state.settings
        text = ""
        try:
            raw = await _read_form(request, settings.max_body_bytes * 3)
            text = raw.get("bundle", [""])[0]
            document = parse_json(text.encode("utf-8"), settings.max_body_bytes)
            verdicts = await state.verify(bundles_of(document, settings.max_bundles_per_request))
        except ApiError as error:
            status = 413 if error.status == 413 else 400
            return render("verify.html", status, title="Verify a bundle", text=text, verdicts=None, error=error.message)
        return render("verify.html", title="Verify a bundle", text=text, verdicts=verdicts, error=None)

    return router


async def _read_form(request: Request, limit: int) -> dict[str, list[str]]:
    """An urlencoded form body (at most ``limit`` bytes), parsed without python-multipart."""
    from .app import ApiError, read_body

    try:
        return parse_qs((await read_body(request, limit)).decode("utf-8"), max_num_fields=4)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "form: not an urlencoded UTF-8 form") from None
