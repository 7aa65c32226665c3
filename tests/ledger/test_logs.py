"""Structured JSON logging and the append-only audit log (which never holds a secret)."""

from __future__ import annotations

import io
import json
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from zkreceipt.ledger.logs import (
    MAX_AUDIT_DETAILS,
    MAX_AUDIT_TEXT_LENGTH,
    AuditAction,
    AuditLog,
    AuditLogError,
    JsonLogFormatter,
    configure_logging,
    default_audit_log_path,
    log_context,
)
from zkreceipt.receipts import (
    generate_signing_key,
    new_salt,
    parse_receipt,
    receipt_commitment,
    save_signing_key,
    sign_receipt,
)

RECEIPT = {
    "receipt_id": "rcpt-0001",
    "job_id": "job-42",
    "provider": "p",
    "client": "c",
    "units": "2.5",
    "unit_type": "gpu_seconds",
    "price": "5.0",
    "model": "llama3.2",
    "started_at": 1737730800,
    "completed_at": 1737730803,
}


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging("DEBUG", stream)
    yield stream
    logging.getLogger("zkreceipt").removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_importing_installs_no_handler() -> None:
    import subprocess
    import sys

    code = (
        "import logging, zkreceipt.ledger.logs, zkreceipt.ledger.store, zkreceipt.receipts;"
        "print(len(logging.getLogger('zkreceipt').handlers), len(logging.getLogger().handlers))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "0 0\n"


def test_records_are_json_with_location_and_ids(log_stream: io.StringIO) -> None:
    logger = logging.getLogger("zkreceipt.test")
    logger.info("proved %s", "receipt", extra={"receipt_id": "rcpt-9", "duration_ms": 12})
    (entry,) = _lines(log_stream)
    assert entry["message"] == "proved receipt" and entry["level"] == "INFO"
    assert entry["service"] == "zkreceipt" and entry["logger"] == "zkreceipt.test"
    assert entry["module"] == "test_logs" and entry["function"] == "test_records_are_json_with_location_and_ids"
    assert isinstance(entry["line"], int) and str(entry["ts"]).endswith("Z")
    assert entry["receipt_id"] == "rcpt-9" and entry["duration_ms"] == 12


def test_context_ids_and_override(log_stream: io.StringIO) -> None:
    logger = logging.getLogger("zkreceipt.test")
    with log_context(receipt_id="rcpt-1", job_id="job-1"):
        logger.info("inside")
        with log_context(receipt_id="rcpt-2"):
            logger.info("nested")
    logger.info("outside")
    inside, nested, outside = _lines(log_stream)
    assert (inside["receipt_id"], inside["job_id"]) == ("rcpt-1", "job-1")
    assert (nested["receipt_id"], nested["job_id"]) == ("rcpt-2", "job-1")
    assert "receipt_id" not in outside
    with pytest.raises(Exception, match="'salt' is not one of"), log_context(salt="1"):  # type: ignore[arg-type]
        pass


def test_signing_logs_ids_but_never_the_key(log_stream: io.StringIO) -> None:
    key = generate_signing_key()
    sign_receipt(parse_receipt(RECEIPT), key)
    (entry,) = _lines(log_stream)
    assert entry["message"] == "signed receipt" and entry["function"] == "sign_receipt"
    assert entry["receipt_id"] == "rcpt-0001" and entry["job_id"] == "job-42" and len(str(entry["key_id"])) == 16
    assert bytes(key).hex() not in log_stream.getvalue()


def test_secret_looking_extras_are_redacted(log_stream: io.StringIO) -> None:
    logging.getLogger("zkreceipt.test").info("x", extra={"salt": 12345678987654321, "private_key_hex": "abcdef0123"})
    (entry,) = _lines(log_stream)
    assert entry["salt"] == "[redacted]" and entry["private_key_hex"] == "[redacted]"
    assert "12345678987654321" not in log_stream.getvalue() and "abcdef0123" not in log_stream.getvalue()


def test_exceptions_and_odd_values_stay_valid_json(log_stream: io.StringIO) -> None:
    logger = logging.getLogger("zkreceipt.test")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"ratio": float("nan"), "path": Path("/x")})
    (entry,) = _lines(log_stream)
    assert "ValueError: boom" in str(entry["exception"])
    assert entry["ratio"] == "nan" and entry["path"] == "/x"


def test_configure_logging_replaces_only_its_own_handler() -> None:
    logger = logging.getLogger("zkreceipt")
    foreign = logging.NullHandler()
    logger.addHandler(foreign)
    try:
        first = configure_logging("INFO", io.StringIO())
        second = configure_logging("WARNING", io.StringIO(), json_format=False)
        assert first not in logger.handlers and second in logger.handlers and foreign in logger.handlers
        assert logger.level == logging.WARNING
        assert not isinstance(second.formatter, JsonLogFormatter)
    finally:
        logger.removeHandler(foreign)
        logger.removeHandler(second)


