"""The JSON API against a real `zkreceipt serve` process on 127.0.0.1 (httpx over TCP)."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3

import httpx
import pytest
from conftest import STORED, bearer
from service_helpers import CLIENTS, PROVIDERS, RunningServer, ServiceData, make_receipt, submission

from nacl.signing import SigningKey

from zkreceipt.ledger.bundle_format import bundle_from_json, bundle_to_json
from zkreceipt.ledger.bundles import verify_bundle
from zkreceipt.ledger.store import KeyRecord, ReceiptStore
from zkreceipt.receipts import ed25519_key_id, receipt_to_dict
from zkreceipt.service import hash_api_key

PUBLIC_KEYS = {
    "receipt_id", "model", "price", "commitment", "window", "bounds", "vk_id", "signer", "verified", "verified_at",
    "bundle_id",
}


def private_values(data: ServiceData) -> list[str]:
    """Values only a receipt's owners may see: job ids, clients, providers, units, timestamps."""
    values = []
    for receipt in data.receipts:
        values += [receipt.job_id, receipt.client, receipt.provider, str(receipt.started_at), "gpu_seconds"]
    return values


def test_list_is_newest_first_public_and_verified(api: httpx.Client, service_data: ServiceData) -> None:
    response = api.get("/api/v1/receipts", params={"limit": 100})
    assert response.status_code == 200
    items = [i for i in response.json()["items"] if i["receipt_id"].startswith("rcpt-test-")]
    ids = [item["receipt_id"] for item in items]
    assert ids[-STORED:] == [f"rcpt-test-{i:04d}" for i in reversed(range(STORED))]
    for item in items:
        assert set(item) == PUBLIC_KEYS
    first = next(i for i in items if i["receipt_id"] == "rcpt-test-0000")
    bundle = service_data.stored[0].bundle
    assert first["model"] == "llama3.2" and first["price"] == "5.000000"
    assert first["commitment"] == str(bundle.commitment) and first["vk_id"] == bundle.vk_id
    assert first["window"] == {"not_before": 1737676800, "not_after": 1737763199}
    assert first["bounds"] == {"max_duration": 3600, "gpu_count": 1}
    assert first["signer"] == ed25519_key_id(service_data.signing_key.verify_key)
    assert first["verified"] is True and isinstance(first["verified_at"], int)  # verified by the server at start
    for value in private_values(service_data):
        assert value not in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"client": CLIENTS[1]}, [4, 1]),
        ({"provider": PROVIDERS[0]}, [4, 2, 0]),
        ({"model": "codellama"}, [4, 1]),
        ({"client": CLIENTS[1], "model": "codellama"}, [4, 1]),
        ({"since": 1737730800 + 600 * 2, "until": 1737730800 + 600 * 3 + 3}, [3, 2]),
        ({"client": "client-nobody"}, []),
    ],
)
def test_filters(api: httpx.Client, params: dict[str, object], expected: list[int]) -> None:
    response = api.get("/api/v1/receipts", params={**params, "limit": 100})
    assert response.status_code == 200
    ids = [item["receipt_id"] for item in response.json()["items"] if item["receipt_id"].startswith("rcpt-test-00")]
    assert ids == [f"rcpt-test-{i:04d}" for i in expected]


def test_cursor_pages_through_everything_once(api: httpx.Client) -> None:
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, "provider": PROVIDERS[0], **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/receipts", params=params).json()
        seen += [item["receipt_id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["rcpt-test-0004", "rcpt-test-0002", "rcpt-test-0000"] and pages == 2


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-a-cursor"}, {"cursor": "WzFd"}, {"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"since": -1}],
)
def test_bad_query_is_400_json(api: httpx.Client, params: dict[str, object]) -> None:
    response = api.get("/api/v1/receipts", params=params)
    assert response.status_code == 400
    assert set(response.json()) == {"error"} and response.json()["error"]


