"""schemathesis against the OpenAPI document of a live server: generated requests never get a server error."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.http.conftest import bearer

pytestmark = pytest.mark.slow
EXAMPLES_PER_OPERATION = 15  # bounded: the whole run takes a few minutes on two cores
NOT_FUZZED = "/chat"  # runs the local LLM per example; the browser test covers it


@pytest.mark.timeout(1200)
def test_no_server_errors(live_server, tokens):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/schema/openapi.json").exclude(path=NOT_FUZZED)
    headers = bearer(tokens["admin"])  # admins may call everything, so every operation gets past the guard
    fuzzed, failures = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        fuzzed.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case):
            response = case.call(headers=headers, timeout=120)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            no_server_error()
        except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures[operation.label] = f"{type(error).__name__}: {str(error)[:500]}"
    assert failures == {}
    assert len(fuzzed) >= 20
