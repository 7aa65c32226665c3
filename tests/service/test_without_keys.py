"""A server whose home holds no verification key fails closed: every verdict invalid, with the reason, none recorded."""

from __future__ import annotations

from pathlib import Path

import httpx
from service_helpers import ServiceData, start_server

from zkreceipt.ledger.bundle_format import bundle_to_json, bundle_to_text
from zkreceipt.ledger.store import ReceiptStore


def test_a_server_without_keys_verifies_nothing(service_data: ServiceData, tmp_path: Path) -> None:
    home = tmp_path / "keyless"
    with ReceiptStore(home / "zkreceipt.db") as store:  # a receipt and its bundle, as `prove` stores them
        store.add_receipt(service_data.receipts[5])
        store.add_proof_bundle("rcpt-test-0005", bundle_to_text(service_data.stored[5].bundle), "groth16-receipt")
    running = start_server(home, "--rate-limit", "0")
    try:
        with httpx.Client(base_url=running.url, timeout=60) as api:
            verdict = api.post("/api/v1/verify", json=bundle_to_json(service_data.stored[0].bundle)).json()["results"][0]
            assert verdict["valid"] is False
            assert "holds no trusted receipt verification key" in verdict["problems"][0]
            assert api.get("/api/v1/health").json()["receipt_vk_id"] is None
            detail = api.get("/api/v1/receipts/rcpt-test-0005").json()
            assert detail["verified"] is None and [b["verified"] for b in detail["bundles"]] == [None]
    finally:
        stderr = running.stop()
    assert "verification_key.json is missing" in stderr
