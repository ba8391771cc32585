"""The review page (/ui/models/REF) as HTML over the real app and lake: failures first with claimed against observed,
what would settle each unverified rule, passing rules folded away, short digests, no server paths, card lines with
anchors, diffs one click away, and a decision form that knows who submitted."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from api.http.review_view import card_lines, shown_paths, short_digest
from tests.http.review_lake import FALSE_PARAMETERS, PARENT, PLANTED, PREVIOUS, TRUE_PARAMETERS, build_review_lake


@pytest.fixture
def review_lake(lake, tmp_path):
    return build_review_lake(lake, tmp_path / "cards")


def signed_in(client, secret: str):
    client.cookies.set("modellake_token", secret)
    return client


def visible_text(html: str) -> str:
    """The page's text without tags or attribute values (what a reader sees, give or take CSS)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|details)[^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return match.group(0)


def test_failures_lead_with_claimed_against_observed(client, tokens, review_lake):
    html = signed_in(client, tokens["reviewer"]).get(f"/ui/models/{PLANTED}").text
    failed = section(html, "failed")
    assert failed.index('id="finding-claims.parameters"') < html.index('id="settled"')
    assert html.index('id="failed"') < html.index('id="unverified"') < html.index('id="settled"') < html.index('id="card"')
    finding = re.search(r'<article[^>]*id="finding-claims.parameters".*?</article>', failed, re.S).group(0)
    assert re.search(rf'class="claimed".*?{FALSE_PARAMETERS:,}', finding, re.S)
    assert re.search(rf'class="observed".*?{TRUE_PARAMETERS:,}', finding, re.S)
    assert f'href="#L{review_lake.claim_line}">ticket-embedder-1.1.yaml:{review_lake.claim_line}</a>' in finding
    # no passing rule is in the failed section; passed and not-applicable ones fold into a closed <details>
    assert "claims.hidden-size" not in failed and "claims.hidden-size" in section(html, "settled")
    assert re.search(r'<details id="settled">\s*<summary>\d+ passed · \d+ not applicable</summary>', html)


def test_unverified_rules_say_what_would_settle_them(client, tokens, review_lake):
    unverified = section(signed_in(client, tokens["reviewer"]).get(f"/ui/models/{PLANTED}").text, "unverified")
    assert 'id="finding-evaluations.reruns-agree"' in unverified
    # the lake tried the rerun: its one claim is not comparable (the dataset is not registered), so the page names it
    assert "needs <code>evals.0</code>" in unverified
    assert "dataset acme/ticket-pairs is not registered in the lake" in unverified
    assert "a rerun of the card&#39;s evaluations with their harness (audit --rerun, or modellake rerun)" in unverified


def test_no_server_path_and_no_full_digest_in_view(client, tokens, review_lake):
    html = signed_in(client, tokens["reviewer"]).get(f"/ui/models/{PLANTED}").text
    assert [path for path in review_lake.server_paths if path in html] == []
    assert "/tmp/" not in html and "site-packages" not in html
    text = visible_text(html)
    assert review_lake.weights_sha256 not in text  # shortened where shown ...
    assert f'data-copy="{review_lake.weights_sha256}"' in html  # ... and copied whole by its button
    assert short_digest(review_lake.weights_sha256) in text
    assert "model.safetensors" in section(html, "facts")  # artifact paths relative to the artifact root


def test_card_lines_are_numbered_and_anchored(client, tokens, review_lake):
    html = signed_in(client, tokens["reviewer"]).get(f"/ui/models/{PLANTED}").text
    card = section(html, "card")
    line = review_lake.claim_line
    row = re.search(rf'<tr id="L{line}"[^>]*>.*?</tr>', card, re.S).group(0)
    assert f'<a href="#L{line}"' in row and "parameters: 33000000" in row
    assert 'class="flagged"' in row and 'href="#finding-claims.parameters"' in row  # the line points back at its finding
    assert card.count('<tr id="L') == (review_lake.folder / "ticket-embedder-1.1.yaml").read_text().count("\n")


