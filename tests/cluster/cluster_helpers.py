"""What the cluster tests share: the policy, signed receipts (the example receipt with other ids, units and
models), the provider who signs them and attests the bundles, development keys on disk, the verifier's trust
profile, a provider's home, and a handle on the test's Dask cluster."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from distributed import Client

from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL, ReceiptPolicy
from zkreceipt.groth16 import ProvingKey
from zkreceipt.ledger.bundles import ProvenReceipt, prove_receipts
from zkreceipt.ledger.identity import receipt_identity
from zkreceipt.ledger.keys import ReceiptKeyPaths
from zkreceipt.ledger.trust import TrustProfile, default_trust_profile, save_trust_profile
from zkreceipt.receipts import (
    DEFAULT_RATE_TABLE,
    Receipt,
    ed25519_key_id,
    generate_signing_key,
    parse_receipt,
    receipt_to_json,
    save_signing_key,
    sign_receipt,
)
from zkreceipt.receipts.example_files import example_path

POLICY = ReceiptPolicy(not_before=1737676800, not_after=1737763199, max_duration=3600)
#: (model, units, price): priced at the default rates, within 3 s × 1 GPU.
JOBS = [("llama3.2", "2.500", "5.000000"), ("codellama", "2.000", "5.000000"), ("llama3.2:1b", "3.000", "1.500000"),
        ("llama3.2", "1.000", "2.000000"), ("stable-diffusion", "0.400", "2.000000")]
#: The provider: signs the receipts and attests their bundles (the verifier's profile trusts it).
PROVIDER = generate_signing_key()
PROVIDER_ID = ed25519_key_id(PROVIDER.verify_key)
#: Someone the profile does not trust.
STRANGER = generate_signing_key()


@dataclasses.dataclass(frozen=True)
class Keys:
    pk: ProvingKey
    paths: ReceiptKeyPaths

    @property
    def directory(self) -> Path:
        """The keys directory (``--keys-dir``), holding the pair folder ``receipt/``."""
        return self.paths.folder.parent

    @property
    def profile(self) -> TrustProfile:
        """The verifier's trust profile: this key pair for the default receipt circuit, the provider as signer."""
        return default_trust_profile().with_key(self.pk.vk, receipt_identity(PRICE_AND_MODEL)).with_receipt_signer(
            bytes(PROVIDER.verify_key)
        )


def receipt_document(index: int, prefix: str) -> dict[str, object]:
    document = json.loads(example_path("compute_receipt.json").read_text())
    model, units, price = JOBS[index % len(JOBS)]
    document.update(receipt_id=f"{prefix}-{index}", job_id=f"job-{prefix}-{index}", model=model, units=units, price=price)
    document.pop("signature")
    return document


def make_receipts(count: int, prefix: str, signer: Any = PROVIDER) -> list[Receipt]:
    """``count`` receipts signed by ``signer``."""
    return [sign_receipt(parse_receipt(json.dumps(receipt_document(i, prefix))), signer) for i in range(count)]


def write_receipt_files(folder: Path, count: int, prefix: str, signer: Any = PROVIDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index, receipt in enumerate(make_receipts(count, prefix, signer)):
        path = folder / f"{prefix}-{index:03d}.json"
        path.write_text(receipt_to_json(receipt))
        files.append(path)
    return files


def prove_as_provider(receipts: list[Receipt], pk: ProvingKey, **options: Any) -> list[ProvenReceipt]:
    """``prove_receipts`` under POLICY and the default rates, as the provider (checks its signature, attests)."""
    return prove_receipts(
        receipts, pk, POLICY, DEFAULT_RATE_TABLE, trusted_keys=PROVIDER.verify_key, signing_key=PROVIDER, **options
    )


def provider_home(home: Path, keys: Keys) -> Path:
    """Make ``home`` the provider's: its signing key (signing_key.json) and a trust profile (trust.json) as ``keys.profile``."""
    home.mkdir(parents=True, exist_ok=True)
    save_signing_key(PROVIDER, home / "signing_key.json", overwrite=True)
    save_trust_profile(keys.profile, home / "trust.json")
    return home


@dataclasses.dataclass
class DaskCluster:
    address: str
    client: Client
    processes: list[subprocess.Popen[bytes]]

    def worker_pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def wait_for_both_workers(self) -> None:
        self.client.wait_for_workers(2, timeout=120)
