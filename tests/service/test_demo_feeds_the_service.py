"""Issue 13's "done": `zkreceipt demo`, then `zkreceipt serve` on the same home shows the demo receipt, verified."""

from __future__ import annotations

from pathlib import Path

import httpx
from service_helpers import run_cli, start_server

DEMO_RECEIPT = "rcpt-2025-01-24-0001"


def test_the_demo_receipt_is_served_verified(tmp_path: Path) -> None:
    home = tmp_path / "home"
    demo = run_cli("demo", home=home)
    assert demo.returncode == 0, demo.stderr
    running = start_server(home)  # the home's trust profile: the demo trusted its key and signer there
    try:
        with httpx.Client(base_url=running.url, timeout=60) as api:
            items = api.get("/api/v1/receipts", params={"client": "client-acme-labs"}).json()["items"]
            assert [item["receipt_id"] for item in items] == [DEMO_RECEIPT]
            assert items[0]["verified"] is True and items[0]["model"] == "llama3.2" and items[0]["price"] == "5.000000"
            page = api.get("/").text
            assert DEMO_RECEIPT in page and "client-acme-labs" not in page
            assert "price 5.000000 = units × 2.000000" in api.get(f"/receipts/{DEMO_RECEIPT}").text
    finally:
        stderr = running.stop()
    assert "Traceback" not in stderr, stderr