def test_receipt_detail_private_fields_only_for_its_owners(
    api: httpx.Client, service_data: ServiceData, keys: dict[str, str]
) -> None:
    receipt = service_data.receipts[1]  # client-bob, provider-two
    path = f"/api/v1/receipts/{receipt.receipt_id}"
    public = api.get(path)
    assert public.status_code == 200
    body = public.json()
    assert "receipt" not in body
    assert body["disclosed"] == {"model": "codellama", "price_fp": 5_000_000}
    assert set(body["private_fields"]) == {"job_id", "provider", "client", "units", "unit_type", "started_at",
                                           "completed_at", "salt"}
    assert [b["bundle_id"] for b in body["bundles"]] == [body["bundle_id"]]
    for value in (receipt.job_id, receipt.client, receipt.provider, "2.000"):
        assert value not in public.text
    for owner in (receipt.client, receipt.provider):
        owned = api.get(path, headers=bearer(keys[owner]))
        assert owned.json()["receipt"] == receipt_to_dict(receipt)
    for stranger in (CLIENTS[0], PROVIDERS[0]):  # a key of someone else: the public view, not an error
        assert "receipt" not in api.get(path, headers=bearer(keys[stranger])).json()


@pytest.mark.parametrize("header", ["Bearer zkr_not-a-key", "Basic abc", "Bearer", "zkr_token"])
def test_unknown_or_malformed_key_is_401(api: httpx.Client, header: str) -> None:
    response = api.get("/api/v1/receipts/rcpt-test-0000", headers={"Authorization": header})
    assert response.status_code == 401 and "error" in response.json()


