"""Fixtures: one home with proven receipts, and a real `zkreceipt serve` process over it for the session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from service_helpers import CLIENTS, PROVIDERS, RunningServer, ServiceData, add_key, build_home, start_server

STORED = 6


@pytest.fixture(scope="session")
def service_data(tmp_path_factory: pytest.TempPathFactory) -> ServiceData:
    return build_home(tmp_path_factory.mktemp("service-home"), STORED)


@pytest.fixture(scope="session")
def server(service_data: ServiceData) -> Iterator[RunningServer]:
    running = start_server(service_data.home, "--rate-limit", "0")  # limits: see test_invoices_keys_limits
    yield running
    stderr = running.stop()
    assert "Traceback" not in stderr, stderr


@pytest.fixture(scope="session")
def keys(service_data: ServiceData, server: RunningServer) -> dict[str, str]:
    """API keys made with `zkreceipt service add-key`: one per client and provider of the stored receipts."""
    made = {subject: add_key(service_data.home, "client", subject) for subject in CLIENTS}
    made |= {subject: add_key(service_data.home, "provider", subject) for subject in PROVIDERS}
    return made


@pytest.fixture()
def api(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def home(service_data: ServiceData) -> Path:
    return service_data.home
