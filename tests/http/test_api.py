"""The JSON API against the real test lake: each endpoint delegates to the engine; errors are RFC 9457 problems."""
from __future__ import annotations

import json

import pytest

from engine.governance.submission import submit
from tests.http.conftest import bearer, tiny_card_yaml
from tests.jobs.conftest import drain
from tests.store.test_submit import make_card


def test_submit_yaml_then_read_it_back(client, tokens):
    created = client.post("/models", json={"card": tiny_card_yaml(description="first")}, headers=bearer(tokens["submitter"]))
    assert created.status_code == 201, created.text
    assert (created.json()["ref"], created.json()["created"]) == ("acme/tiny@1.0", True)
    again = client.post("/models", json={"card": tiny_card_yaml(description="first")}, headers=bearer(tokens["submitter"]))
    assert (again.status_code, again.json()["created"]) == (200, False)
    detail = client.get("/models/acme/tiny@1.0", headers=bearer(tokens["reader"])).json()
    assert (detail["name"], detail["version"], detail["card"]["description"], detail["versions"]) == ("acme/tiny", "1.0", "first", ["1.0"])
    versions = client.get("/versions/acme/tiny", headers=bearer(tokens["reader"])).json()
    assert [(v["ref"], v["submitted_by"]) for v in versions] == [("acme/tiny@1.0", "sam")]


def test_submit_json_card_with_weights_reads_facts(lake, client, tokens, tmp_path):
    import numpy as np
    from safetensors.numpy import save_file

    weights = tmp_path / "model.safetensors"
    save_file({"layer.weight": np.ones((4, 8), dtype=np.float32), "layer.bias": np.zeros(4, dtype=np.float32)}, str(weights))
    card = {"schema_version": "1", "name": "acme/weighted", "version": "1.0", "owners": [{"name": "Jane"}], "license": "mit"}
    response = client.post("/models", json={"card": card, "weights": str(weights)}, headers=bearer(tokens["submitter"]))
    assert response.status_code == 202, response.text  # the facts are read by a job (tests/jobs)
    drain(lake)
    facts = client.get("/models/acme/weighted", headers=bearer(tokens["reader"])).json()["facts"]
    assert (facts["format"], facts["parameters"]) == ("safetensors", 36)


def test_weights_outside_the_server_roots_are_refused(client, tokens):
    response = client.post("/models", json={"card": tiny_card_yaml(), "weights": "/etc/passwd"}, headers=bearer(tokens["submitter"]))
    assert response.status_code == 403
    assert response.json()["detail"] == "/etc/passwd is outside the directories this server reads models from (MODELLAKE_SERVER_ROOTS)"


def test_missing_weights_are_not_found(client, tokens, tmp_path):
    response = client.post("/models", json={"card": tiny_card_yaml(), "weights": str(tmp_path / "absent.safetensors")}, headers=bearer(tokens["submitter"]))
    assert (response.status_code, response.json()["detail"]) == (404, f"{tmp_path / 'absent.safetensors'} does not exist on the server")


def test_invalid_card_is_a_located_problem(client, tokens):
    response = client.post("/models", json={"card": 'schema_version: "1"\nname: acme/x\nversion: 1.0\n'}, headers=bearer(tokens["submitter"]))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["title"], body["status"], body["instance"]) == ("https://modellake.dev/problems/422", "Invalid model card", 422, "/models")
    assert {"file": "submitted-card.yaml", "line": 3, "column": 10, "where": "version", "message": "1.0 is not of type 'string' (YAML reads unquoted numbers as numbers (1.10 becomes 1.1): quote the value)"} in body["problems"]


@pytest.mark.parametrize(("path", "status", "title", "detail"), [
    ("/models/acme/missing", 404, "Not found", "no model named 'acme/missing' in the lake"),
    ("/models/acme/tiny@9.9", 404, "Not found", "acme/tiny@9.9 not found; acme/tiny has versions: 1.0"),
    ("/models/acme/tiny@", 400, "Bad request", "bad model reference 'acme/tiny@': expected NAME or NAME@VERSION"),
    ("/reports/xml/acme/tiny", 400, "Bad request", "unknown report format 'xml'; choose from json, sarif, junit, md, html, pdf"),
])
def test_engine_errors_become_problems(lake, client, tokens, path, status, title, detail):
    submit(lake, make_card(), submitted_by="sam")
    response = client.get(path, headers=bearer(tokens["reader"]))
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {"type": f"https://modellake.dev/problems/{status}", "title": title, "status": status, "detail": detail,
                               "instance": path}


