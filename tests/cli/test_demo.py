"""``zkreceipt demo`` through click's runner: it proves, verifies and stores the example, and hides the private fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from zkreceipt.cli.common import KERNEL_COMPILATION_NOTICE, kernel_cache_is_cold
from zkreceipt.cli.demo_command import demo_command
from zkreceipt.cli.main import cli
from zkreceipt.formats.snarkjs_json import read_json
from zkreceipt.ledger.bundles import bundle_from_json, verify_bundle
from zkreceipt.ledger.logs import AuditLog
from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.ledger.trust import load_trust_profile

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
    assert verify_bundle(bundle, load_trust_profile()).ok  # the home's profile trusts the demo's key and signer
    verified = CliRunner().invoke(cli, ["verify", str(tmp_path / "demo" / "bundle.json")])
    assert verified.exit_code == 0, verified.output
    assert "OK: the bundle is valid" in verified.stdout and "(trusted)" in verified.stdout
    with ReceiptStore() as store:
        record = store.show_receipt("rcpt-2025-01-24-0001")
    assert len(record.proof_bundles) == 1
    assert json.loads(record.proof_bundles[0].bundle_json)["commitment"] == str(
        bundle.commitment
    )
    actions = [(e.action.value, e.subject_id) for e in AuditLog(tmp_path / "audit.log").events()]
    assert actions[:2] == [("signed", PRIVATE_VALUES[0]), ("proven", PRIVATE_VALUES[0])]
    assert actions[2][0] == "verified"


def test_demo_twice_keeps_one_receipt_and_one_bundle_that_verify_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    first = CliRunner().invoke(demo_command, [])
    assert first.exit_code == 0, first.output
    bundle_text = (tmp_path / "demo" / "bundle.json").read_text()
    second = CliRunner().invoke(demo_command, [])
    assert second.exit_code == 0, second.output
    assert "already stored" in second.stdout and "verdict: VALID" in second.stdout
    assert "prove (and attest)" not in second.stdout and "development setup" not in second.stdout  # nothing made twice
    assert (tmp_path / "demo" / "bundle.json").read_text() == bundle_text
    with ReceiptStore() as store:
        assert [r.receipt_id for r in store.find_receipts()] == [PRIVATE_VALUES[0]]
        assert [b.bundle_json for b in store.proof_bundles(PRIVATE_VALUES[0])] == [bundle_text]
        assert store.key_records() == []  # the demo's signer is trusted in the profile, not the store
    profile = load_trust_profile()
    assert len(profile.keys) == 1 and len(profile.receipt_signers) == 1  # trusted once, not once a run
    assert (tmp_path / "demo" / "signing_key.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "demo" / "receipt.signed.json").stat().st_mode & 0o777 == 0o600
    # What the demo prints is where things are: the CLI finds them with its defaults.
    verify = subprocess.run(
        [sys.executable, "-c", "from zkreceipt.cli import main; main()", "verify", str(tmp_path / "demo" / "bundle.json")],
        capture_output=True, text=True, env={**os.environ, "ZKRECEIPT_HOME": str(tmp_path)}, timeout=300,
    )
    assert verify.returncode == 0, verify.stderr
    listed = CliRunner().invoke(cli, ["receipts", "list"])
    assert listed.exit_code == 0 and PRIVATE_VALUES[0] in listed.stdout
    for line in (f"bundle           {tmp_path / 'demo' / 'bundle.json'}", f"store            {tmp_path / 'zkreceipt.db'}"):
        assert line in second.stdout


def test_demo_without_zkreceipt_home_uses_the_default_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZKRECEIPT_HOME", raising=False)
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    result = CliRunner().invoke(demo_command, [])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"zkreceipt demo in {tmp_path / '.zkreceipt'}"
    assert (tmp_path / ".zkreceipt" / "demo" / "bundle.json").is_file()
    assert (tmp_path / ".zkreceipt" / "zkreceipt.db").is_file()


# Run in a fresh interpreter: prints "IMPORTED numba" when numba is first imported, with the cache
# check forced cold, so the output shows whether the notice came before the heavy imports.
_ORDER_PROBE = """
import importlib.abc, sys
class Probe(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "numba":
            print("IMPORTED numba", flush=True)
            sys.meta_path.remove(self)
        return None
sys.meta_path.insert(0, Probe())
import zkreceipt.cli.common as common
common.kernel_cache_is_cold = lambda roots=None: True
from zkreceipt.cli.main import cli
cli(["demo"], prog_name="zkreceipt")
"""


def test_demo_announces_compilation_before_importing_the_core(tmp_path: Path) -> None:
    environment = {**os.environ, "ZKRECEIPT_HOME": str(tmp_path)}
    environment.pop("ZKRECEIPT_RATES", None)
    run = subprocess.run(
        [sys.executable, "-c", _ORDER_PROBE], capture_output=True, text=True, env=environment, timeout=600
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines.index(KERNEL_COMPILATION_NOTICE) < lines.index("IMPORTED numba")
    assert "verdict: VALID" in run.stdout


def test_kernel_cache_is_cold_looks_for_zkreceipt_kernel_indexes(tmp_path: Path) -> None:
    cache = tmp_path / "zkreceipt" / "field" / "__pycache__"
    cache.mkdir(parents=True)
    assert kernel_cache_is_cold([tmp_path])
    (cache / "other.nbc").write_bytes(b"")
    assert kernel_cache_is_cold([tmp_path])
    (cache / "_montgomery.vec_mul-142.py311.nbi").write_bytes(b"")
    assert not kernel_cache_is_cold([tmp_path])
