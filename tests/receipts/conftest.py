"""Shared receipt fixtures: the source document's receipt (llama3.2, 2.5 units at 2.0 → 5.0)."""

from __future__ import annotations

from typing import Any

import pytest
from nacl.signing import SigningKey

from zkreceipt.receipts import generate_signing_key


@pytest.fixture
def receipt_document() -> dict[str, Any]:
    """A fresh copy of the source receipt as a JSON-ready dict (unsigned)."""
    return {
        "receipt_id": "rcpt-0001",
        "job_id": "job-42",
        "provider": "provider-node-7",
        "client": "client-3",
        "units": "2.5",
        "unit_type": "gpu_seconds",
        "price": "5.0",
        "model": "llama3.2",
        "started_at": 1737730800,
        "completed_at": 1737730803,
    }


@pytest.fixture
def signing_key() -> SigningKey:
    """A fresh Ed25519 signing key."""
    return generate_signing_key()


@pytest.fixture
def function_invoice_document() -> dict[str, Any]:
    """A balanced function-task invoice (unsigned): 1.2M steps charged, 1M paid, 0.2M penalized."""
    return {
        "executionId": "exec-1",
        "taskId": "task-1",
        "taskCreated_timeStamp": 1737730700,
        "invoiceId": "inv-1",
        "stepGasPrice": "0.00000015",
        "byteGasPrice": "0.000000002",
        "lineItem": [
            {"operation": "charge", "account": "client", "total_steps_computed": 1200000, "peak_memory_used": 1024},
            {"operation": "pay", "account": "worker", "total_steps_computed": 1000000, "peak_memory_used": 1024},
            {"operation": "penalty", "account": "treasury", "total_steps_computed": 200000, "peak_memory_used": 0},
        ],
    }


@pytest.fixture
def api_invoice_document() -> dict[str, Any]:
    """A balanced API-task invoice (unsigned)."""
    return {
        "executionId": "exec-2",
        "taskId": "task-2",
        "taskCreated_timeStamp": 1737730700,
        "invoiceId": "inv-2",
        "stepGasPrice": "0.00000015",
        "byteGasPrice": "0.000000002",
        "lineItem": [
            {"operation": "charge", "account": "client", "totalTransferredBytes": {"request": 2048, "response": 65536}},
            {"operation": "pay", "account": "provider", "totalTransferredBytes": {"request": 2048, "response": 65536}},
        ],
    }
