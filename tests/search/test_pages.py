"""Catalog and review-queue pages read in SQL: keyset pages over the search documents, facet counts by GROUP BY.

One small lake, built once for the module through real submissions: seven versions of six models, three of
them decided by a reviewer so their statuses do not depend on the policy packs.
"""
from __future__ import annotations

import pytest

from engine.catalog import catalog_page
from engine.errors import UsageError
from engine.governance.decisions import decide
from engine.governance.stored_reviews import review_queue
from engine.store.tables import Base
from tests.search.cards import build_lake

CARDS = [
    dict(name="acme/alpha", version="1.0", pipeline_tag="summarization", domain="legal"),
    dict(name="acme/alpha", version="2.0", pipeline_tag="summarization", domain="legal"),
    dict(name="acme/beta", license="apache-2.0", pipeline_tag="text-classification", domain="finance"),
    dict(name="acme/gamma", pipeline_tag="summarization", domain="legal", owners=[{"name": "Ravi Patel"}]),
    dict(name="beta/delta", license="cc-by-4.0", pipeline_tag="image-classification", domain="medical"),
    dict(name="beta/epsilon", pipeline_tag="text-classification", domain="finance"),
    dict(name="zeta/omega", license="gpl-3.0"),
]
DECISIONS = [("acme/beta", "approve"), ("beta/delta", "reject"), ("beta/epsilon", "request_changes")]
LATEST = ["acme/alpha", "acme/beta", "acme/gamma", "beta/delta", "beta/epsilon", "zeta/omega"]


@pytest.fixture(scope="module")
def paged_lake(session_lake):
    with session_lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    build_lake(session_lake, CARDS)
    for ref, decision in DECISIONS:
        decide(session_lake, ref, decision, by="rita", comment="checked by hand")
    return session_lake


def names(page: dict) -> list[str]:
    return [row["name"] for row in page["items"]]


def test_catalog_pages_forward_and_back(paged_lake):
    first = catalog_page(paged_lake, limit=4)
    assert (names(first), first["total"], first["limit"], first["previous"]) == (LATEST[:4], 6, 4, None)
    second = catalog_page(paged_lake, limit=4, after=first["next"])
    assert (names(second), second["total"], second["next"]) == (LATEST[4:], 6, None)
    back = catalog_page(paged_lake, limit=4, before=second["previous"])
    assert (names(back), back["previous"]) == (LATEST[:4], None)
    assert back["next"] == first["next"]


def test_catalog_rows_show_the_latest_version_and_the_card_as_written(paged_lake):
    (alpha, beta, gamma, *_) = catalog_page(paged_lake, limit=3)["items"]
    assert {key: alpha[key] for key in ("name", "version", "versions", "task", "domain", "license", "owner")} == {
        "name": "acme/alpha", "version": "2.0", "versions": 2, "task": "summarization", "domain": "legal", "license": "mit", "owner": "Jane Doe"}
    assert (beta["status"], gamma["owner"]) == ("approved", "Ravi Patel")


def test_facet_counts_follow_the_filters(paged_lake):
    everything = catalog_page(paged_lake, limit=1)["facets"]
    assert everything["license"] == [["mit", 3], ["apache-2.0", 1], ["cc-by-4.0", 1], ["gpl-3.0", 1]]
    assert everything["task"] == [["summarization", 2], ["text-classification", 2], ["image-classification", 1]]
    assert everything["domain"] == [["finance", 2], ["legal", 2], ["medical", 1]]
    assert everything["owner"] == [["jane doe", 5], ["ravi patel", 1]]
    assert dict(map(tuple, everything["status"])) == {"approved": 1, "rejected": 1, "changes_requested": 4}
    mit = catalog_page(paged_lake, filters={"license": "MIT"}, limit=10)  # filters take any spelling of a value
    assert (names(mit), mit["total"]) == (["acme/alpha", "acme/gamma", "beta/epsilon"], 3)
    assert mit["facets"]["license"] == [["mit", 3]]
    assert mit["facets"]["task"] == [["summarization", 2], ["text-classification", 1]]


@pytest.mark.parametrize(("filters", "contains", "expected"), [
    ({"status": "approved"}, None, ["acme/beta"]),
    ({"owner": "Ravi Patel"}, None, ["acme/gamma"]),
    ({"task": "text-classification", "domain": "finance"}, None, ["acme/beta", "beta/epsilon"]),
    ({}, "ta/", ["beta/delta", "beta/epsilon", "zeta/omega"]),
    ({"license": "mit"}, "ALPHA", ["acme/alpha"]),
    ({}, "%", []),  # LIKE's wildcards are matched as themselves: no name holds them
    ({}, "_", []),
    ({"domain": "space"}, None, []),
])
def test_catalog_filters(paged_lake, filters, contains, expected):
    page = catalog_page(paged_lake, filters=filters, name_contains=contains, limit=50)
    assert (names(page), page["total"], page["next"], page["previous"]) == (expected, len(expected), None, None)


def test_review_queue_pages_oldest_first(paged_lake):
    first = review_queue(paged_lake, limit=3)
    assert [item["ref"] for item in first["items"]] == ["acme/alpha@1.0", "acme/alpha@2.0", "acme/gamma@1.0"]
    assert (first["total"], first["previous"], first["facets"]["verdict"]) == (4, None, [["changes_requested", 4]])
    assert {key: first["items"][0][key] for key in ("name", "version", "verdict", "submitted_by")} == {
        "name": "acme/alpha", "version": "1.0", "verdict": "changes_requested", "submitted_by": "alice"}
    second = review_queue(paged_lake, limit=3, after=first["next"])
    assert ([item["ref"] for item in second["items"]], second["next"]) == (["zeta/omega@1.0"], None)
    assert [item["ref"] for item in review_queue(paged_lake, limit=3, before=second["previous"])["items"]] == [
        "acme/alpha@1.0", "acme/alpha@2.0", "acme/gamma@1.0"]
    assert review_queue(paged_lake, verdict="approved")["items"] == []


@pytest.mark.parametrize(("options", "message"), [
    ({"after": "not-a-cursor"}, "bad page cursor 'not-a-cursor': pass back the next or previous value of a page"),
    ({"after": "WyJhIl0", "before": "WyJhIl0"}, "give after or before, not both"),
    ({"limit": 0}, "limit must be between 1 and 200, not 0"),
])
def test_bad_page_requests_are_usage_errors(paged_lake, options, message):
    with pytest.raises(UsageError) as error:
        catalog_page(paged_lake, **options)
    assert str(error.value) == message