def test_list_filters_and_pages(lake, client, tokens):
    for name, license_ in [("acme/a", "mit"), ("acme/b", "apache-2.0"), ("acme/c", "mit")]:
        submit(lake, make_card(name, license=license_), submitted_by="sam")
    first = client.get("/models?license=mit&limit=1", headers=bearer(tokens["reader"])).json()
    assert (first["total"], first["limit"], first["previous"], [row["name"] for row in first["items"]]) == (2, 1, None, ["acme/a"])
    assert first["facets"]["license"] == [["mit", 2]]
    second = client.get("/models", params={"license": "mit", "limit": 1, "after": first["next"]}, headers=bearer(tokens["reader"])).json()
    assert ([row["name"] for row in second["items"]], second["next"]) == (["acme/c"], None)
    assert [row["name"] for row in client.get("/models?q=b", headers=bearer(tokens["reader"])).json()["items"]] == ["acme/b"]
    assert client.get("/models?limit=0", headers=bearer(tokens["reader"])).status_code == 400
    bad = client.get("/models?after=garbage", headers=bearer(tokens["reader"]))
    assert (bad.status_code, bad.json()["detail"]) == (400, "bad page cursor 'garbage': pass back the next or previous value of a page")


def test_decide_with_separation_of_duties(lake, client, tokens):
    submit(lake, make_card(), submitted_by="rita")  # the reviewer submitted this one herself (through the CLI)
    refused = client.post("/decisions", json={"ref": "acme/tiny", "decision": "approve", "comment": "mine"}, headers=bearer(tokens["reviewer"]))
    assert (refused.status_code, refused.json()["detail"]) == (403, "rita submitted acme/tiny@1.0 and cannot decide on it (separation of duties)")
    decided = client.post("/decisions", json={"ref": "acme/tiny", "decision": "reject", "comment": "no evals"}, headers=bearer(tokens["admin"]))
    assert decided.status_code == 200
    assert decided.json() | {"previous_status": None} == {"ref": "acme/tiny@1.0", "status": "rejected", "previous_status": None, "decision": "reject",
                                                         "decided_by": "ada", "comment": "no evals"}
    review = client.get("/reviews/acme/tiny", headers=bearer(tokens["reader"])).json()
    assert (review["decision"], review["decided_by"], review["comment"], review["review"]["target"]) == ("reject", "ada", "no evals", "acme/tiny@1.0")


def test_review_queue_lists_undecided_versions(lake, client, tokens):
    submit(lake, make_card("acme/first"), submitted_by="sam")
    submit(lake, make_card("acme/second"), submitted_by="sam")
    client.post("/decisions", json={"ref": "acme/first", "decision": "approve", "comment": "ok"}, headers=bearer(tokens["reviewer"]))
    queue = client.get("/reviews", headers=bearer(tokens["reviewer"])).json()
    assert [(item["ref"], item["status"], item["verdict"], item["submitted_by"]) for item in queue["items"]] == [
        ("acme/second@1.0", "changes_requested", "changes_requested", "sam")]
    assert (queue["total"], queue["next"], queue["facets"]) == (1, None, {"verdict": [["changes_requested", 1]]})


def test_ui_pages_link_next_and_previous(lake, client, tokens):
    for name in ("acme/a", "acme/b", "acme/c"):
        submit(lake, make_card(name), submitted_by="sam")
    client.cookies.set("modellake_token", tokens["reader"])
    first = client.get("/ui?limit=2")
    assert first.status_code == 200
    assert "3 models" in first.text and 'rel="next"' in first.text and 'rel="prev"' not in first.text
    following = first.text.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(following)
    assert ">acme/c<" in second.text and ">acme/a<" not in second.text and 'rel="prev"' in second.text
    queue = client.get("/ui/reviews?limit=2")
    assert "3 waiting" in queue.text and 'rel="next"' in queue.text


