"""The shapes of the API's bodies, for /openapi.json (the routes build plain JSON; these document it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

SALT_PATTERN = "^[0-9]{1,80}$"


class ErrorBody(BaseModel):
    error: str = Field(description="one line: what was wrong, naming the field")


class SignerBody(BaseModel):
    id: str | None = Field(description="the attestation's key id (receipts) or address (invoices); null: unsigned")
    trusted: bool = Field(description="a signer of the server's trust profile, and its signature verifies")
    checked: bool = Field(description="always true: the service never waives the signer check")


class VerdictBody(BaseModel):
    """As `zkreceipt verify --json`, with the bundle's family."""

    valid: bool
    problems: list[str] = Field(description="one line per reason the bundle is not valid")
    family: str | None = Field(None, description="receipt | invoice")
    vk_id: str | None = None
    circuit: dict[str, Any] | None = Field(
        None, description="the circuit identity the server trusts the key for; null: the key is not trusted"
    )
    signer: SignerBody
    policy: dict[str, int] = Field({}, description="the proven policy bounds, read through the trusted key")
    rate: str | None = Field(None, description="how the rate is bound (a trusted rate table's root, or a public rate)")
    disclosed: dict[str, Any] = Field({}, description="each disclosed value the public signals confirm")
    private: list[str] = Field([], description="what stayed private")
    commitment: str | None = None
    proof: bool = Field(description="whether the pairing check passed")


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
    signer: str | None = Field(description="the accounting address that attested the bundle")
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


class TrustedKeyBody(BaseModel):
    vk_id: str
    circuit: str


class TrustBody(BaseModel):
    keys: list[TrustedKeyBody] = Field(description="the verification keys the server trusts, with their circuits")
    rate_table_roots: list[str]
    receipt_signers: list[str] = Field(description="Ed25519 key ids")
    invoice_signers: list[str] = Field(description="accounting addresses")


class Health(BaseModel):
    status: str
    trust: TrustBody = Field(description="what the server's trust profile trusts")
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
