"""The shapes of the API's bodies, for /openapi.json (the routes build plain JSON; these document it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

SALT_PATTERN = "^[0-9]{1,80}$"


class ErrorBody(BaseModel):
    error: str = Field(description="one line: what was wrong, naming the field")


class VerdictBody(BaseModel):
    valid: bool
    problems: list[str] = Field(description="one line per reason the bundle is not valid")
    family: str | None = Field(None, description="receipt | invoice")
    vk_id: str | None = None
    circuit: str | None = None
    signer: str | None = None
    signer_trusted: bool | None = Field(None, description="null when the signer could not be checked")
    commitment: str | None = None
    policy: dict[str, int | None] = {}
    disclosed: dict[str, Any] = {}


class VerifyResponse(BaseModel):
    results: list[VerdictBody]


class Window(BaseModel):
    not_before: int | None
    not_after: int | None


class Bounds(BaseModel):
    max_duration: int | None
    gpu_count: int | None


class ReceiptSummary(BaseModel):
    receipt_id: str
    model: str | None = Field(description="null unless the proof discloses it")
    price: str | None = Field(description="tokens, 6 places; null unless the proof discloses it")
    commitment: str | None
    window: Window
    bounds: Bounds
    vk_id: str | None
    signer: str | None
    verified: bool | None = Field(description="the server's verdict; null: not verified yet")
    verified_at: int | None
    bundle_id: int | None


class ReceiptPage(BaseModel):
    items: list[ReceiptSummary]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null at the end")


class BundleSummary(BaseModel):
    bundle_id: int
    kind: str
    vk_id: str | None
    circuit: str | None
    created_at: int
    verified: bool | None
    verified_at: int | None
    problems: list[str]
    url: str


class ReceiptDetail(ReceiptSummary):
    disclosed: dict[str, Any]
    private_fields: list[str]
    bundles: list[BundleSummary]
    receipt: dict[str, Any] | None = Field(None, description="the full receipt: only for its client or provider's key")


class SubmissionResult(BaseModel):
    index: int
    stored: bool
    id: str | None = Field(description="receipt_id or invoiceId")
    bundle_id: int | None
    verdict: VerdictBody


class SubmitResponse(BaseModel):
    results: list[SubmissionResult]


class InvoiceSummary(BaseModel):
    invoice_id: str
    task_kind: str
    gas_prices: dict[str, int | None]
    memory_limit: int | None
    commitment: str | None
    vk_id: str | None
    verified: bool | None
    verified_at: int | None
    bundle_id: int | None


class InvoicePage(BaseModel):
    items: list[InvoiceSummary]
    next_cursor: str | None


class InvoiceDetail(InvoiceSummary):
    private_fields: list[str]
    bundles: list[BundleSummary]
    invoice: dict[str, Any] | None = Field(None, description="the full invoice: only for its signer's or an account's key")


class Health(BaseModel):
    status: str
    receipt_vk_id: str | None
    batches: int
    verified: int


def _bundles_body(description: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "description": description,
                    "type": "object",
                    "properties": {"bundles": {"type": "array", "items": {"type": "object"}, "minItems": 1}},
                }
            }
        },
    }


def _submission_body(document: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {
                        "items": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "required": [document, "bundle", "salt"],
                                "properties": {
                                    document: {"type": "object", "description": f"the signed {document} JSON"},
                                    "bundle": {"type": "object", "description": "its proof bundle"},
                                    "salt": {
                                        "type": "string",
                                        "pattern": SALT_PATTERN,
                                        "description": "the commitment's salt (decimal); checked, never stored",
                                    },
                                },
                            },
                        }
                    },
                }
            }
        },
    }


VERIFY_BODY = _bundles_body("one bundle document, or {\"bundles\": [bundle, …]}")
RECEIPT_SUBMISSION_BODY = _submission_body("receipt")
INVOICE_SUBMISSION_BODY = _submission_body("invoice")
