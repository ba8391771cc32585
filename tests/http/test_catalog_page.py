"""The catalog (/ui) and the review queue (/ui/reviews) as HTML over the demo lake's catalog (tests/http/demo_catalog.py):
keyset pages with the count, facet counts from SQL beside the list, facets that add a filter, the search box's
structured filters as removable chips, each model's failed rules one link from its finding, and a queue whose
decision form shows the verdict's reasons and refuses a self-approval before anyone submits."""
from __future__ import annotations

import html as entities
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from engine.governance.stored_reviews import review_queue, version_review
from tests.http.demo_catalog import PLANTED, PLANTED_RULE, expected_counts, latest_cards

pytestmark = pytest.mark.slow  # the demo catalog takes a few minutes to build, once per session
MODELS = len(latest_cards()) + 1  # the synthetic models and the planted one


@pytest.fixture(scope="module")
def client(demo_app):
    from litestar.testing import TestClient

    with TestClient(demo_app) as test_client:
        yield test_client


def get(client, secret: str, url: str, **options):
    client.cookies.set("modellake_token", secret)
    return client.get(url, **options)


def rows(page: str) -> list[str]:
    """The model names listed in the catalog table, in order."""
    table = re.search(r'<table id="catalog".*?</table>', page, re.S).group(0)
    return re.findall(r'<tr><td><a href="/ui/models/[^"]+">([^<]+)</a>', table)