def test_waivers_change_the_next_review(lake, client, tokens):
    created = client.post("/waivers", json={"rule_id": "completeness.description", "target": "acme/tiny", "reason": "internal model",
                                            "expires_at": "2999-01-01"}, headers=bearer(tokens["admin"]))
    assert created.status_code == 201, created.text
    assert created.json() | {"id": 0} == {"id": 0, "rule_id": "completeness.description", "target": "acme/tiny", "reason": "internal model",
                                          "approved_by": "ada", "ticket": None, "expires_at": "2999-01-01"}
    submit(lake, make_card(), submitted_by="sam")
    review = client.get("/reviews/acme/tiny", headers=bearer(tokens["reader"])).json()["review"]
    assert [f["rule_id"] for f in review["waived"]] == ["completeness.description"]
    assert client.delete(f"/waivers/{created.json()['id']}", headers=bearer(tokens["admin"])).status_code == 204
    assert client.get("/waivers", headers=bearer(tokens["reader"])).json() == []
    bad = client.post("/waivers", json={"rule_id": "x", "target": "a b", "reason": "r"}, headers=bearer(tokens["admin"]))
    assert (bad.status_code, bad.json()["detail"]) == (400, "bad waiver target 'a b': expected NAME or NAME@VERSION")


def test_values_postgres_cannot_hold_are_refused_not_crashes(lake, client, tokens):
    """Found by schemathesis: a NUL byte in a waiver reason was a 500. Refused with the field, and nothing stored."""
    admin = bearer(tokens["admin"])
    nul = client.post("/waivers", json={"rule_id": "completeness.description", "target": "acme/tiny", "reason": "ok\x00no"}, headers=admin)
    assert (nul.status_code, nul.json()["detail"]) == (400, "waiver reason contains control characters")
    odd = client.post("/waivers", json={"rule_id": "\u00ea\u00dfw", "target": "acme/tiny", "reason": "r"}, headers=admin)
    assert (odd.status_code, odd.json()["detail"]) == (400, "bad rule_id 'êßw': expected a rule id such as claims.parameters")
    search = client.post("/search", json={"text": "contracts\x00 summaries"}, headers=bearer(tokens["reader"]))
    assert search.status_code in (200, 400, 422), search.text
    assert client.get("/waivers", headers=bearer(tokens["reader"])).json() == []


@pytest.mark.parametrize(("fmt", "media_type", "starts"), [
    ("json", "application/json", b"{"), ("sarif", "application/sarif+json", b"{"), ("junit", "application/xml", b"<?xml"),
    ("html", "text/html", b"<!doctype html"), ("pdf", "application/pdf", b"%PDF-"),
])
def test_reports_per_review(lake, client, tokens, fmt, media_type, starts):
    submit(lake, make_card(), submitted_by="sam")
    response = client.get(f"/reports/{fmt}/acme/tiny@1.0", headers=bearer(tokens["reader"]))
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.content.lower().startswith(starts.lower())
    if fmt == "json":
        stored = client.get("/reviews/acme/tiny@1.0", headers=bearer(tokens["reader"])).json()["review"]
        assert json.loads(response.content) == stored


def test_stored_review_round_trips_for_the_renderers(lake):
    from engine.governance.review import review_card
    from engine.governance.stored_reviews import review_from_dict

    review = review_card(make_card(governance={"risk_tier": "high"}))
    assert review_from_dict(review.to_dict()) == review


HOUSE_PACK = """pack: house
version: "1"
title: House rules
rules:
  - id: house.mit-only
    title: MIT only
    description: The house ships MIT models only.
    severity: high
    condition:
      in: {path: card.license, values: [mit]}
    message: "License {claimed} is not MIT"
    remediation: Relicense.
"""


def test_policies_list_dry_run_and_admin_save(client, tokens, http_config):
    packs = client.get("/policies", headers=bearer(tokens["reader"])).json()
    assert "completeness" in [pack["pack"] for pack in packs]
    dry = client.post("/policies/dry-run", json={"card": tiny_card_yaml()}, headers=bearer(tokens["submitter"])).json()
    assert (dry["target"], dry["verdict"]) == ("acme/tiny@1.0", "changes_requested")
    assert client.get("/models", headers=bearer(tokens["reader"])).json()["total"] == 0  # a dry run stores nothing
    pack = HOUSE_PACK
    saved = client.put("/policies/house", json={"yaml": pack}, headers=bearer(tokens["admin"]))
    assert saved.status_code == 200, saved.text
    assert (http_config.policies_dir / "house.yaml").read_text() == pack
    broken = client.put("/policies/house", json={"yaml": "pack: house\n"}, headers=bearer(tokens["admin"]))
    assert broken.status_code == 422 and broken.json()["title"] == "Invalid policy"
    assert (http_config.policies_dir / "house.yaml").read_text() == pack  # the valid pack stays


