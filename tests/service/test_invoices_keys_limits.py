"""Invoices through the API, `service add-key`, and per-key rate limits, against real `zkreceipt serve` processes."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from conftest import bearer
from service_helpers import INVOICE_POLICY, RunningServer, ServiceData, add_key, run_cli, start_server

from zkreceipt.ledger.invoice_bundles import (
    invoice_bundle_from_json,
    invoice_bundle_to_json,
    prove_invoice,
    verify_invoice_bundle,
)
from zkreceipt.receipts import generate_accounting_key, invoice_to_dict, parse_invoice, sign_invoice
from zkreceipt.receipts.example_files import example_path


@pytest.fixture(scope="module")
def invoice_case(service_data: ServiceData) -> dict[str, object]:
    """The example invoice signed by the home's trusted accounting key, and its attested proof."""
    key = service_data.accounting_key
    unsigned = dataclasses.replace(parse_invoice(example_path("invoice_function.json").read_bytes()),
                                   accounting_signature=None)
    invoice = sign_invoice(unsigned, key)
    proven = prove_invoice(invoice, service_data.invoice_key, INVOICE_POLICY, trusted_signers={key.address},
                           accounting_key=key)
    return {"invoice": invoice, "proven": proven, "address": key.address}


def test_invoice_submission_listing_and_private_view(
    api: httpx.Client, service_data: ServiceData, invoice_case: dict[str, object]
) -> None:
    invoice, proven, address = invoice_case["invoice"], invoice_case["proven"], invoice_case["address"]
    item = {"invoice": invoice_to_dict(invoice), "bundle": invoice_bundle_to_json(proven.bundle), "salt": str(proven.salt)}
    stranger = add_key(service_data.home, "provider", "0x" + "ab" * 20)
    refused = api.post("/api/v1/invoices/bundles", json={"items": [item]}, headers=bearer(stranger)).json()
    assert refused["results"][0]["stored"] is False
    assert "is not the API key's subject" in " ".join(refused["results"][0]["verdict"]["problems"])
    provider = add_key(service_data.home, "provider", address)
    response = api.post("/api/v1/invoices/bundles", json={"items": [item]}, headers=bearer(provider))
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["stored"] is True, result
    assert result["verdict"]["signer"] == {"id": address, "trusted": True, "checked": True}
    again = api.post("/api/v1/invoices/bundles", json={"items": [item]}, headers=bearer(provider)).json()["results"][0]
    assert again["stored"] is False and "already has a proof bundle" in " ".join(again["verdict"]["problems"])
    listed = api.get("/api/v1/invoices").json()["items"]
    assert [i["invoice_id"] for i in listed] == [invoice.invoice_id]
    assert listed[0]["verified"] is True and listed[0]["gas_prices"] == proven.bundle.gas_prices
    assert listed[0]["signer"] == address
    public = api.get(f"/api/v1/invoices/{invoice.invoice_id}")
    assert "invoice" not in public.json()
    for item_ in invoice.line_items:
        assert item_.account not in public.text
    account = add_key(service_data.home, "client", invoice.line_items[0].account)
    owned = api.get(f"/api/v1/invoices/{invoice.invoice_id}", headers=bearer(account)).json()
    assert owned["invoice"] == invoice_to_dict(invoice)
    bundle = invoice_bundle_from_json(api.get(owned["bundles"][0]["url"]).json())
    assert verify_invoice_bundle(bundle, service_data.profile).ok
    assert api.get(f"/api/v1/bundles/{owned['bundle_id']}").status_code == 404  # not a receipt bundle


def test_an_untrusted_accounting_signer_is_refused(
    api: httpx.Client, service_data: ServiceData, invoice_case: dict[str, object]
) -> None:
    """Signed and attested by an accounting key the profile does not list: refused, nothing stored."""
    key = generate_accounting_key()
    invoice = dataclasses.replace(invoice_case["invoice"], invoice_id="inv-untrusted", accounting_signature=None)
    invoice = sign_invoice(invoice, key)
    proven = prove_invoice(invoice, service_data.invoice_key, INVOICE_POLICY, trusted_signers={key.address},
                           accounting_key=key)
    item = {"invoice": invoice_to_dict(invoice), "bundle": invoice_bundle_to_json(proven.bundle), "salt": str(proven.salt)}
    provider = add_key(service_data.home, "provider", key.address)
    result = api.post("/api/v1/invoices/bundles", json={"items": [item]}, headers=bearer(provider)).json()["results"][0]
    assert result["stored"] is False and result["verdict"]["signer"]["trusted"] is False
    assert "not a trusted signer" in " ".join(result["verdict"]["problems"])
    assert api.get("/api/v1/invoices/inv-untrusted").status_code == 404


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
