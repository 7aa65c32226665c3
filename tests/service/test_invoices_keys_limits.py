"""Invoices through the API, `service add-key`, and per-key rate limits, against real `zkreceipt serve` processes."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from conftest import bearer
from service_helpers import RunningServer, ServiceData, add_key, run_cli, start_server

from zkreceipt.circuits.invoice_policy import InvoicePolicy, InvoiceShape
from zkreceipt.formats.snarkjs_json import write_verification_key
from zkreceipt.ledger.invoice_bundles import (
    invoice_bundle_from_json,
    invoice_bundle_to_json,
    invoice_key_paths,
    prove_invoice,
    setup_invoice_keys,
    verify_invoice_bundle,
)
from zkreceipt.receipts import generate_accounting_key, invoice_to_dict, parse_invoice, sign_invoice
from zkreceipt.receipts.example_files import example_path

SHAPE = InvoiceShape(max_items=4)
POLICY = InvoicePolicy(SHAPE, memory_limit=1 << 32)


@pytest.fixture(scope="module")
def invoice_case(service_data: ServiceData) -> dict[str, object]:
    """Invoice keys in the server's home, a signed example invoice and its proof."""
    pk = setup_invoice_keys(SHAPE)
    write_verification_key(invoice_key_paths(SHAPE, service_data.home / "keys").verification_key, pk.vk)
    key = generate_accounting_key()
    unsigned = dataclasses.replace(parse_invoice(example_path("invoice_function.json").read_bytes()),
                                   accounting_signature=None)
    invoice = sign_invoice(unsigned, key)
    proven = prove_invoice(invoice, pk, POLICY, signer=key.address)
    return {"invoice": invoice, "proven": proven, "address": key.address, "vk": pk.vk}


def test_invoice_submission_listing_and_private_view(
    api: httpx.Client, service_data: ServiceData, invoice_case: dict[str, object]
) -> None:
    invoice, proven, address = invoice_case["invoice"], invoice_case["proven"], invoice_case["address"]
    item = {"invoice": invoice_to_dict(invoice), "bundle": invoice_bundle_to_json(proven.bundle), "salt": str(proven.salt)}
    stranger = add_key(service_data.home, "provider", "0x" + "ab" * 20)
    refused = api.post("/api/v1/invoices/bundles", json={"items": [item]}, headers=bearer(stranger)).json()
    assert refused["results"][0]["stored"] is False
    provider = add_key(service_data.home, "provider", address)
    response = api.post("/api/v1/invoices/bundles", json={"items": [item]}, headers=bearer(provider))
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["stored"] is True, result
    listed = api.get("/api/v1/invoices").json()["items"]
    assert [i["invoice_id"] for i in listed] == [invoice.invoice_id]
    assert listed[0]["verified"] is True and listed[0]["gas_prices"] == proven.bundle.gas_prices
    public = api.get(f"/api/v1/invoices/{invoice.invoice_id}")
    assert "invoice" not in public.json()
    for item_ in invoice.line_items:
        assert item_.account not in public.text
    account = add_key(service_data.home, "client", invoice.line_items[0].account)
    owned = api.get(f"/api/v1/invoices/{invoice.invoice_id}", headers=bearer(account)).json()
    assert owned["invoice"] == invoice_to_dict(invoice)
    bundle = invoice_bundle_from_json(api.get(owned["bundles"][0]["url"]).json())
    assert verify_invoice_bundle(bundle, invoice_case["vk"]).ok


def test_invoice_verify(api: httpx.Client, invoice_case: dict[str, object]) -> None:
    good = invoice_bundle_to_json(invoice_case["proven"].bundle)
    cheaper = copy.deepcopy(good)
    cheaper["gas_prices"]["step_gas_price_fp"] -= 1
    results = api.post("/api/v1/invoices/verify", json={"bundles": [good, cheaper]}).json()["results"]
    assert [r["valid"] for r in results] == [True, False] and results[1]["problems"]


def test_add_key_refuses_bad_input(home) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("service", "add-key", "--role", "admin", "--subject", "x", home=home).returncode == 2
    empty = run_cli("service", "add-key", "--role", "client", "--subject", "", home=home)
    assert empty.returncode == 2 and "subject" in empty.stderr


@pytest.fixture(scope="module")
def limited_server(service_data: ServiceData) -> Iterator[RunningServer]:
    running = start_server(service_data.home, "--rate-limit", "20")  # a burst of 2, then one every 3 s
    yield running
    running.stop()


def test_rate_limit_per_key_answers_429_with_retry_after(
    limited_server: RunningServer, keys: dict[str, str]
) -> None:
    with httpx.Client(base_url=limited_server.url, timeout=30) as client:
        statuses = [client.get("/api/v1/receipts").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        limited = client.get("/api/v1/receipts")
        assert limited.status_code == 429 and limited.json()["error"].startswith("rate limit")
        assert 1 <= int(limited.headers["retry-after"]) <= 3
        key = next(iter(keys.values()))  # a key has its own bucket
        assert client.get("/api/v1/receipts", headers=bearer(key)).status_code == 200


def test_invoice_verify_refuses_receipt_bundles(api: httpx.Client, service_data: ServiceData) -> None:
    from zkreceipt.ledger.bundle_format import bundle_to_json

    results = api.post("/api/v1/invoices/verify", json=bundle_to_json(service_data.stored[0].bundle)).json()["results"]
    assert results[0]["valid"] is False and "not a bundle of format" in results[0]["problems"][0]


def test_the_service_names_the_invoice_format_as_the_ledger_does() -> None:
    from zkreceipt.ledger import invoice_bundles
    from zkreceipt.service import verdicts

    assert verdicts.INVOICE_BUNDLE_FORMAT == invoice_bundles.INVOICE_BUNDLE_FORMAT