def test_lineage_and_diff(lake, client, tokens):
    submit(lake, make_card("acme/base"), submitted_by="sam")
    submit(lake, make_card("acme/child", base_model="acme/base@1.0", base_model_relation="finetune"), submitted_by="sam")
    graph = client.get("/lineage/acme/child", headers=bearer(tokens["reader"])).json()
    assert graph["focus"] == "acme/child@1.0"
    assert [(e["parent"], e["child"], e["relation"]) for e in graph["edges"]] == [("acme/base@1.0", "acme/child@1.0", "finetune")]
    mermaid = client.get("/lineage/acme/child?format=mermaid", headers=bearer(tokens["reader"]))
    assert mermaid.text.startswith("flowchart TD")
    diff = client.get("/diff", params={"a": "acme/base", "b": "acme/child"}, headers=bearer(tokens["reader"])).json()
    assert (diff["a"], diff["b"]) == ("acme/base@1.0", "acme/child@1.0")


def test_health_ready_schema_are_open(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}
    schema = client.get("/schema/openapi.json").json()
    assert {"/models", "/models/{ref}", "/decisions", "/search", "/chat", "/reports/{fmt}/{ref}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    assert client.get("/schema").json() == schema  # offline: no HTML viewer that needs a CDN
    assert client.get("/schema/openapi.yaml").text.startswith(("openapi:", "info:", "components:"))


def test_request_size_is_limited(client, tokens):
    response = client.post("/models", content=b'{"card": "' + b"x" * 3_000_000 + b'"}', headers=bearer(tokens["submitter"]) | {"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_token_is_401(client):
    response = client.get("/models", headers=bearer("mlk_not-a-token"))
    assert (response.status_code, response.json()["detail"]) == (401, "unknown or revoked API token")


def test_search_dsl(lake, client, tokens):
    submit(lake, make_card("acme/contracts", description="Summarises legal contracts and clauses"), submitted_by="sam")
    submit(lake, make_card("acme/vision", description="Finds photos of street scenes", license="apache-2.0"), submitted_by="sam")
    page = client.post("/search", json={"text": "legal contract summaries", "limit": 1}, headers=bearer(tokens["reader"])).json()
    assert [hit["ref"] for hit in page["results"]] == ["acme/contracts@1.0"]
    filtered = client.post("/search", json={"filters": [{"field": "license", "op": "eq", "value": "apache-2.0"}]}, headers=bearer(tokens["reader"])).json()
    assert [hit["ref"] for hit in filtered["results"]] == ["acme/vision@1.0"]
    assert "apache-2.0" in filtered["description"]
    bad = client.post("/search", json={"filters": [{"field": "colour", "op": "eq", "value": "red"}]}, headers=bearer(tokens["reader"]))
    assert bad.status_code == 422 and bad.json()["title"] == "Invalid search query" and bad.json()["problems"]


@pytest.mark.slow
def test_chat_keeps_the_conversation(lake, client, tokens):
    submit(lake, make_card("acme/contracts", description="Summarises legal contracts", license="apache-2.0"), submitted_by="sam")
    submit(lake, make_card("acme/mit-contracts", description="Summarises legal contracts too"), submitted_by="sam")
    first = client.post("/chat", json={"question": "models that summarise legal contracts"}, headers=bearer(tokens["reader"])).json()
    assert {hit["ref"] for hit in first["results"]} == {"acme/contracts@1.0", "acme/mit-contracts@1.0"}
    follow = client.post("/chat", json={"question": "only the ones licensed mit", "conversation_id": first["conversation_id"]},
                         headers=bearer(tokens["reader"])).json()
    assert follow["conversation_id"] == first["conversation_id"]
    assert [hit["ref"] for hit in follow["results"]] == ["acme/mit-contracts@1.0"]