def links(page: str, element_id: str) -> list[tuple[str, str]]:
    """(href, accessible name: aria-label, else the text) of each link inside the element with this id."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}".*?</\1>', page, re.S)
    assert match, f"no #{element_id}"
    found = []
    for attributes, text in re.findall(r'<a([^>]*)>(.*?)</a>', match.group(0), re.S):
        label = re.search(r'aria-label="([^"]*)"', attributes)
        name = label.group(1) if label else re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
        found.append((entities.unescape(re.search(r'href="([^"]*)"', attributes).group(1)), entities.unescape(name)))
    return found


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_the_catalog_pages_in_sql_and_says_how_many(client, demo_tokens):
    first = get(client, demo_tokens["reader"], "/ui").text
    assert f"50 of {MODELS} models" in first
    seen, page = rows(first), first
    assert len(seen) == 50
    while (following := [href for href, text in links(page, "pager-bottom") if text.startswith("next")]):
        page = get(client, demo_tokens["reader"], following[0]).text
        seen += rows(page)
    assert len(seen) == MODELS and seen == sorted(seen) and len(set(seen)) == MODELS  # every model once, in name order
    assert f"{MODELS - 150} of {MODELS} models" in page  # the last page says how many it shows
    previous = [href for href, text in links(page, "pager-bottom") if text.endswith("previous")]
    assert rows(get(client, demo_tokens["reader"], previous[0]).text) == seen[100:150]


@pytest.mark.parametrize(("facet", "field"), [("license", "license"), ("domain", "domain"), ("task", "pipeline_tag")])
def test_facet_counts_beside_the_list_are_the_lakes_own(client, demo_tokens, facet, field):
    page = get(client, demo_tokens["reader"], "/ui").text
    shown = {text: href for href, text in links(page, f"facet-{facet}")}
    assert shown == {f"{value} ({count})": f"/ui?{facet}={value}" for value, count in expected_counts(field).items()}


def test_a_facet_adds_a_filter_and_the_counts_follow_it(client, demo_tokens):
    page = get(client, demo_tokens["reader"], "/ui?license=mit").text
    mit = expected_counts("license")["mit"]
    assert f"{min(mit, 50)} of {mit} models" in page
    assert sum(int(text.rpartition("(")[2].rstrip(")")) for _, text in links(page, "facet-task")) == mit
    legal = [href for href, text in links(page, "facet-domain") if text.startswith("legal ")][0]
    assert query(legal) == {"license": ["mit"], "domain": ["legal"]}  # a second facet keeps the first
    narrowed = get(client, demo_tokens["reader"], legal).text
    expected = sorted(name for name, card in latest_cards().items() if card["license"] == "mit" and card["domain"] == "legal")
    assert rows(narrowed) == expected
    assert links(narrowed, "chips") == [("/ui?license=mit", "Remove filter domain: legal"), ("/ui?domain=legal", "Remove filter license: mit")]


def test_the_search_box_turns_field_value_words_into_chips(client, demo_tokens):
    typed = get(client, demo_tokens["reader"], "/ui", params={"q": "license:mit find duplicate court filings domain:legal"}, follow_redirects=False)
    assert typed.status_code == 303
    assert query(typed.headers["location"]) == {"q": ["find duplicate court filings"], "license": ["mit"], "domain": ["legal"]}
    page = get(client, demo_tokens["reader"], typed.headers["location"]).text
    assert 'value="find duplicate court filings"' in page  # the box keeps only the words
    chips = links(page, "chips")
    assert [text for _, text in chips] == ["Remove filter domain: legal", "Remove filter license: mit"]  # in the facets' order
    assert query(chips[1][0]) == {"q": ["find duplicate court filings"], "domain": ["legal"]}  # removing one keeps the rest
    found = re.findall(r'<tr><td><a href="/ui/models/([^"@]+)@', re.search(r'<section id="search-results".*?</section>', page, re.S).group(0))
    cards = latest_cards()
    assert found and all(cards[name]["license"] == "mit" and cards[name]["domain"] == "legal" for name in found)
    assert found[0] == "lexcorp/court-filings-embedder"  # ranked by meaning within the filters


def test_words_that_name_no_filter_stay_words(client, demo_tokens):
    typed = get(client, demo_tokens["reader"], "/ui", params={"q": "vendor:acme https://example.org status:"}, follow_redirects=False)
    assert typed.status_code == 200 and 'id="chips"' not in typed.text
    assert 'value="vendor:acme https://example.org status:"' in typed.text


def test_an_unknown_value_is_a_chip_with_nothing_under_it(client, demo_tokens):
    page = get(client, demo_tokens["reader"], "/ui?status=shipped").text
    assert f"0 of 0 models" in page and "no models" in page
    assert links(page, "chips") == [("/ui", "Remove filter status: shipped")]


def test_each_row_links_its_failed_rules_to_their_findings(client, demo_tokens):
    page = get(client, demo_tokens["reviewer"], "/ui?domain=customer-support").text
    row = re.search(rf'<tr><td><a href="/ui/models/{PLANTED}">.*?</tr>', page, re.S).group(0)
    assert f'<a href="/ui/models/{PLANTED}#finding-{PLANTED_RULE}">{PLANTED_RULE}</a>' in row


def test_the_queue_shows_each_verdicts_reasons(client, demo_tokens, demo_catalog):
    page = get(client, demo_tokens["reviewer"], "/ui/reviews").text
    for item in review_queue(demo_catalog)["items"]:
        review, _ = version_review(demo_catalog, item["ref"])
        failed = sorted(f.rule_id for f in review.findings if f.outcome in ("fail", "error"))
        row = re.search(rf'<tr id="queue-{re.escape(item["ref"])}".*?</tr>', page, re.S).group(0)
        assert re.findall(r'href="/ui/models/[^"#]+#finding-([^"]+)"', row) == failed
        assert review.verdict_reason in entities.unescape(row)


def test_the_queue_refuses_a_self_approval_before_it_is_submitted(client, demo_tokens, demo_catalog):
    queue = review_queue(demo_catalog)["items"]
    own = queue[0]
    page = get(client, demo_tokens["own"], "/ui/reviews").text
    row = re.search(rf'<tr id="queue-{re.escape(own["ref"])}".*?</tr>', page, re.S).group(0)
    assert f"You ({own['submitted_by']}) submitted this version. Separation of duties: another reviewer decides on it." in row
    assert "<button" not in row and "<form" not in row
    other = next(item for item in queue if item["submitted_by"] != own["submitted_by"])
    row = re.search(rf'<tr id="queue-{re.escape(other["ref"])}".*?</tr>', page, re.S).group(0)
    assert re.search(r'<label for="comment-\d+"[^>]*>', row) and 'value="approve"' in row
    refused = client.post("/ui/decisions", data={"ref": own["ref"], "decision": "approve", "comment": "mine, fine"})
    assert refused.status_code == 403 and "cannot decide on it (separation of duties)" in refused.text
