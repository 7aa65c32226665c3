"""What the store's test modules share: receipts to store, and a store on each backend (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from zkreceipt.ledger.store import ReceiptStore
from zkreceipt.receipts import Receipt, parse_receipt

BACKENDS = ("sqlite", "postgresql")
VK_A = "a" * 64
VK_B = "b" * 64


def make_receipt(
    number: int,
    *,
    client: str = "client-a",
    provider: str = "prov-1",
    model: str = "llama3.2",
    started_at: int = 1737730800,
) -> Receipt:
    return parse_receipt(
        {
            "receipt_id": f"rcpt-{number:04d}",
            "job_id": f"job-{number}",
            "provider": provider,
            "client": client,
            "units": "2.5",
            "unit_type": "gpu_seconds",
            "price": "5.0",
            "model": model,
            "started_at": started_at,
            "completed_at": started_at + 3,
        }
    )


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store on each backend: a SQLite path, or the URL of a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "home" / "zkreceipt.db")
    return request.getfixturevalue("postgresql_server").create_database()


def scalar(store: ReceiptStore, sql: str, **parameters: Any) -> Any:
    """One value from a raw SQL query on the store's database (a check independent of the store's queries)."""
    with store._engine.connect() as connection:
        return connection.execute(sa.text(sql), parameters).scalar()


def execute(store: ReceiptStore, sql: str, **parameters: Any) -> None:
    """Run raw SQL on the store's database, committed (to corrupt or inspect a store from outside)."""
    with store._engine.connect() as connection:
        connection.execute(sa.text(sql), parameters)
        connection.commit()