def test_diffs_against_previous_and_parent_are_one_click_away(client, tokens, review_lake):
    client = signed_in(client, tokens["reader"])
    compare = section(client.get(f"/ui/models/{PLANTED}").text, "compare")
    links = re.findall(r'href="([^"]+)"', compare)
    assert links == [f"/ui/diff?a={quote(PREVIOUS)}&amp;b={quote(PLANTED)}", f"/ui/diff?a={quote(PARENT)}&amp;b={quote(PLANTED)}"]
    page = client.get("/ui/diff", params={"a": PREVIOUS, "b": PLANTED})
    assert page.status_code == 200
    card = section(page.text, "diff-card")
    assert "claims" in card and "base_model" in card and "evaluations" in card
    assert [path for path in review_lake.server_paths if path in page.text] == []


def test_decision_form_shows_reasons_and_refuses_self_approval(client, tokens, review_lake):
    reviewer = signed_in(client, tokens["reviewer"])
    planted = section(reviewer.get(f"/ui/models/{PLANTED}").text, "decision")
    assert "a medium or high rule failed" in planted and 'href="#finding-claims.parameters"' in planted
    assert re.findall(r'<button[^>]*name="decision" value="(\w+)"', planted) == ["approve", "request_changes", "reject"]
    assert re.search(r'<label for="comment">[^<]+</label>\s*<textarea id="comment" name="comment"', planted)
    own = section(reviewer.get(f"/ui/models/{PARENT}").text, "decision")  # rita submitted the parent
    assert "You (rita) submitted this version" in own and "<button" not in own
    reader = section(signed_in(client, tokens["reader"]).get(f"/ui/models/{PLANTED}").text, "decision")
    assert "rex (reader) may not decide" in reader and "<button" not in reader


def test_deciding_from_the_review_page_returns_to_it(client, tokens, review_lake):
    reviewer = signed_in(client, tokens["reviewer"])
    response = reviewer.post("/ui/decisions", data={"ref": PLANTED, "decision": "request_changes", "comment": "33M is not what the weights hold",
                                                    "next": f"/ui/models/{PLANTED}"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, f"/ui/models/{PLANTED}")
    decided = section(reviewer.get(f"/ui/models/{PLANTED}").text, "decision")
    assert "request_changes by rita" in decided and "33M is not what the weights hold" in decided
    away = reviewer.post("/ui/decisions", data={"ref": PREVIOUS, "decision": "approve", "comment": "ok", "next": "https://elsewhere.example/"},
                         follow_redirects=False)
    assert away.headers["location"] == "/ui/reviews"  # only pages of the UI itself


@pytest.mark.parametrize(("value", "shown"), [
    ("/srv/lake/cards/a.yaml", "a.yaml"),
    ("/srv/lake/cards/weights/model.safetensors", "weights/model.safetensors"),
    ("/opt/models/minilm/model.safetensors", "model.safetensors"),  # the artifact root
    ("/usr/lib/python3/site-packages/data/sts.jsonl", "sts.jsonl"),  # any other server path: its file name only
    ("weights not found: /srv/lake/cards/weights/x.bin", "weights not found: weights/x.bin"),
    ("config.json:hidden_size", "config.json:hidden_size"),
    ("acme/minilm-base@1.0", "acme/minilm-base@1.0"),
    ("0.01 relative (1%)", "0.01 relative (1%)"),
    ("text/plain and n/a", "text/plain and n/a"),
])
def test_shown_paths_are_relative_to_the_card_or_artifact_root(value, shown):
    roots = ("/srv/lake/cards", "/opt/models/minilm")
    assert shown_paths({"nested": [value]}, roots) == {"nested": [shown]}


def test_card_lines_mark_the_lines_findings_cite():
    lines = card_lines("a: 1\nb: 2\n", {2: ["claims.b"]})
    assert [(line.number, line.text, line.findings) for line in lines] == [(1, "a: 1", []), (2, "b: 2", ["claims.b"])]


def test_short_digest():
    assert short_digest("53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db") == "53aa5117…28d9db"
