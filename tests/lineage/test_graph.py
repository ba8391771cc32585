"""The declared graph in real Postgres: edges from cards, version order, late parents, recursive queries."""
from __future__ import annotations

import pytest

from engine.lineage.graph import lineage_context, lineage_graph
from engine.store.versions import get_version
from engine.governance.submission import submit
from tests.lineage.cards import lineage_card


def edges(graph) -> set[tuple[str, str, str]]:
    return {(e.parent, e.child, e.relation) for e in graph.edges}


@pytest.fixture
def family(lake):
    """base -> ft -> ft2; base -> q; (ft, q) -> soup; ft2 -> external parent too; two versions of ft."""
    for card in [
        lineage_card("acme/base"),
        lineage_card("acme/ft", base_model="acme/base", relation="finetune"),
        lineage_card("acme/ft", "2.0", base_model="acme/base", relation="finetune"),
        lineage_card("acme/q", base_model="acme/base", relation="quantized"),
        lineage_card("acme/ft2", base_model="acme/ft@1.0", relation="finetune"),
        lineage_card("acme/soup", base_model=["acme/ft@2.0", "acme/q"], relation="merge"),
        lineage_card("acme/other", base_model="hf/bert-base-uncased", relation="finetune"),
        lineage_card("acme/other2", base_model="hf/bert-base-uncased", relation="finetune"),
    ]:
        submit(lake, card)
    return lake


def test_ancestors_follow_declared_parents_and_version_order(family):
    with family.transaction() as session:
        graph = lineage_graph(session, "acme/soup", "up")
    assert edges(graph) == {
        ("acme/ft@2.0", "acme/soup@1.0", "merge"), ("acme/q@1.0", "acme/soup@1.0", "merge"),
        ("acme/base@1.0", "acme/ft@2.0", "finetune"), ("acme/ft@1.0", "acme/ft@2.0", "version"),
        ("acme/base@1.0", "acme/ft@1.0", "finetune"), ("acme/base@1.0", "acme/q@1.0", "quantized"),
    }
    assert graph.path_to_root == ["acme/soup@1.0", "acme/ft@2.0", "acme/base@1.0"]
    with family.transaction() as session:  # the node carries the version's status (set by the submission's review)
        assert graph.nodes["acme/base@1.0"].status == get_version(session, "acme/base@1.0").status


def test_descendants_of_a_model_cover_all_its_versions(family):
    with family.transaction() as session:
        graph = lineage_graph(session, "acme/ft", "down")
        pinned = lineage_graph(session, "acme/ft@2.0", "down")
    assert edges(graph) == {("acme/ft@1.0", "acme/ft2@1.0", "finetune"), ("acme/ft@1.0", "acme/ft@2.0", "version"),
                            ("acme/ft@2.0", "acme/soup@1.0", "merge")}
    assert edges(pinned) == {("acme/ft@2.0", "acme/soup@1.0", "merge")}


def test_siblings_share_a_parent_in_the_lake_or_by_external_name(family):
    with family.transaction() as session:
        assert lineage_graph(session, "acme/q").siblings == ["acme/ft@1.0", "acme/ft@2.0"]
        graph = lineage_graph(session, "acme/other")
    assert graph.siblings == ["acme/other2@1.0"]
    assert graph.nodes["hf/bert-base-uncased"].status is None
    assert graph.path_to_root == ["acme/other@1.0"]


def test_a_parent_submitted_after_its_child_gets_linked(lake):
    submit(lake, lineage_card("acme/late-child", base_model="acme/late-parent", relation="finetune"))
    with lake.transaction() as session:
        (edge,) = lineage_graph(session, "acme/late-child", "up").edges
        assert (edge.parent, edge.verified) == ("acme/late-parent", None)
        assert "not in the lake yet" in edge.evidence["reason"]
    submit(lake, lineage_card("acme/late-parent"))
    with lake.transaction() as session:
        graph = lineage_graph(session, "acme/late-parent", "down")
        assert edges(graph) == {("acme/late-parent@1.0", "acme/late-child@1.0", "finetune")}
        # no weights on either side: linked, and verification says why it could not run
        assert "no weights to compare" in graph.edges[0].evidence["reason"]


def test_versions_submitted_out_of_order_are_relinked(lake):
    for version in ("1.0", "3.0", "2.0"):
        submit(lake, lineage_card("acme/tiny", version))
    with lake.transaction() as session:
        graph = lineage_graph(session, "acme/tiny", "up")
    assert edges(graph) == {("acme/tiny@1.0", "acme/tiny@2.0", "version"), ("acme/tiny@2.0", "acme/tiny@3.0", "version")}


def test_review_context_lists_parents_with_status_and_verification(family):
    with family.transaction() as session:
        context = lineage_context(session, get_version(session, "acme/soup"))
        status = {ref: get_version(session, ref).status for ref in ("acme/ft@2.0", "acme/q@1.0")}
    assert [(p["name"], p["version"], p["status"], p["relation"], p["verified"]) for p in context["parents"]] == [
        ("acme/ft", "2.0", status["acme/ft@2.0"], "merge", None), ("acme/q", "1.0", status["acme/q@1.0"], "merge", None)]


def test_unknown_model_is_not_found(lake):
    from engine.errors import NotFound

    with lake.transaction() as session, pytest.raises(NotFound):
        lineage_graph(session, "acme/missing")
