"""Load on the receipt service: requests/s and p50/p99 latency, beside verifying one bundle at a time.

Run: python3 benchmarks/service_load.py [--seconds 8] [--bundles 64] [--clients 1,16,64] [--verifiers process,thread]

One run, on this machine, side by side:

1. a home with development keys, a trust profile trusting them and the provider's signing key, and
   ``--bundles`` distinct proven, attested receipts (stored, as `prove` stores them);
2. ``zkreceipt serve --port 0 --rate-limit 0 --verifier V`` in its own process, for each verifier host V
   (``process``: the pairing checks in a process of their own, the default; ``thread``: in a thread of
   the server), one after the other (the time until "ready" is reported);
3. the same verifications done one ``verify_bundle`` call at a time, in this process (parse + check against
   the trust profile, as `zkreceipt verify` does after loading the profile): the one-at-a-time figure; and,
   for the record, parse + ``groth16.verify`` alone (one pairing check and none of the bundle's other checks);
4. a bounded loop of concurrent requests to 127.0.0.1 for each route and client count: ``GET
   /api/v1/receipts?limit=20`` and ``POST /api/v1/verify`` with one bundle per request. Each client is
   one keep-alive connection running a minimal HTTP/1.1 loop (asyncio streams), so that the load
   generator, which shares the machine's two cores with the server, costs as little as it can; each
   scenario runs ``--seconds`` (after a one-second warm-up) or ``--max-requests``, whichever ends first;
5. the one-at-a-time figure again, to show how much the machine's load moved during the run.

Besides wall-clock rates it reports CPU milliseconds per request of the server (with its verifier
process) and of the load generator, and per verification of the one-at-a-time loop: on a shared machine
these move much less with other processes' load than the rates do.

The verify figure depends on the micro-batching window (4 ms) and cap (128 bundles), on both cores being
shared by the server's verifier thread and the load generator, and on the load of other processes
(printed: quote the ratios, not the absolute rates).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as the CLI (and so the server): idle threads must not spin

from nacl.signing import SigningKey  # noqa: E402

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptPolicy  # noqa: E402
from zkreceipt.groth16 import verify  # noqa: E402
from zkreceipt.ledger.bundle_format import bundle_from_json, bundle_to_json, bundle_to_text  # noqa: E402
from zkreceipt.ledger.bundles import prove_receipts, verify_bundle  # noqa: E402
from zkreceipt.ledger.identity import receipt_identity  # noqa: E402
from zkreceipt.ledger.keys import ReceiptKeyPaths, save_keys, setup_receipt_keys  # noqa: E402
from zkreceipt.ledger.store import ReceiptStore  # noqa: E402
from zkreceipt.ledger.trust import TrustProfile, update_trust_profile  # noqa: E402
from zkreceipt.receipts import DEFAULT_RATE_TABLE, Receipt, sign_receipt  # noqa: E402

READY = re.compile(r"ready on http://127\.0\.0\.1:(\d+)/")
CLI = [sys.executable, "-c", "from zkreceipt.cli import main; main()"]


def build_home(home: Path, count: int) -> tuple[list[dict[str, object]], TrustProfile]:
    """Keys, a signing key, the trust profile, ``count`` proven receipts stored in ``home``; the bundles and the profile."""
    pk = setup_receipt_keys(PRICE_AND_MODEL)
    identity = receipt_identity(PRICE_AND_MODEL)
    save_keys(pk, ReceiptKeyPaths.under(home / "keys"), identity)
    key = SigningKey.generate()
    profile = update_trust_profile(
        lambda current: current.with_key(pk.vk, identity).with_receipt_signer(bytes(key.verify_key)), home / "trust.json"
    )
    receipts = []
    for i in range(count):
        start = 1737730800 + 60 * i
        receipt = Receipt(f"rcpt-load-{i:05d}", f"job-{i}", f"provider-{i % 4}", f"client-{i % 7}", 2_500,
                          "gpu_seconds", 5_000_000, "llama3.2", start, start + 3)
        receipts.append(sign_receipt(receipt, key, DEFAULT_RATE_TABLE))
    day = 1737730800 - 1737730800 % 86400
    policy = ReceiptPolicy(not_before=day, not_after=day + 2 * 86400 - 1, max_duration=3600)
    proven = prove_receipts(receipts, pk, policy, DEFAULT_RATE_TABLE, trusted_keys=key.verify_key, signing_key=key)
    with ReceiptStore(home / "zkreceipt.db") as store:
        for receipt, item in zip(receipts, proven, strict=True):
            bundle = item.bundle
            store.add_proven(receipt, bundle_to_text(bundle), kind="groth16-receipt", vk_id=bundle.vk_id,
                             commitment=bundle.commitment)
    return [bundle_to_json(item.bundle) for item in proven], profile


def start_server(home: Path, verifier: str) -> tuple[subprocess.Popen[str], int, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--rate-limit", "0", "--verifier", verifier, "--home", str(home)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        match = READY.search(line)
        if match:
            return process, int(match.group(1)), time.perf_counter() - started
    raise SystemExit(f"service_load: the server did not start: {process.stderr.read() if process.stderr else ''}")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its living children (the verifier process)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def one_at_a_time(
    documents: list[dict[str, object]], profile: TrustProfile, seconds: float, *, bare: bool = False
) -> tuple[float, list[float], float]:
    """Verifications per second, latencies (ms) and CPU ms each of parse + ``verify_bundle``, one call at a time.

    ``bare``: parse + ``groth16.verify`` only (one pairing check, none of the bundle's other checks): the
    least a one-at-a-time verifier can do.
    """
    texts = [json.dumps(document) for document in documents]
    vk = next(iter(profile.keys.values())).vk
    latencies: list[float] = []
    cpu = time.process_time()
    started = time.perf_counter()
    i = 0
    while time.perf_counter() - started < seconds:
        t = time.perf_counter()
        bundle = bundle_from_json(json.loads(texts[i % len(texts)]))
        if bare:
            ok = verify(vk, list(bundle.public_signals), bundle.proof)
        else:
            ok = verify_bundle(bundle, profile).ok
        latencies.append((time.perf_counter() - t) * 1e3)
        if not ok:
            raise SystemExit("service_load: a bundle did not verify")
        i += 1
    return i / (time.perf_counter() - started), latencies, (time.process_time() - cpu) / i * 1e3


@dataclass
class Scenario:
    name: str
    requests: list[bytes]
    check: bytes  # a byte string every successful response body contains


async def client(port: int, scenario: Scenario, offset: int, stop_at: float, budget: list[int],
                 latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while time.perf_counter() < stop_at and budget[0] > 0:
            budget[0] -= 1
            request = scenario.requests[i % len(scenario.requests)]
            i += 1
            t = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            body = await reader.readexactly(length)
            latencies.append((time.perf_counter() - t) * 1e3)
            if not head.startswith(b"HTTP/1.1 200") or scenario.check not in body:
                errors.append(head.split(b"\r\n", 1)[0].decode() + " " + body[:200].decode(errors="replace"))
    finally:
        writer.close()


async def run_scenario(
    port: int, server_pid: int, scenario: Scenario, clients: int, seconds: float, max_requests: int
) -> dict[str, float]:
    warm_stop = time.perf_counter() + 1.0
    await asyncio.gather(*(client(port, scenario, c, warm_stop, [10**9], [], []) for c in range(clients)))
    latencies: list[float] = []
    errors: list[str] = []
    budget = [max_requests]
    server_cpu, client_cpu = process_tree_cpu(server_pid), time.process_time()
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(client(port, scenario, c * 7, stop_at, budget, latencies, errors) for c in range(clients)))
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"service_load: {len(errors)} failed requests, first: {errors[0]}")
    figures = summary(len(latencies) / elapsed, latencies)
    figures["server_cpu_ms"] = (process_tree_cpu(server_pid) - server_cpu) / len(latencies) * 1e3
    figures["client_cpu_ms"] = (time.process_time() - client_cpu) / len(latencies) * 1e3
    return figures


def summary(rate: float, latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "rate": rate,
        "count": len(ordered),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def http_request(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
    if body:
        head += "Content-Type: application/json\r\n"
    return head.encode() + b"\r\n" + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per scenario")
    parser.add_argument("--max-requests", type=int, default=50_000, help="at most this many requests per scenario")
    parser.add_argument("--bundles", type=int, default=64, help="distinct proven receipts")
    parser.add_argument("--clients", default="1,16,64", help="concurrent clients, comma-separated")
    parser.add_argument("--verifiers", default="process,thread", help="verifier hosts to compare, comma-separated")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="zkreceipt-load-") as directory:
        home = Path(directory)
        documents, profile = build_home(home, args.bundles)
        one_at_a_time(documents[:4], profile, 0.5)  # warm-up: loads the verifier kernels
        before = one_at_a_time(documents, profile, args.seconds)
        bare = one_at_a_time(documents, profile, args.seconds, bare=True)
        scenarios = [
            Scenario("GET /api/v1/receipts?limit=20", [http_request("GET", "/api/v1/receipts?limit=20")], b"items"),
            Scenario(
                "POST /api/v1/verify (1 bundle)",
                [http_request("POST", "/api/v1/verify", json.dumps(d).encode()) for d in documents],
                b'"valid": true',
            ),
        ]
        results: dict[tuple[str, str, int], dict[str, float]] = {}
        startups: dict[str, float] = {}
        for verifier in args.verifiers.split(","):
            server, port, startups[verifier] = start_server(home, verifier)
            try:
                for s in scenarios:
                    for n in counts:
                        results[(verifier, s.name, n)] = asyncio.run(
                            run_scenario(port, server.pid, s, n, args.seconds, args.max_requests)
                        )
            finally:
                server.terminate()
                server.wait(timeout=30)
        after = one_at_a_time(documents, profile, args.seconds)
    print(f"load average at end: {os.getloadavg()}")
    for verifier, seconds in startups.items():
        print(f"server start until ready (--verifier {verifier}, warm kernel cache, verifier warmed): {seconds:.2f} s")
    print("\n| what | clients | per second | p50 ms | p99 ms | requests | CPU ms each: server (+ verifier) / load client |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, (rate, latencies, cpu_ms) in (("`verify_bundle` one at a time, in process (before)", before),
                                             ("parse + `groth16.verify` one at a time, in process", bare),
                                             ("`verify_bundle` one at a time, in process (after)", after)):
        figures = summary(rate, latencies)
        print(f"| {label} | 1 | {rate:.0f} | {figures['p50']:.1f} | {figures['p99']:.1f} | {figures['count']:.0f} | "
              f"{cpu_ms:.2f} |")
    for (verifier, name, clients), figures in results.items():
        print(f"| {name}, verifier {verifier} | {clients} | {figures['rate']:.0f} | {figures['p50']:.1f} | "
              f"{figures['p99']:.1f} | {figures['count']:.0f} | {figures['server_cpu_ms']:.2f} / "
              f"{figures['client_cpu_ms']:.2f} |")
    baseline = (before[0] + after[0]) / 2
    for verifier in startups:
        top = results[(verifier, scenarios[1].name, max(counts))]
        cpu_ratio = (before[2] + after[2]) / 2 / top["server_cpu_ms"]
        print(f"verifier {verifier}: verify throughput at {max(counts)} clients / one at a time (mean of before "
              f"and after): {top['rate'] / baseline:.1f}×; CPU per verification, one at a time / service: "
              f"{cpu_ratio:.1f}× (bare `groth16.verify`: {bare[2] / top['server_cpu_ms']:.1f}×); "
              f"p99 {top['p99']:.0f} ms")


if __name__ == "__main__":
    main()
