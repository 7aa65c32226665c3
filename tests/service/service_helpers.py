"""Test data for the service (signed, proven receipts in a real home) and a real `zkreceipt serve` process."""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from nacl.signing import SigningKey

from zkreceipt.circuits.invoice_policy import InvoicePolicy, InvoiceShape
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptPolicy
from zkreceipt.groth16 import ProvingKey
from zkreceipt.ledger.bundle_format import bundle_to_json, bundle_to_text
from zkreceipt.ledger.bundles import ProvenReceipt, prove_receipts
from zkreceipt.ledger.identity import invoice_identity, receipt_identity
from zkreceipt.ledger.invoice_bundles import invoice_key_paths, setup_invoice_keys
from zkreceipt.ledger.keys import ReceiptKeyPaths, save_keys, setup_receipt_keys
from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.ledger.trust import TrustProfile, update_trust_profile
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    Keyring,
    Receipt,
    generate_accounting_key,
    receipt_to_dict,
    sign_receipt,
)
from zkreceipt.receipts.secp256k1_keys import AccountingKey

DAY = 86400
INVOICE_SHAPE = InvoiceShape(max_items=4)
INVOICE_POLICY = InvoicePolicy(INVOICE_SHAPE, memory_limit=1 << 32)
FIRST_START = 1737730800
CLIENTS = ("client-alice", "client-bob", "client-carol")
PROVIDERS = ("provider-one", "provider-two")
#: (model, units, price): price = units × the published rate.
JOBS = (("llama3.2", 2_500, 5_000_000), ("codellama", 2_000, 5_000_000), ("llama3.2:1b", 3_000, 1_500_000))
CLI = [sys.executable, "-c", "from zkreceipt.cli import main; main()"]


def make_receipt(index: int, key: SigningKey, *, provider: str | None = None, client: str | None = None) -> Receipt:
    """Signed receipt number ``index``: clients, providers and models rotate; starts 10 minutes apart."""
    model, units_fp, price_fp = JOBS[index % len(JOBS)]
    started = FIRST_START + 600 * index
    receipt = Receipt(
        receipt_id=f"rcpt-test-{index:04d}",
        job_id=f"job-secret-{index:04d}",
        provider=provider or PROVIDERS[index % len(PROVIDERS)],
        client=client or CLIENTS[index % len(CLIENTS)],
        units_fp=units_fp,
        unit_type="gpu_seconds",
        price_fp=price_fp,
        model=model,
        started_at=started,
        completed_at=started + 3,
    )
    return sign_receipt(receipt, key, DEFAULT_RATE_TABLE)


def day_policy(receipt: Receipt) -> ReceiptPolicy:
    day = receipt.started_at - receipt.started_at % DAY
    return ReceiptPolicy(not_before=day, not_after=day + DAY - 1, max_duration=3600)


@dataclass
class ServiceData:
    """A home whose trust profile trusts its receipt and invoice keys, a provider signing key and an accounting
    key; proven receipts (bundles and salts) stored as `zkreceipt prove` stores them (no verdict yet)."""

    home: Path
    proving_key: ProvingKey
    signing_key: SigningKey
    invoice_key: ProvingKey
    accounting_key: AccountingKey
    profile: TrustProfile
    stored: list[ProvenReceipt] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)

    def prove(self, receipts: list[Receipt], signing_key: SigningKey | None = None) -> list[ProvenReceipt]:
        """Prove receipts signed by a trusted key (this provider's, unless given), attested by ``signing_key``."""
        trusted = [self.signing_key.verify_key] + ([signing_key.verify_key] if signing_key is not None else [])
        return prove_receipts(
            receipts, self.proving_key, [day_policy(r) for r in receipts], DEFAULT_RATE_TABLE,
            trusted_keys=Keyring.of(trusted), signing_key=signing_key or self.signing_key,
        )


def build_home(home: Path, stored_count: int) -> ServiceData:
    """Receipt and invoice key pairs in ``home/keys`` and the profile trusting them and the two signers, as
    `setup`, `invoice setup`, `keygen` and `invoice keygen` leave a home; ``stored_count`` receipts proven, stored."""
    home.mkdir(parents=True, exist_ok=True)
    pk = setup_receipt_keys(PRICE_AND_MODEL)
    save_keys(pk, ReceiptKeyPaths.under(home / "keys"), receipt_identity(PRICE_AND_MODEL))
    invoice_pk = setup_invoice_keys(INVOICE_SHAPE)
    save_keys(invoice_pk, invoice_key_paths(INVOICE_SHAPE, home / "keys"), invoice_identity(INVOICE_SHAPE))
    key, accounting = SigningKey.generate(), generate_accounting_key()
    profile = update_trust_profile(
        lambda current: current.with_key(pk.vk, receipt_identity(PRICE_AND_MODEL))
        .with_key(invoice_pk.vk, invoice_identity(INVOICE_SHAPE))
        .with_receipt_signer(bytes(key.verify_key))
        .with_invoice_signer(accounting.address),
        home / "trust.json",
    )
    data = ServiceData(home, pk, key, invoice_pk, accounting, profile)
    receipts = [make_receipt(i, key) for i in range(stored_count)]
    proven = data.prove(receipts)
    with ReceiptStore(home / "zkreceipt.db") as store:
        for receipt, item in zip(receipts, proven, strict=True):
            bundle = item.bundle
            store.add_proven(receipt, bundle_to_text(bundle), kind="groth16-receipt", vk_id=bundle.vk_id,
                             commitment=bundle.commitment)
    data.stored, data.receipts = proven, receipts
    return data


def submission(receipt: Receipt, proven: ProvenReceipt) -> dict[str, object]:
    """One item of POST /api/v1/bundles."""
    return {"receipt": receipt_to_dict(receipt), "bundle": bundle_to_json(proven.bundle), "salt": str(proven.salt)}


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ZKRECEIPT_HOME": str(home)}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=environment, timeout=300)


def add_key(home: Path, role: str, subject: str) -> str:
    run = run_cli("service", "add-key", "--role", role, "--subject", subject, "--home", str(home), home=home)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


_READY = re.compile(r"ready on (http://127\.0\.0\.1:\d+)/")


@dataclass
class RunningServer:
    """A `zkreceipt serve` process on 127.0.0.1 (an ephemeral port) and its base URL."""

    process: subprocess.Popen[str]
    url: str
    startup_seconds: float

    def stop(self) -> str:
        """Stop the process (SIGTERM, by its pid) and return what it wrote to stderr."""
        self.process.terminate()
        try:
            _, stderr = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        return stderr or ""


def start_server(home: Path, *options: str, timeout: float = 300.0) -> RunningServer:
    """Start `zkreceipt serve --port 0 --home HOME` and wait for its "ready on" line."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--home", str(home), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ZKRECEIPT_HOME": str(home)},
    )
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=1.0):
            if process.poll() is not None:
                break
            continue
        line = process.stdout.readline()
        if not line:
            break
        match = _READY.search(line)
        if match:
            return RunningServer(process, match.group(1), time.perf_counter() - started)
    process.kill()
    _, stderr = process.communicate()
    raise AssertionError(f"zkreceipt serve did not become ready: {stderr[-2000:]}")


def json_text(document: object) -> str:
    return json.dumps(document)
