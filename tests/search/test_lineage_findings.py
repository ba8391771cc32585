"""Lineage walks (depth, relation on every edge, siblings), findings facets from the latest stored review, and
rerun-aware metrics, on the real embedded Postgres with real submissions and reviews."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.governance.admin import add_waiver
from engine.governance.stored import review_stored_version
from engine.search import search
from engine.store.tables import Base, ReviewRecord, SearchDocument
from engine.store.versions import get_version
from engine.governance.evidence import Evidence
from engine.governance.submission import submit
from tests.search.cards import search_card

EVAL = {"task": "text-classification", "dataset": "acme/eval", "split": "test", "metric": "accuracy", "samples": 400, "date": "2026-10-01",
        "harness": {"name": "text-classification"}}
# root <- child-ft (finetune) <- grandchild-q (quantized); root <- child-q (quantized) <- grandchild-ft (finetune);
# ext/base (outside the lake) <- ext-a, ext-b; root 1.1 is a new version of root.
CARDS = [
    dict(name="t/root", license="mit"),
    dict(name="t/root", version="1.1", license="mit"),
    dict(name="t/child-ft", base_model="t/root", base_model_relation="finetune", license="gpl-3.0"),
    dict(name="t/child-q", base_model="t/root", base_model_relation="quantized", claims={"hidden_size": 384, "layers": 6}),
    dict(name="t/grandchild-q", base_model="t/child-ft", base_model_relation="quantized", claims={"hidden_size": 768}),
    dict(name="t/grandchild-ft", base_model="t/child-q", base_model_relation="finetune"),
    dict(name="t/ext-a", base_model="ext/base", base_model_relation="finetune"),
    dict(name="t/ext-b", base_model="ext/base", base_model_relation="adapter"),
    # evaluation 0 will be contradicted by its rerun, evaluation 1 confirmed
    dict(name="t/rerun", evaluations=[EVAL | {"value": 0.95}, EVAL | {"metric": "f1", "value": 0.8}]),
]
RERUNS = [
    {"metric": "accuracy", "claimed": 0.95, "observed": 0.74, "tolerance": 0.03, "comparable": True, "status": "fail",
     "evidence": {"harness": "text-classification", "evaluation_index": 0}},
    {"metric": "f1", "claimed": 0.8, "observed": 0.79, "tolerance": 0.05, "comparable": True, "status": "pass",
     "evidence": {"harness": "text-classification", "evaluation_index": 1}},
]


@pytest.fixture(scope="module")
def tree(session_lake):
    with session_lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    for data in CARDS:
        evals = RERUNS if data["name"] == "t/rerun" else None
        submit(session_lake, search_card(**data), Evidence(evals=evals), submitted_by="alice")
    return session_lake


def names(lake, query: dict) -> set[str]:
    with lake.transaction() as session:
        return {row["name"] for row in search(session, query | {"limit": 100}).to_dict()["results"]}


@pytest.mark.parametrize(
    ("lineage", "expected"),
    [
        ({"descendant_of": "t/root"}, {"t/child-ft", "t/child-q", "t/grandchild-q", "t/grandchild-ft"}),
        ({"descendant_of": "t/root", "depth": 1}, {"t/child-ft", "t/child-q"}),
        ({"descendant_of": "t/root", "relation": "quantized"}, {"t/child-q"}),  # every edge walked must be quantized
        ({"descendant_of": "t/root", "relation": "finetune"}, {"t/child-ft"}),
        ({"descendant_of": "t/root@1.1", "depth": 1}, {"t/child-ft", "t/child-q"}),  # "t/root" was 1.1 when the children came
        ({"descendant_of": "t/child-ft"}, {"t/grandchild-q"}),
        ({"descendant_of": "ext/base"}, {"t/ext-a", "t/ext-b"}),
        ({"descendant_of": "ext/base", "relation": "adapter"}, {"t/ext-b"}),
        ({"ancestor_of": "t/grandchild-q"}, {"t/child-ft", "t/root"}),
        ({"ancestor_of": "t/grandchild-q", "depth": 1}, {"t/child-ft"}),
        ({"ancestor_of": "t/grandchild-q", "relation": "quantized"}, {"t/child-ft"}),
        ({"ancestor_of": "t/grandchild-ft", "relation": "finetune", "depth": 1}, {"t/child-q"}),  # "what was X fine-tuned from"
        ({"ancestor_of": "t/grandchild-ft", "relation": "quantized"}, set()),
        ({"sibling_of": "t/child-ft"}, {"t/child-q"}),
        ({"sibling_of": "t/child-ft", "relation": "finetune"}, set()),
        ({"sibling_of": "t/ext-a"}, {"t/ext-b"}),
        ({"sibling_of": "t/root"}, set()),
    ],
)
def test_lineage_walks(tree, lineage, expected):
    assert names(tree, {"lineage": lineage}) == expected


def test_lineage_combines_with_filters_and_count(tree):
    with tree.transaction() as session:
        page = search(session, {"lineage": {"descendant_of": "t/root"}, "filters": [{"field": "hidden_size", "op": "exists", "value": True}],
                                "count": True, "limit": 1}).to_dict()
    assert page["total"] == 2 and len(page["results"]) == 1 and page["query"]["count"] is True
    assert page["description"] == "how many models with a hidden size, descending from t/root"


def test_findings_facets_follow_the_latest_stored_review(tree):
    failing = {"filters": [{"field": "failed_rule", "op": "eq", "value": "license.allowed"}]}
    waived = {"filters": [{"field": "waived_rule", "op": "eq", "value": "license.allowed"}]}
    assert names(tree, failing) == {"t/child-ft"} and names(tree, waived) == set()
    with tree.transaction() as session:  # every stored finding that failed is in the facet, and nothing else
        version = get_version(session, "t/child-ft")
        document = session.get(SearchDocument, version.id)
        record = session.execute(select(ReviewRecord).where(ReviewRecord.version_id == version.id).order_by(ReviewRecord.id.desc())).scalars().first()
        assert document.review_id == record.id
        assert document.facets["failed_rule"] == sorted(f["rule_id"] for f in record.review["findings"] if f["outcome"] in ("fail", "error"))
    add_waiver(tree, rule_id="license.allowed", target="t/child-ft", reason="legal cleared it", by="legal@example.org", ticket="L-1",
               expires_at="2099-01-01")
    with tree.transaction() as session:  # a review stored later (as after a rerun) refreshes the document
        record = review_stored_version(session, get_version(session, "t/child-ft"))
    assert names(tree, failing) == set() and names(tree, waived) == {"t/child-ft"}
    assert "t/child-ft" in names(tree, {"filters": [{"field": "failed_rule", "op": "nin", "value": ["license.allowed"]}]})
    with tree.transaction() as session:
        assert session.get(SearchDocument, get_version(session, "t/child-ft").id).review_id == record.id


def test_metrics_follow_the_reruns(tree):
    assert names(tree, {"filters": [{"field": "metric:accuracy", "op": "eq", "value": 0.74}]}) == {"t/rerun"}  # contradicted: observed
    assert names(tree, {"filters": [{"field": "metric:accuracy", "op": "gte", "value": 0.9}]}) == set()
    assert names(tree, {"filters": [{"field": "verified:f1", "op": "eq", "value": 0.79}]}) == {"t/rerun"}
    assert names(tree, {"filters": [{"field": "verified:accuracy", "op": "exists", "value": True}]}) == set()
    assert names(tree, {"filters": [{"field": "failed_rule", "op": "eq", "value": "evaluations.reruns-agree"}]}) == {"t/rerun"}


def test_sort_by_a_fact_and_by_a_metric(tree):
    with tree.transaction() as session:
        by_hidden = [r["name"] for r in search(session, {"sort": {"field": "hidden_size", "order": "desc"}, "limit": 3}).to_dict()["results"]]
        by_f1 = [r["name"] for r in search(session, {"sort": {"field": "verified:f1", "order": "desc"}, "limit": 1}).to_dict()["results"]]
    assert by_hidden[:2] == ["t/grandchild-q", "t/child-q"] and by_f1 == ["t/rerun"]
