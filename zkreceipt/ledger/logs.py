"""Structured JSON logging through :mod:`logging`, and the append-only audit log.

Library modules log with ``logging.getLogger(__name__)`` and pass ids in
``extra`` (``extra={"receipt_id": …}``) or set them for a block with
:func:`log_context`. Nothing is installed on import: the CLI calls
:func:`configure_logging`, which attaches one handler to the ``zkreceipt``
logger writing one JSON object per line::

    {"ts": "2025-01-24T15:00:03.120Z", "level": "INFO", "service": "zkreceipt",
     "logger": "zkreceipt.receipts.ed25519_signing", "module": "ed25519_signing",
     "function": "sign_receipt", "line": 42, "message": "signed receipt",
     "receipt_id": "rcpt-1", "job_id": "job-7", "key_id": "985ebaab118d712e"}

Extra fields whose names suggest a secret (salt, seed, secret, private…,
password, witness, toxic…) are written as ``"[redacted]"``.

The audit log is a separate JSON-lines file recording what was signed, proven
and verified, and which keys were created or exported: ``{"ts", "action",
"subject", "subject_id", "details"}``. Each event is appended with one
``write`` on a file opened ``O_APPEND`` (mode 0600, in the 0700 home) and
fsynced. It refuses detail fields that could hold a secret (the same names),
so a secret key, a salt or a private witness value never reaches it. Long text
(a long signal name in a problem, a long path) is truncated to
:data:`MAX_AUDIT_TEXT_LENGTH` characters and marked, never refused: an event
that happened is always recorded. At most :data:`MAX_AUDIT_DETAILS` details
are kept.
"""

from __future__ import annotations

import contextvars
import json
import logging
import math
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import TextIO

from ..errors import ZkReceiptError
from .home import private_directory, zkreceipt_home

SERVICE_NAME = "zkreceipt"
ROOT_LOGGER_NAME = "zkreceipt"
CONTEXT_FIELDS = ("receipt_id", "job_id", "invoice_id", "bundle_id", "key_id")
SECRET_NAME_PARTS = ("salt", "seed", "secret", "private", "password", "passphrase", "witness", "toxic", "signing_key")
REDACTED = "[redacted]"
AUDIT_LOG_FILE_NAME = "audit.log"
MAX_AUDIT_TEXT_LENGTH = 1024
MAX_AUDIT_DETAILS = 32
TRUNCATION_MARK = "…[truncated]"

AuditValue = str | int | bool | None

_log_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "zkreceipt_log_context", default=MappingProxyType({})
)
_STANDARD_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_HANDLER_MARK = "_zkreceipt_configured"


class AuditLogError(ZkReceiptError):
    """An audit event was refused (a secret-looking field, a bad value) or could not be written or read."""


def looks_secret(name: str) -> bool:
    """Whether a field name suggests it holds secret material."""
    lowered = name.lower()
    return any(part in lowered for part in SECRET_NAME_PARTS)


@contextmanager
def log_context(**ids: str | int) -> Iterator[None]:
    """Attach ids (``receipt_id``, ``job_id``, ``invoice_id``, ``bundle_id``, ``key_id``) to the block's records."""
    for name in ids:
        if name not in CONTEXT_FIELDS:
            raise ZkReceiptError(f"log_context: {name!r} is not one of {', '.join(CONTEXT_FIELDS)}")
    token = _log_context.set({**_log_context.get(), **{name: str(value) for name, value in ids.items()}})
    try:
        yield
    finally:
        _log_context.reset(token)


