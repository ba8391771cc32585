"""The full role x endpoint matrix: every forbidden pair is refused with 403, every allowed pair gets through.

ENDPOINTS is the one table; a second test fails when the app grows a route the table does not list.
"""
from __future__ import annotations

import pytest

from engine.governance.submission import submit
from engine.tokens import ROLE_PERMISSIONS, ROLES
from tests.conftest import REPO
from tests.http.conftest import bearer, tiny_card_yaml
from tests.http.test_api import HOUSE_PACK
from tests.store.test_submit import make_card

DECISION = {"ref": "acme/tiny@1.0", "decision": "approve", "comment": "checked"}
WAIVER = {"rule_id": "completeness.description", "target": "acme/tiny", "reason": "internal"}
DATASET = {"name": "acme/support-sentiment", "source": str(REPO / "tests/evals/data/registration/acme-support-sentiment.jsonl"),
           "license": "cc-by-4.0"}

# (method, route as the app declares it, URL called, JSON body or ("form", fields), permission needed)
ENDPOINTS = [
    ("GET", "/models", "/models", None, "read"),
    ("POST", "/models", "/models", {"card": tiny_card_yaml("acme/other")}, "submit"),
    ("GET", "/models/{ref:path}", "/models/acme/tiny", None, "read"),
    ("GET", "/versions/{name:path}", "/versions/acme/tiny", None, "read"),
    ("GET", "/lineage/{ref:path}", "/lineage/acme/tiny", None, "read"),
    ("GET", "/diff", "/diff?a=acme/tiny&b=acme/tiny", None, "read"),
    ("GET", "/reviews", "/reviews", None, "read"),
    ("GET", "/reviews/{ref:path}", "/reviews/acme/tiny", None, "read"),
    ("POST", "/decisions", "/decisions", DECISION, "decide"),
    ("GET", "/waivers", "/waivers", None, "read"),
    ("POST", "/waivers", "/waivers", WAIVER, "administer"),
    ("DELETE", "/waivers/{waiver_id:int}", "/waivers/999999", None, "administer"),
    ("GET", "/reports/{fmt:str}/{ref:path}", "/reports/junit/acme/tiny", None, "read"),
    ("GET", "/datasets", "/datasets", None, "read"),
    ("POST", "/datasets", "/datasets", DATASET, "submit"),
    ("GET", "/policies", "/policies", None, "read"),
    ("POST", "/policies/dry-run", "/policies/dry-run", {"card": tiny_card_yaml()}, "read"),
    ("PUT", "/policies/{name:str}", "/policies/house", {"yaml": HOUSE_PACK}, "administer"),
    ("POST", "/search", "/search", {"filters": [{"field": "license", "op": "eq", "value": "mit"}]}, "read"),
    ("POST", "/chat", "/chat", {}, "read"),  # an empty body: authorised callers get a 400, nobody waits for the LLM
    ("GET", "/chat/{conversation_id:str}", "/chat/" + "a" * 32, None, "read"),  # an unknown conversation: a 404 to readers
    ("GET", "/health", "/health", None, "public"),
    ("GET", "/ready", "/ready", None, "public"),
    ("GET", "/audit-log", "/audit-log", None, "read"),
    ("GET", "/audit-log/verify", "/audit-log/verify", None, "read"),
    ("GET", "/", "/", None, "public"),
    ("GET", "/ui", "/ui", None, "read"),
    ("GET", "/ui/models/{ref:path}", "/ui/models/acme/tiny", None, "read"),
    ("GET", "/ui/diff", "/ui/diff?a=acme/tiny&b=acme/tiny", None, "read"),
    ("GET", "/ui/reviews", "/ui/reviews", None, "read"),
    ("POST", "/ui/decisions", "/ui/decisions", ("form", DECISION), "decide"),
    ("GET", "/ui/chat", "/ui/chat", None, "read"),
    ("POST", "/ui/chat", "/ui/chat", ("form", {}), "read"),
    ("GET", "/ui/login", "/ui/login", None, "public"),
    ("POST", "/ui/login", "/ui/login", ("form", {"token": "mlk_wrong"}), "public"),
    ("POST", "/ui/logout", "/ui/logout", None, "public"),
]
ANONYMOUS = "anonymous"
NOT_IN_MATRIX = ("/schema", "/static/")  # OpenAPI documents and stylesheets are open by design


def call(client, method: str, url: str, body, headers: dict):
    if isinstance(body, tuple):
        return client.request(method, url, data=body[1], headers=headers, follow_redirects=False)
    return client.request(method, url, json=body, headers=headers, follow_redirects=False)


def expected(permission: str, role: str, url: str) -> str:
    if permission == "public":
        return "allowed"
    if role == ANONYMOUS:
        return "login" if url.startswith("/ui") else "401"
    return "allowed" if permission in ROLE_PERMISSIONS[role] else "403"


def observed(status: int, location: str | None) -> str:
    if status == 401:
        return "401"
    if status == 403:
        return "403"
    if status in (302, 303) and (location or "").startswith("/ui/login?next="):
        return "login"
    return "allowed"


def test_every_role_and_endpoint(lake, client, tokens):
    submit(lake, make_card(), submitted_by="sam")  # submitted by the submitter, so reviewers and admins may decide on it
    wrong = []
    for method, _, url, body, permission in ENDPOINTS:
        for role in (*ROLES, ANONYMOUS):
            headers = bearer(tokens[role]) if role != ANONYMOUS else {}
            response = call(client, method, url, body, headers)
            assert response.status_code < 500, f"{role} {method} {url}: {response.status_code} {response.text[:300]}"
            got, want = observed(response.status_code, response.headers.get("location")), expected(permission, role, url)
            if got != want:
                wrong.append(f"{role} {method} {url}: expected {want}, got {response.status_code}")
    assert wrong == []


def test_the_matrix_lists_every_route(app):
    declared = {(method, route.path) for route in app.routes for method in route.methods - {"OPTIONS", "HEAD"}
                if not route.path.startswith(NOT_IN_MATRIX)}
    assert declared == {(method, route) for method, route, *_ in ENDPOINTS}


@pytest.mark.parametrize("path", ["/health", "/ready", "/schema/openapi.json"])
def test_open_routes_need_no_token(client, path):
    assert client.get(path).status_code == 200