def test_audit_log_records_signed_proven_verified_without_secrets(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit" / "audit.log")
    key = generate_signing_key()
    key_path = save_signing_key(key, tmp_path / "provider.key")
    signed = sign_receipt(parse_receipt(RECEIPT), key)
    assert signed.signature is not None
    salt = new_salt()
    commitment = receipt_commitment(signed, salt)

    audit.record(AuditAction.KEY_CREATED, "key", signed.signature.key_id, path=str(key_path))
    audit.record(AuditAction.SIGNED, "receipt", signed.receipt_id, key_id=signed.signature.key_id, job_id="job-42")
    audit.record("proven", "receipt", signed.receipt_id, commitment=str(commitment), bundle_id=7)
    audit.record(AuditAction.VERIFIED, "receipt", signed.receipt_id, valid=True)

    text = audit.path.read_text()
    assert bytes(key).hex() not in text and str(salt) not in text
    assert stat.S_IMODE(audit.path.stat().st_mode) == 0o600
    events = audit.events()
    assert [event.action for event in events] == [
        AuditAction.KEY_CREATED,
        AuditAction.SIGNED,
        AuditAction.PROVEN,
        AuditAction.VERIFIED,
    ]
    assert events[1].details == {"key_id": signed.signature.key_id, "job_id": "job-42"}
    assert events[2].details["commitment"] == str(commitment)
    assert all(event.ts.endswith("Z") and event.subject_id for event in events)
    assert all(json.loads(line)["subject"] for line in text.splitlines())


@pytest.mark.parametrize("name", ["salt", "private_key", "seed", "secret", "witness_values", "signing_key", "Salt_hex"])
def test_audit_log_refuses_secret_fields(tmp_path: Path, name: str) -> None:
    audit = AuditLog(tmp_path / "audit.log")
    with pytest.raises(AuditLogError, match=f"audit detail '{name}': refused"):
        audit.record(AuditAction.PROVEN, "receipt", "rcpt-1", **{name: "0123456789"})
    assert not audit.path.exists() or audit.path.read_text() == ""


def test_audit_log_refuses_bad_events(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.log")
    with pytest.raises(AuditLogError, match="audit action: must be one of"):
        audit.record("deleted", "receipt", "rcpt-1")
    with pytest.raises(AuditLogError, match="subject_id: must be a non-empty string"):
        audit.record(AuditAction.SIGNED, "receipt", "")
    with pytest.raises(AuditLogError, match="must be a string, an integer, a boolean or null"):
        audit.record(AuditAction.SIGNED, "receipt", "r", blob=[1, 2])  # type: ignore[arg-type]
    assert audit.events() == []


def test_audit_log_is_append_only_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    AuditLog(path).record(AuditAction.SIGNED, "receipt", "r1")
    AuditLog(path).record(AuditAction.VERIFIED, "receipt", "r1", valid=False)
    assert [e.subject_id for e in AuditLog(path).events()] == ["r1", "r1"]
    assert len(path.read_text().splitlines()) == 2


def test_malformed_audit_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    AuditLog(path).record(AuditAction.SIGNED, "receipt", "r1")
    with path.open("a") as handle:
        handle.write('{"ts": "x"}\n')
    with pytest.raises(AuditLogError, match="line 2 is not an audit event"):
        AuditLog(path).events()


def test_default_audit_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path))
    assert default_audit_log_path() == tmp_path / "audit.log"
    assert AuditLog().path == tmp_path / "audit.log"


def test_long_audit_entries_are_truncated_never_refused(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.log")
    signal_name = "s" * 5000  # a long public-signal name inside an invalid bundle's problem
    event = audit.record(
        AuditAction.VERIFIED,
        "bundle",
        "9" * 3000,
        valid=False,
        problems=f"public signal {signal_name} does not match the policy",
        **{f"extra_{n}": n for n in range(40)},
    )
    (stored,) = audit.events()
    assert stored == event
    assert len(stored.subject_id) == MAX_AUDIT_TEXT_LENGTH and stored.subject_id.endswith("…[truncated]")
    problems = stored.details["problems"]
    assert isinstance(problems, str) and len(problems) == MAX_AUDIT_TEXT_LENGTH
    assert problems.startswith("public signal sss") and problems.endswith("…[truncated]")
    assert stored.details["valid"] is False and stored.details["details_truncated"] is True
    assert len(stored.details) == MAX_AUDIT_DETAILS + 1
    with pytest.raises(AuditLogError, match="refused"):  # a secret-looking name is still refused
        audit.record(AuditAction.PROVEN, "receipt", "r", salt_hex="1" * 5000)


def test_the_audit_log_creates_a_private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZKRECEIPT_HOME", str(tmp_path / "fresh" / "home"))
    AuditLog().record(AuditAction.KEY_EXPORTED, "verification_key", "vk.json")
    for folder in (tmp_path / "fresh", tmp_path / "fresh" / "home"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [event.action for event in AuditLog().events()] == [AuditAction.KEY_EXPORTED]


def test_snarkjs_style_commands_audit_keys_proofs_and_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from zkreceipt.circuit import compile_circuit
    from zkreceipt.circuits.mul_chain import MulChain
    from zkreceipt.cli.main import cli
    from zkreceipt.formats import R1csFile, write_r1cs, write_wtns

    home = tmp_path / "home"
    monkeypatch.setenv("ZKRECEIPT_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    compiled = compile_circuit(MulChain(4))
    write_r1cs("circuit.r1cs", R1csFile.from_r1cs(compiled.r1cs, n_outputs=1, n_prv_inputs=2))
    write_wtns("witness.wtns", compiled.solve({"a": 3, "b": 5}).values)
    runner = CliRunner()
    for command in (
        "groth16 setup circuit.r1cs circuit_final.zkey",
        "groth16 prove",
        "zkey export verificationkey",
        "groth16 verify",
    ):
        result = runner.invoke(cli, command.split())
        assert result.exit_code == 0, (command, result.output)
    events = AuditLog(home / "audit.log").events()
    assert [(e.action.value, e.subject, e.subject_id) for e in events] == [
        ("key_created", "zkey", "circuit_final.zkey"),
        ("proven", "proof", "proof.json"),
        ("key_exported", "verification_key", "verification_key.json"),
        ("verified", "proof", "proof.json"),
    ]
    assert events[0].details["setup"] == "development" and events[3].details["valid"] is True
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
