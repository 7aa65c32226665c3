"""The root group: lazy sub-commands (a fast ``--help``), JSON logs and the audit log through every workflow command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from zkreceipt.ledger.keys import save_receipt_keys, setup_receipt_keys
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL
from zkreceipt.cli.main import COMMANDS, cli
from zkreceipt.ledger.logs import AuditLog
from zkreceipt.receipts.example_files import example_path

EXAMPLE = json.loads(example_path("compute_receipt.json").read_text())
HEAVY_MODULES = ("numba", "numpy", "zkreceipt.field", "zkreceipt.curve", "zkreceipt.groth16")


def test_help_lists_every_command_without_importing_the_core() -> None:
    probe = (
        "import sys\n"
        "from zkreceipt.cli.main import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='zkreceipt')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('heavy:', sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "heavy: []" in run.stdout
    for name, command in COMMANDS.items():
        assert f"{name} " in run.stdout and command.short_help in run.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_under_its_name(name: str) -> None:
    command = COMMANDS[name].load()
    assert command.name == name
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and name in result.output


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    save_receipt_keys(setup_receipt_keys(PRICE_AND_MODEL), folder)
    return folder


def test_workflow_writes_json_logs_and_audit_events_without_secrets(
    keys_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("ZKRECEIPT_HOME", str(home))
    monkeypatch.delenv("ZKRECEIPT_RATES", raising=False)
    monkeypatch.chdir(tmp_path)
    log_file = tmp_path / "log.jsonl"
    runner = CliRunner()

    def run(*args: object, code: int = 0) -> str:
        result = runner.invoke(cli, ["--log-level", "info", "--log-file", str(log_file), *map(str, args)])
        assert result.exit_code == code, result.output
        return result.stdout

    key_id = run("keygen").strip()
    unsigned = {k: v for k, v in EXAMPLE.items() if k != "signature"}
    (tmp_path / "r.json").write_text(json.dumps(unsigned))
    (tmp_path / "r2.json").write_text(json.dumps({**unsigned, "receipt_id": "rcpt-2", "job_id": "job-2"}))
    run("sign", "r.json")
    run("sign", "r2.json")
    vk_id = run("trust", "add-key", keys_dir / "receipt" / "verification_key.json").strip()
    run("prove", "r.signed.json", "--keys-dir", keys_dir, "--salt-out", "salt.txt")
    run("verify", "bundle.json")
    run("prove-batch", "r.signed.json", "r2.signed.json", "--keys-dir", keys_dir, "--out-dir", "out", "--reprove")
    run("verify-batch", "out/r.signed.bundle.json", "out/r2.signed.bundle.json")

    events = AuditLog(home / "audit.log").events()
    assert [(e.action.value, e.subject, e.subject_id) for e in events[:5]] == [
        ("key_created", "key", key_id),
        ("signed", "receipt", EXAMPLE["receipt_id"]),
        ("signed", "receipt", "rcpt-2"),
        ("trusted", "verification_key", vk_id),
        ("proven", "receipt", EXAMPLE["receipt_id"]),
    ]
    assert [e.action.value for e in events[5:]] == ["verified", "proven", "proven", "verified", "verified"]
    assert all(e.details["signer"] == key_id for e in events if e.action.value == "verified")
    assert all(e.details["valid"] for e in events if e.action.value == "verified")

    records = [json.loads(line) for line in log_file.read_text().splitlines()]
    signed = next(r for r in records if r["message"] == "signed receipt")
    assert signed["receipt_id"] == EXAMPLE["receipt_id"] and signed["job_id"] == EXAMPLE["job_id"]
    assert {"ts", "level", "service", "module", "function", "line"} <= signed.keys()
    proved = [r["receipt_id"] for r in records if r["message"] == "proved receipt"]
    assert proved == [EXAMPLE["receipt_id"], EXAMPLE["receipt_id"], "rcpt-2"]

    seed = json.loads((home / "signing_key.json").read_text())["seed"]
    salt = (tmp_path / "salt.txt").read_text().strip()
    for path in (home / "audit.log", log_file):
        text = path.read_text()
        assert seed not in text and seed.upper() not in text
        assert salt not in text
