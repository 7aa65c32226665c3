"""schemathesis against the real server's /openapi.json: generated valid and invalid requests never get a 5xx.

Time-boxed: a fixed number of examples per operation and mode, and a wall-clock budget for the whole run.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from conftest import bearer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from service_helpers import PROVIDERS, RunningServer

EXAMPLES_PER_OPERATION = 15
BUDGET_SECONDS = 120.0


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_generated_requests_never_get_a_server_error(
    server: RunningServer, keys: dict[str, str], mode: schemathesis.GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 16
    headers = bearer(keys[PROVIDERS[0]])  # with a provider key the submission routes are fuzzed past the key check
    deadline = time.monotonic() + BUDGET_SECONDS
    statuses: dict[int, int] = {}
    unsatisfiable: list[str] = []
    for operation in operations:
        if time.monotonic() > deadline:
            break

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: schemathesis.Case) -> None:
            response = case.call(base_url=server.url, headers=headers, timeout=60)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (operation.label, response.status_code, response.text[:500])

        try:
            call()
        except Unsatisfiable:  # nothing to make invalid (no parameters, no body): only in negative mode
            if mode is schemathesis.GenerationMode.POSITIVE:
                raise
            unsatisfiable.append(operation.label)
    assert len(unsatisfiable) <= 3, unsatisfiable  # the few operations without parameters or a typed body
    assert sum(statuses.values()) >= len(operations)
    assert all(status < 500 for status in statuses)