def _utc_timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json_safe(value: object) -> object:
    """``value`` if JSON has it exactly (NaN and infinities are not JSON), else its str."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return str(value)


class JsonLogFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, service, where it was logged, message, ids and extras."""

    def __init__(self, service: str = SERVICE_NAME) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": _utc_timestamp(record.created),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "module": record.module,
            "function": record.funcName,
            "line": record.lineno,
            "message": record.getMessage(),
        }
        entry.update(_log_context.get())
        for name, value in vars(record).items():
            if name not in _STANDARD_RECORD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = REDACTED if looks_secret(name) else _json_safe(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: int | str = logging.INFO,
    stream: TextIO | None = None,
    *,
    json_format: bool = True,
    service: str = SERVICE_NAME,
) -> logging.Handler:
    """Send the ``zkreceipt`` loggers' records at ``level`` and above to ``stream`` (stderr by default).

    JSON lines unless ``json_format`` is false (then a plain one-line format).
    Calling it again replaces the handler it installed before; other handlers
    are left alone. Records stop propagating to the root logger, so they are
    not written twice. Returns the installed handler.
    """
    logger = logging.getLogger(ROOT_LOGGER_NAME)
    for handler in list(logger.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(
        JsonLogFormatter(service)
        if json_format
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return handler


class AuditAction(str, Enum):
    """What an audit event records."""

    SIGNED = "signed"
    PROVEN = "proven"
    VERIFIED = "verified"
    KEY_CREATED = "key_created"
    KEY_EXPORTED = "key_exported"
    TRUSTED = "trusted"  # a trust-profile change: a key, signer, rate table or policy accepted


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit log."""

    ts: str
    action: AuditAction
    subject: str
    subject_id: str
    details: Mapping[str, AuditValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", _audit_action(self.action))
        for name in ("ts", "subject", "subject_id"):
            object.__setattr__(self, name, _audit_text(name, getattr(self, name)))
        if not isinstance(self.details, Mapping):
            raise AuditLogError("audit details: must be a mapping")
        details: dict[str, AuditValue] = {}
        for name, value in self.details.items():
            if looks_secret(_audit_text("detail name", name)):
                raise AuditLogError(f"audit detail {name!r}: refused; the audit log never records secret material")
            if len(details) == MAX_AUDIT_DETAILS:
                details["details_truncated"] = True
                break
            if isinstance(value, str):
                value = _audit_text(f"audit detail {name!r}", value)
            elif value is not None and not isinstance(value, (bool, int)):
                raise AuditLogError(f"audit detail {name!r}: must be a string, an integer, a boolean or null")
            details[_audit_text("detail name", name)] = value
        object.__setattr__(self, "details", MappingProxyType(details))

    def to_json(self) -> str:
        """The event as one JSON line (without the newline)."""
        return json.dumps(
            {
                "ts": self.ts,
                "action": self.action.value,
                "subject": self.subject,
                "subject_id": self.subject_id,
                "details": dict(self.details),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def _audit_action(value: object) -> AuditAction:
    try:
        return AuditAction(value)
    except ValueError:
        allowed = ", ".join(action.value for action in AuditAction)
        raise AuditLogError(f"audit action: must be one of {allowed}, got {value!r:.40}") from None


def _audit_text(name: str, value: object) -> str:
    """``value``, cut to :data:`MAX_AUDIT_TEXT_LENGTH` characters (marked) if longer; AuditLogError if not text."""
    if not isinstance(value, str) or not value:
        raise AuditLogError(f"{name}: must be a non-empty string")
    if len(value) > MAX_AUDIT_TEXT_LENGTH:
        return value[: MAX_AUDIT_TEXT_LENGTH - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return value


def default_audit_log_path() -> Path:
    """``audit.log`` in the zkreceipt home directory (see :func:`zkreceipt.ledger.home.zkreceipt_home`)."""
    return zkreceipt_home() / AUDIT_LOG_FILE_NAME


class AuditLog:
    """The append-only audit log at ``path`` (default: :func:`default_audit_log_path`)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_audit_log_path()

    def record(self, action: AuditAction | str, subject: str, subject_id: str, **details: AuditValue) -> AuditEvent:
        """Append one event (``subject`` e.g. ``"receipt"``, ``"invoice"``, ``"bundle"``, ``"key"``) and return it."""
        event = AuditEvent(
            _utc_timestamp(datetime.now(UTC).timestamp()), _audit_action(action), subject, subject_id, details
        )
        self._append((event.to_json() + "\n").encode("utf-8"))
        return event

    def _append(self, line: bytes) -> None:
        try:
            private_directory(self.path.parent)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as error:
            raise AuditLogError(f"{self.path}: cannot open the audit log ({error.strerror})") from None
        try:
            written = 0
            while written < len(line):
                written += os.write(descriptor, line[written:])
            os.fsync(descriptor)
        except OSError as error:
            raise AuditLogError(f"{self.path}: cannot append to the audit log ({error.strerror})") from None
        finally:
            os.close(descriptor)

    def events(self) -> list[AuditEvent]:
        """Every event in the log, oldest first; AuditLogError naming the line of a malformed entry."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise AuditLogError(f"{self.path}: cannot read the audit log ({error})") from None
        events = []
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                events.append(
                    AuditEvent(entry["ts"], entry["action"], entry["subject"], entry["subject_id"], entry["details"])
                )
            except (ValueError, KeyError, TypeError, AuditLogError) as error:
                raise AuditLogError(f"{self.path}: line {number} is not an audit event ({error})") from None
        return events