def test_not_found_is_404_json(api: httpx.Client) -> None:
    for path in ("/api/v1/receipts/rcpt-none", "/api/v1/bundles/999999", "/api/v1/invoices/inv-none", "/api/v1/nope"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json") and response.json()["error"]


def test_bundle_download_is_what_verify_reads(api: httpx.Client, service_data: ServiceData) -> None:
    detail = api.get("/api/v1/receipts/rcpt-test-0002").json()
    response = api.get(detail["bundles"][0]["url"])
    assert response.status_code == 200
    bundle = bundle_from_json(response.json())
    assert bundle == service_data.stored[2].bundle
    assert verify_bundle(bundle, service_data.profile).ok


def test_verify_gives_verdicts_with_reasons_in_order(api: httpx.Client, service_data: ServiceData) -> None:
    good = bundle_to_json(service_data.stored[0].bundle)
    relabelled = copy.deepcopy(good)
    relabelled["disclosed"]["price_fp"] = 50_000_000
    foreign = {"format": "something-else"}
    single = api.post("/api/v1/verify", json=good)
    assert single.status_code == 200
    assert [r["valid"] for r in single.json()["results"]] == [True]
    response = api.post("/api/v1/verify", json={"bundles": [relabelled, good, foreign]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["valid"] for r in results] == [False, True, False]
    assert any("price_fp" in problem for problem in results[0]["problems"])
    assert any("does not sign this bundle's statement" in problem for problem in results[0]["problems"])
    assert "not a zkreceipt proof bundle" in results[2]["problems"][0]
    honest = results[1]
    assert honest["vk_id"] == good["vk_id"] and honest["disclosed"] == good["disclosed"]
    assert honest["circuit"]["key"] == "receipt-v1;rate=table:4;public=model,price_fp"  # the trusted identity
    assert honest["signer"] == {"id": good["attestation"]["key_id"], "trusted": True, "checked": True}
    assert honest["policy"] == good["policy"] and honest["proof"] is True and honest["problems"] == []
    assert set(honest["private"]) >= {"job_id", "client", "units_fp", "salt"}


def test_verify_fails_closed_on_what_the_profile_does_not_trust(api: httpx.Client, service_data: ServiceData) -> None:
    """An unknown signer, a key the profile does not list, an attestation removed: each invalid, with its reason."""
    stranger = SigningKey.generate()
    receipt = make_receipt(400, service_data.signing_key)
    foreign_signer = bundle_to_json(service_data.prove([receipt], stranger)[0].bundle)
    unsigned = {**bundle_to_json(service_data.stored[0].bundle), "attestation": None}
    other_key = {**bundle_to_json(service_data.stored[0].bundle), "vk_id": "ab" * 32}
    results = api.post("/api/v1/verify", json={"bundles": [foreign_signer, unsigned, other_key]}).json()["results"]
    assert [r["valid"] for r in results] == [False, False, False]
    assert results[0]["proof"] is True and results[0]["signer"]["trusted"] is False  # a good proof, an unknown signer
    assert any("is not a trusted signer" in p for p in results[0]["problems"])
    assert results[1]["signer"]["id"] is None and results[1]["problems"]
    assert results[2]["circuit"] is None and any("not in the trust profile" in p for p in results[2]["problems"])


def test_concurrent_verifications_are_batched(server: RunningServer, service_data: ServiceData) -> None:
    documents = [bundle_to_json(item.bundle) for item in service_data.stored]

    async def burst() -> tuple[list[bool], dict[str, int], dict[str, int]]:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            before = (await client.get("/api/v1/health")).json()
            responses = await asyncio.gather(
                *(client.post("/api/v1/verify", json=documents[i % len(documents)]) for i in range(48))
            )
            after = (await client.get("/api/v1/health")).json()
        return [r.json()["results"][0]["valid"] for r in responses], before, after

    verdicts, before, after = asyncio.run(burst())
    assert verdicts == [True] * 48
    assert after["verified"] - before["verified"] == 48
    assert after["batches"] - before["batches"] < 48  # some requests shared a pairing check


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"", 400),
        (b"[1, 2]", 400),
        (b"[" * 100_000 + b"]" * 100_000, 400),  # deep nesting: refused before the JSON parser recurses
        (json.dumps({"bundles": []}).encode(), 400),
        (json.dumps({"bundles": [{}] * 257}).encode(), 413),
        (b" " * (1 << 20) + b"{}", 413),
    ],
    ids=["not-json", "empty", "array", "deep", "no-bundles", "257-bundles", "over-1MiB"],
)
def test_bad_verify_bodies(api: httpx.Client, body: bytes, status: int) -> None:
    response = api.post("/api/v1/verify", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"]
    assert api.get("/api/v1/health").status_code == 200  # the server is still there


def stored_ids(home_db: str) -> list[str]:
    with sqlite3.connect(home_db) as connection:
        return [row[0] for row in connection.execute("SELECT receipt_id FROM receipts ORDER BY receipt_id")]


def test_submission_needs_a_provider_key(api: httpx.Client, service_data: ServiceData, keys: dict[str, str]) -> None:
    receipt = make_receipt(100, service_data.signing_key, provider=PROVIDERS[0])
    body = {"items": [submission(receipt, service_data.prove([receipt])[0])]}
    assert api.post("/api/v1/bundles", json=body).status_code == 401
    assert api.post("/api/v1/bundles", json=body, headers=bearer(keys[CLIENTS[0]])).status_code == 403
    assert receipt.receipt_id not in stored_ids(str(service_data.home / "zkreceipt.db"))


def test_submission_stores_verified_bundles_and_rejects_the_rest(
    api: httpx.Client, service_data: ServiceData, keys: dict[str, str]
) -> None:
    provider = PROVIDERS[1]
    receipts = [make_receipt(200 + i, service_data.signing_key, provider=provider) for i in range(5)]
    proven = service_data.prove(receipts)
    honest = submission(receipts[0], proven[0])
    wrong_salt = {**submission(receipts[1], proven[1]), "salt": str(proven[1].salt + 1)}
    swapped = {**submission(receipts[2], proven[2]), "bundle": bundle_to_json(proven[3].bundle), "salt": str(proven[3].salt)}
    forged = submission(receipts[3], proven[3])
    forged["bundle"]["disclosed"]["price_fp"] = 1
    other_provider = make_receipt(205, service_data.signing_key, provider=PROVIDERS[0])
    not_mine = submission(other_provider, service_data.prove([other_provider])[0])
    unsigned = submission(receipts[4], proven[4])
    del unsigned["receipt"]["signature"]
    # A bundle attested by another trusted key than the one that signed the receipt.
    other_attester = SigningKey.generate()
    attested_elsewhere_receipt = make_receipt(206, service_data.signing_key, provider=provider)
    attested_elsewhere = submission(attested_elsewhere_receipt, service_data.prove([attested_elsewhere_receipt], other_attester)[0])
    items = [honest, wrong_salt, swapped, forged, not_mine, unsigned, attested_elsewhere]
    response = api.post("/api/v1/bundles", json={"items": items}, headers=bearer(keys[provider]))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["stored"] for r in results] == [True, False, False, False, False, False, False]
    assert results[0]["verdict"]["valid"] is True and results[0]["verdict"]["signer"]["trusted"] is True
    assert "commitment does not open" in " ".join(results[1]["verdict"]["problems"])
    assert "commitment does not open" in " ".join(results[2]["verdict"]["problems"])
    assert any("price_fp" in p for p in results[3]["verdict"]["problems"])
    assert "is not the API key's subject" in " ".join(results[4]["verdict"]["problems"])
    assert "is not signed" in " ".join(results[5]["verdict"]["problems"])
    assert "not by the receipt's signer" in " ".join(results[6]["verdict"]["problems"])
    ids = stored_ids(str(service_data.home / "zkreceipt.db"))
    assert receipts[0].receipt_id in ids
    refused = {r.receipt_id for r in receipts[1:]} | {other_provider.receipt_id, attested_elsewhere_receipt.receipt_id}
    assert not refused & set(ids)
    detail = api.get(f"/api/v1/receipts/{receipts[0].receipt_id}").json()
    assert detail["verified"] is True and detail["bundle_id"] == results[0]["bundle_id"]
    # The same receipt and key again: refused, still one bundle.
    again = api.post("/api/v1/bundles", json={"items": [honest]}, headers=bearer(keys[provider])).json()["results"]
    assert again[0]["stored"] is False and "already has a proof bundle" in " ".join(again[0]["verdict"]["problems"])
    assert len(api.get(f"/api/v1/receipts/{receipts[0].receipt_id}").json()["bundles"]) == 1


