"""``zkreceipt demo`` through click's runner: it proves, verifies and stores the example, and hides the private fields."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from zkreceipt.bundles import bundle_from_json, verify_bundle
from zkreceipt.cli.demo_command import demo_command
from zkreceipt.formats.snarkjs_json import read_json, read_verification_key
from zkreceipt.receipts import DEFAULT_RATE_TABLE
from zkreceipt.store import ReceiptStore

PRIVATE_VALUES = (
    "rcpt-2025-01-24-0001",
    "job-7f3a9c",
    "provider-gpu-node-17",
    "client-acme-labs",
    "1737730800",
)


def test_demo_in_zkreceipt_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    result = CliRunner().invoke(demo_command, [])
    assert result.exit_code == 0, result.output
    output = result.stdout
    for expected in (
        "numba",
        "prove",
        "verify",
        "commitment",
        "rate_table_root",
        "llama3.2",
        "5.000000",
        "not_before=1737676800",
        "Private",
        "salt",
        "verdict: VALID",
    ):
        assert expected in output
    for private in PRIVATE_VALUES:
        assert private not in output
    bundle = bundle_from_json(read_json(tmp_path / "demo" / "bundle.json"))
    vk = read_verification_key(tmp_path / "demo" / "keys" / "verification_key.json")
    assert verify_bundle(bundle, vk, rates=DEFAULT_RATE_TABLE).ok
    with ReceiptStore() as store:
        record = store.show_receipt("rcpt-2025-01-24-0001")
    assert len(record.proof_bundles) == 1
    assert json.loads(record.proof_bundles[0].bundle_json)["commitment"] == str(
        bundle.commitment
    )


def test_demo_without_home_uses_a_temporary_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ZKRECEIPT_HOME", raising=False)
    result = CliRunner().invoke(demo_command, [])
    assert result.exit_code == 0, result.output
    home = Path(result.stdout.splitlines()[0].removeprefix("zkreceipt demo in "))
    assert not home.exists()
    assert "ZKRECEIPT_HOME" not in os.environ
