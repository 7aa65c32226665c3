"""The server's trust comes from its trust profile: none, an empty one or another one (--trust) fails closed,
every verdict invalid with its reason and none recorded; a malformed or missing --trust file is bad input."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from service_helpers import ServiceData, run_cli, start_server

from zkreceipt.ledger.bundle_format import bundle_to_json, bundle_to_text
from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.ledger.trust import default_trust_profile, save_trust_profile


def _home_with_a_stored_bundle(service_data: ServiceData, home: Path) -> None:
    bundle = service_data.stored[5].bundle  # stored as `prove` stores it: no verdict
    with ReceiptStore(home / "zkreceipt.db") as store:
        store.add_proven(service_data.receipts[5], bundle_to_text(bundle), kind="groth16-receipt",
                         vk_id=bundle.vk_id, commitment=bundle.commitment)


@pytest.mark.parametrize("profile", ["none", "empty"])
def test_a_server_that_trusts_nothing_verifies_nothing(service_data: ServiceData, tmp_path: Path, profile: str) -> None:
    home = tmp_path / "untrusting"
    _home_with_a_stored_bundle(service_data, home)
    options = ["--rate-limit", "0"]
    if profile == "empty":  # another profile than the home's: the defaults, no key, no signer
        options += ["--trust", str(save_trust_profile(default_trust_profile(), tmp_path / "empty.json"))]
    running = start_server(home, *options)
    try:
        with httpx.Client(base_url=running.url, timeout=60) as api:
            verdict = api.post("/api/v1/verify", json=bundle_to_json(service_data.stored[0].bundle)).json()["results"][0]
            assert verdict["valid"] is False and verdict["circuit"] is None and verdict["proof"] is False
            assert any("is not in the trust profile" in problem for problem in verdict["problems"])
            assert any("is not a trusted signer" in problem for problem in verdict["problems"])
            assert api.get("/api/v1/health").json()["trust"]["keys"] == []
            detail = api.get("/api/v1/receipts/rcpt-test-0005").json()
            assert detail["verified"] is None and [b["verified"] for b in detail["bundles"]] == [None]
    finally:
        stderr = running.stop()
    assert ("is missing" if profile == "none" else "trusts no verification key") in stderr


def test_a_bad_trust_file_is_bad_input(service_data: ServiceData, tmp_path: Path) -> None:
    missing = run_cli("serve", "--port", "0", "--trust", str(tmp_path / "nope.json"), home=service_data.home)
    assert missing.returncode == 2 and "nope.json: no trust profile" in missing.stderr
    malformed = tmp_path / "malformed.json"
    document = json.loads((service_data.home / "trust.json").read_text())
    document["keys"][0]["vk_id"] = "00" * 32  # not the id of the key and identity beside it
    malformed.write_text(json.dumps(document))
    refused = run_cli("serve", "--port", "0", "--trust", str(malformed), home=service_data.home)
    assert refused.returncode == 2 and str(malformed) in refused.stderr and "vk_id" in refused.stderr