def test_receipt_signers_come_from_the_trust_profile_not_the_store(
    api: httpx.Client, service_data: ServiceData, keys: dict[str, str]
) -> None:
    """A key recorded in the store's keys table is not trusted for that: only the profile's signers are."""
    outsider = SigningKey.generate()
    with ReceiptStore(service_data.home / "zkreceipt.db") as store:
        store.add_key(KeyRecord(ed25519_key_id(outsider.verify_key), "Ed25519", bytes(outsider.verify_key).hex()))
    receipt = make_receipt(300, outsider, provider=PROVIDERS[1])
    body = {"items": [submission(receipt, service_data.prove([receipt], outsider)[0])]}
    result = api.post("/api/v1/bundles", json=body, headers=bearer(keys[PROVIDERS[1]])).json()["results"][0]
    assert result["stored"] is False
    problems = " ".join(result["verdict"]["problems"])
    assert "is not signed by a trusted key" in problems and "not a trusted signer" in problems


def test_api_keys_are_stored_hashed(service_data: ServiceData, keys: dict[str, str]) -> None:
    files = sorted(service_data.home.glob("zkreceipt.db*"))  # the database and its write-ahead log
    database = b"".join(path.read_bytes() for path in files)
    for key in keys.values():
        assert key.startswith("zkr_") and len(key) > 40
        assert key.encode() not in database
        assert hash_api_key(key).encode() in database


def test_openapi_describes_every_route(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    paths = schema["paths"]
    expected = {
        ("/api/v1/receipts", "get"), ("/api/v1/receipts/{receipt_id}", "get"), ("/api/v1/bundles/{bundle_id}", "get"),
        ("/api/v1/bundles", "post"), ("/api/v1/verify", "post"), ("/api/v1/invoices", "get"),
        ("/api/v1/invoices/{invoice_id}", "get"), ("/api/v1/invoices/bundles/{bundle_id}", "get"),
        ("/api/v1/invoices/bundles", "post"), ("/api/v1/invoices/verify", "post"), ("/api/v1/health", "get"),
        ("/", "get"), ("/receipts/{receipt_id}", "get"), ("/bundles/{bundle_id}/download", "get"),
        ("/verify", "get"), ("/verify", "post"),
    }
    assert {(path, method) for path, item in paths.items() for method in item} == expected
    assert "requestBody" in paths["/api/v1/verify"]["post"]
    assert "429" in paths["/api/v1/receipts"]["get"]["responses"]


def test_security_headers(api: httpx.Client) -> None:
    for path in ("/", "/api/v1/receipts"):
        headers = api.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in headers["content-security-policy"]


def test_a_malformed_bundle_does_not_fail_its_batch(server: RunningServer, service_data: ServiceData) -> None:
    good = bundle_to_json(service_data.stored[3].bundle)
    huge = copy.deepcopy(good)
    huge["proof"]["pi_a"][0] = "9" * 5000  # refused by the parser before int() (which would raise untyped)

    async def together() -> list[list[dict[str, object]]]:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            responses = await asyncio.gather(
                *(client.post("/api/v1/verify", json=huge if i % 2 else good) for i in range(16))
            )
        assert all(r.status_code == 200 for r in responses)
        return [r.json()["results"] for r in responses]

    for i, results in enumerate(asyncio.run(together())):
        assert results[0]["valid"] is (i % 2 == 0)
        if i % 2:
            assert "pi_a: coordinate has 5000 digits" in results[0]["problems"][0]
