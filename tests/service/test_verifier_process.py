"""`zkreceipt serve --verifier process|thread`: the same verdicts; a process verifier is replaced after a crash."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
from service_helpers import ServiceData, start_server

from zkreceipt.ledger.bundle_format import bundle_to_json


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def test_verifier_process_verifies_and_is_replaced_after_a_crash(service_data: ServiceData) -> None:
    running = start_server(service_data.home, "--rate-limit", "0", "--verifier", "process")
    good = bundle_to_json(service_data.stored[4].bundle)
    forged = {**good, "disclosed": {**good["disclosed"], "price_fp": 7}}
    try:
        with httpx.Client(base_url=running.url, timeout=120) as api:
            results = api.post("/api/v1/verify", json={"bundles": [good, forged]}).json()["results"]
            assert [r["valid"] for r in results] == [True, False]
            verifiers = [
                pid for pid in children(running.process.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]
            assert len(verifiers) == 1, "no verifier process"
            for pid in verifiers:  # the server's own child processes, by id
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
            crashed = api.post("/api/v1/verify", json=good)
            assert crashed.status_code in (200, 503)  # the call that meets the dead process fails…
            if crashed.status_code == 503:  # …as "retry", never as "invalid"
                assert crashed.headers["retry-after"] == "1" and "verifier" in crashed.json()["error"]
            again = api.post("/api/v1/verify", json=good)  # …and the next one gets a new verifier, same connection
            assert again.status_code == 200 and again.json()["results"][0]["valid"] is True
    finally:
        running.stop()


def test_thread_verifier_gives_the_same_verdicts(service_data: ServiceData) -> None:
    running = start_server(service_data.home, "--rate-limit", "0", "--verifier", "thread")
    good = bundle_to_json(service_data.stored[4].bundle)
    forged = {**good, "disclosed": {**good["disclosed"], "price_fp": 7}}
    try:
        with httpx.Client(base_url=running.url, timeout=120) as api:
            results = api.post("/api/v1/verify", json={"bundles": [good, forged, good]}).json()["results"]
            assert [r["valid"] for r in results] == [True, False, True]
            trusted = api.get("/api/v1/health").json()["trust"]
            assert good["vk_id"] in [key["vk_id"] for key in trusted["keys"]]
            assert trusted["receipt_signers"] == [good["attestation"]["key_id"]]
    finally:
        running.stop()
