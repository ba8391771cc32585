"""schemathesis against the OpenAPI document of a live server, every operation of it: generated requests never get a
server error. The web UI's routes, which the document leaves out, are fuzzed with hypothesis over the same server.

Budgets are explicit and small (examples per operation, no per-example deadline: each example is a real HTTP call),
so the file runs in well under two minutes on two cores.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from api.http import ui
from api.http.app import API_ROUTE_MODULES
from tests.http.conftest import bearer

pytestmark = pytest.mark.slow
EXAMPLES_PER_OPERATION = 8
EXAMPLES_PER_LLM_OPERATION = 3  # /chat runs the local LLM for each example
BUDGET = {"max_examples": EXAMPLES_PER_OPERATION, "deadline": None, "suppress_health_check": list(HealthCheck), "database": None,
          "derandomize": True}


def api_operations() -> set[str]:
    """'METHOD /path' of every route of the JSON API (API_ROUTE_MODULES), spelled as OpenAPI spells paths."""
    return {f"{method} {re.sub(r':[a-z]+}', '}', path)}" for module in API_ROUTE_MODULES for handler in module.ROUTES
            for path in handler.paths for method in handler.http_methods}


@pytest.mark.timeout(1200)
def test_no_server_errors_on_any_operation(live_server, tokens):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/schema/openapi.json")
    headers = bearer(tokens["admin"])  # admins may call everything, so every operation gets past the guard
    fuzzed, failures = set(), {}
    for result in schema.get_all_operations():
        operation = result.ok()
        fuzzed.add(f"{operation.method.upper()} {operation.path}")
        examples = EXAMPLES_PER_LLM_OPERATION if operation.path == "/chat" else EXAMPLES_PER_OPERATION

        @given(case=operation.as_strategy())
        @settings(**BUDGET | {"max_examples": examples})
        def no_server_error(case):
            response = case.call(headers=headers, timeout=120)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            no_server_error()
        except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures[operation.label] = f"{type(error).__name__}: {str(error)[:500]}"
    assert failures == {}
    assert fuzzed == api_operations(), "an operation of the app is missing from the fuzzed schema"


TEXT = st.text(max_size=40) | st.sampled_from(["", "acme/tiny", "acme/tiny@1.0", "a\x00b", "../../etc/passwd", "x\n", "%00", "{{ 7*7 }}", "a" * 3000])
UI_REQUESTS = st.one_of(
    st.tuples(st.just("GET"), st.just("/ui"), st.fixed_dictionaries({}, optional={k: TEXT for k in ("q", "status", "task", "domain", "license", "owner", "after", "before", "limit")}), st.none()),
    st.tuples(st.just("GET"), TEXT.map(lambda ref: "/ui/models/" + quote(ref, safe="/@")), st.just({}), st.none()),
    st.tuples(st.just("GET"), st.just("/ui/diff"), st.fixed_dictionaries({}, optional={"a": TEXT, "b": TEXT}), st.none()),
    st.tuples(st.just("GET"), st.sampled_from(["/ui/reviews", "/ui/chat", "/ui/login"]), st.fixed_dictionaries({}, optional={"next": TEXT}), st.none()),
    st.tuples(st.just("POST"), st.just("/ui/decisions"), st.just({}), st.fixed_dictionaries({"ref": TEXT, "decision": TEXT, "comment": TEXT})),
    st.tuples(st.just("POST"), st.just("/ui/login"), st.just({}), st.fixed_dictionaries({"token": TEXT, "next": TEXT})),
    st.tuples(st.just("POST"), st.just("/ui/logout"), st.just({}), st.just({})),
    st.tuples(st.just("POST"), st.just("/ui/chat"), st.just({}), st.fixed_dictionaries({"question": TEXT, "conversation_id": TEXT})),
)


@pytest.mark.timeout(600)
def test_no_server_errors_on_the_web_ui(app, live_server, tokens):
    served = {route.path_format for route in app.routes if route.path_format.startswith("/ui")}
    assert served == {"/ui", "/ui/models/{ref}", "/ui/reviews", "/ui/decisions", "/ui/chat", "/ui/diff", "/ui/login", "/ui/logout"}, served
    assert len(ui.ROUTES) == 10  # the routes below cover each handler; a new one must be added here
    cookies = {"modellake_token": tokens["admin"]}

    @given(request=UI_REQUESTS)
    @settings(**BUDGET | {"max_examples": 60})
    def no_server_error(request):
        method, path, params, form = request
        with httpx.Client(base_url=live_server.url, cookies=cookies, timeout=60, follow_redirects=False) as client:
            response = client.request(method, path, params=params, data=form)
        assert response.status_code < 500, (method, path, params, form, response.status_code, response.text[:500])

    no_server_error()
