"""Hostile input never changes the database; a reviewer's decision moves the status facet; CLI end to end."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import main
from engine.governance.decisions import decide
from engine.errors import UsageError
from engine.search import QueryInvalid, search
from engine.store.tables import Base
from tests.search.cards import LAKE_CARDS, build_lake

INJECTIONS = ["'; DROP TABLE models; --", "mit' OR '1'='1", "x\"); DELETE FROM search_documents; --", "%' OR 1=1 --",
              "$$; TRUNCATE reviews; $$", "\\'; UPDATE model_versions SET status='approved'; --", "a:* & !b | (c <-> d)"]


def row_counts(lake) -> dict[str, int]:
    with lake.transaction() as session:
        return {table.name: session.execute(select(func.count()).select_from(table)).scalar_one() for table in Base.metadata.sorted_tables}


@pytest.fixture
def small_lake(lake):
    build_lake(lake, LAKE_CARDS[2:4])
    return lake


@pytest.mark.parametrize("hostile", INJECTIONS)
def test_injection_in_text_and_values_changes_nothing(small_lake, hostile):
    before = row_counts(small_lake)
    with small_lake.transaction() as session:
        statuses = sorted(session.execute(select(Base.metadata.tables["model_versions"].c.status)).scalars())
    queries = [{"text": hostile}, {"text": hostile, "filters": [{"field": "license", "op": "eq", "value": hostile}]},
               {"filters": [{"field": "owner", "op": "contains", "value": hostile}]},
               {"filters": [{"field": "task", "op": "in", "value": [hostile, "text-classification"]}]},
               {"filters": [{"field": "metric:accuracy", "op": "gt", "value": hostile}]},
               {"filters": [{"field": hostile, "op": "eq", "value": "x"}]}, {"lineage": {"descendant_of": hostile}},
               {"sort": {"field": hostile}}]
    outcomes = []
    for query in queries:
        try:
            with small_lake.transaction() as session:
                outcomes.append(search(session, query).to_dict()["total"])
        except QueryInvalid as error:
            outcomes.append(type(error).__name__)
        except UsageError as error:  # e.g. a lineage reference that is not NAME[@VERSION]
            outcomes.append(type(error).__name__)
    assert outcomes[2] == 0 and outcomes[3] == 1 and outcomes[4:6] == ["QueryInvalid", "QueryInvalid"] and outcomes[7] == "QueryInvalid"
    assert row_counts(small_lake) == before
    with small_lake.transaction() as session:
        assert sorted(session.execute(select(Base.metadata.tables["model_versions"].c.status)).scalars()) == statuses


def test_a_decision_moves_the_status_facet(small_lake):
    ref = "fin/sentiment-small@1.0"
    approved = {"filters": [{"field": "status", "op": "eq", "value": "approved"}]}

    def found(query):
        with small_lake.transaction() as session:
            return [row["ref"] for row in search(session, query).to_dict()["results"]]

    assert found(approved) == []
    decide(small_lake, ref, "approve", by="rita", comment="claims verified")
    assert found(approved) == [ref]
    decide(small_lake, ref, "reject", by="rita", comment="licence problem found")
    assert found(approved) == [] and found({"filters": [{"field": "status", "op": "eq", "value": "rejected"}]}) == [ref]


def invoke(*args: str):
    return CliRunner().invoke(main, ["search", *args], catch_exceptions=False)


def test_cli_search_json_with_filters_and_sort(lake_env):
    build_lake(lake_env, LAKE_CARDS[2:])
    result = invoke("headline sentiment", "--filter", "domain:eq:finance", "--filter", "metric:accuracy:gte:0.85", "--sort", "name:desc", "--json")
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert [r["ref"] for r in page["results"]] == ["fin/sentiment-small-q4@1.0", "fin/sentiment-small@1.0"]
    assert page["query"]["filters"] == [{"field": "domain", "op": "eq", "value": "finance"}, {"field": "metric:accuracy", "op": "gte", "value": 0.85}]
    assert page["description"] == 'finance models with accuracy ≥ 0.85, matching "headline sentiment", by name, z to a'
    assert (page["total"], page["limit"], page["offset"]) == (2, 20, 0)
    table = invoke("--filter", "language:in:fr,de")
    assert table.exit_code == 0 and table.output.splitlines()[0] == "models with language in (fr, de) — 1 found"


def test_cli_search_bad_filter_is_a_located_error(lake_env):
    result = CliRunner().invoke(main, ["search", "x", "--filter", "colour:eq:red"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("query filters[0].field: unknown field 'colour'; valid fields: status, license")
    malformed = CliRunner().invoke(main, ["search", "--filter", "license"])
    assert (malformed.exit_code, malformed.output.strip()) == (2, "error: --filter 'license': expected FIELD:OP:VALUE, e.g. license:eq:mit or metric:accuracy:gt:0.9")
