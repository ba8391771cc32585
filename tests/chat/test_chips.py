"""The structured query as chips a reader removes one at a time, an edited query as the next turn of a conversation,
and example questions drawn from the lake's own values."""
from __future__ import annotations

import pytest

from engine.chat import ask, ask_query
from engine.chat.chips import chips, without
from engine.chat.conversation import turns
from engine.chat.examples import example_questions
from engine.errors import NotFound, UsageError
from engine.search.dsl import QueryInvalid
from tests.search.cards import LAKE_CARDS, build_lake

# As the chat produces them: "finance text classifiers under 100M parameters", then "... not licensed gpl-3.0, top 3
# by accuracy", "how many models derived from fin/sentiment-small", "models like acme/contract-summarizer about NDAs".
TERSE = {"text": "", "filters": [{"field": "domain", "op": "eq", "value": "finance"},
                                 {"field": "task", "op": "eq", "value": "text-classification"},
                                 {"field": "parameters", "op": "lt", "value": 100_000_000}],
         "sort": {"field": "relevance", "order": "desc"}, "limit": 10, "offset": 0}
RICH = {"text": "contracts and NDAs", "filters": [{"field": "license", "op": "nin", "value": ["gpl-3.0", "cc-by-4.0"]},
                                                  {"field": "hidden_size", "op": "exists", "value": True}],
        "lineage": {"descendant_of": "fin/sentiment-small", "relation": "quantized"}, "similar_to": "acme/contract-summarizer",
        "count": True, "all_versions": True, "sort": {"field": "metric:accuracy", "order": "desc"}, "limit": 3, "offset": 0}


def test_each_part_of_a_query_is_a_chip():
    assert [(c.key, c.label) for c in chips(TERSE)] == [
        ("filter:0", "domain = finance"), ("filter:1", "task = text-classification"), ("filter:2", "parameters < 100M")]
    assert [(c.key, c.label) for c in chips(RICH)] == [
        ("filter:0", "license not in (gpl-3.0, cc-by-4.0)"), ("filter:1", "with a hidden size"),
        ("lineage", "descending from fin/sentiment-small by quantized"), ("similar_to", "behaving like acme/contract-summarizer"),
        ("text", 'matching "contracts and NDAs"'), ("all_versions", "in every version"), ("count", "how many"),
        ("sort", "top 3 by accuracy, highest first")]


def test_removing_a_chip_keeps_every_other_part():
    assert without(TERSE, "filter:1")["filters"] == [TERSE["filters"][0], TERSE["filters"][2]]
    edited = without(RICH, "lineage")
    assert "lineage" not in edited and edited["filters"] == RICH["filters"] and edited["similar_to"] == RICH["similar_to"]
    assert without(RICH, "text")["text"] == ""
    assert without(RICH, "count").get("count") is not True
    assert without(RICH, "all_versions").get("all_versions") is not True
    unsorted = without(RICH, "sort")
    assert unsorted["sort"] == {"field": "relevance", "order": "desc"} and unsorted["limit"] == 10  # back to the chat's page
    assert [c.key for c in chips(without(TERSE, "filter:0"))] == ["filter:0", "filter:1"]  # keys are positions: renumbered
    assert RICH["lineage"] == {"descendant_of": "fin/sentiment-small", "relation": "quantized"}  # the input is not changed


@pytest.mark.parametrize("key", ["filter:3", "filter:x", "lineage", "colour", ""])
def test_a_chip_the_query_does_not_have_is_named(key):
    with pytest.raises(UsageError, match="no chip") as raised:
        without(TERSE, key)
    assert "filter:0, filter:1, filter:2" in str(raised.value)


@pytest.fixture
def chat_lake(lake_env):
    build_lake(lake_env, LAKE_CARDS)
    return lake_env


def test_an_edited_query_is_the_next_turn_of_the_conversation(chat_lake):
    first = ask(chat_lake, "finance text classifiers under 100M parameters", llm=False)
    assert {r["name"] for r in first.results} == {"fin/sentiment-small", "fin/sentiment-small-q4"}
    parameters = next(c for c in chips(first.query) if c.label == "parameters < 100M")
    domain = next(c for c in chips(first.query) if c.label == "domain = finance")
    edited = ask_query(chat_lake, without(without(first.query, parameters.key), domain.key), first.conversation_id,
                       said="removed: parameters < 100M, domain = finance")
    assert edited.conversation_id == first.conversation_id
    assert edited.query["filters"] == [{"field": "task", "op": "eq", "value": "text-classification"}]
    assert edited.description == "text-classification models" and edited.provenance == {"edited": True}
    assert {r["name"] for r in edited.results} == {"fin/sentiment-small", "fin/sentiment-small-q4"}
    assert edited.answer.startswith("2 models match text-classification models: ")
    with chat_lake.transaction() as session:
        history = turns(session, first.conversation_id)
    assert [(t["turn"], t["question"]) for t in history] == [
        (1, "finance text classifiers under 100M parameters"), (2, "removed: parameters < 100M, domain = finance")]
    assert history[1]["query"] == edited.query
    follow = ask(chat_lake, "only the ones licensed mit", first.conversation_id, llm=False)  # a follow-up refines the edited query
    assert follow.query["filters"] == edited.query["filters"] + [{"field": "license", "op": "eq", "value": "mit"}]


def test_an_edited_query_is_validated_and_needs_a_known_conversation(chat_lake):
    conversation = ask(chat_lake, "legal models", llm=False).conversation_id
    with pytest.raises(QueryInvalid) as raised:
        ask_query(chat_lake, {"filters": [{"field": "colour", "op": "eq", "value": "red"}]}, conversation)
    assert raised.value.problems[0].where == "filters[0].field"
    with pytest.raises(NotFound, match="no conversation"):
        ask_query(chat_lake, {"filters": []}, "0" * 32)
    with chat_lake.transaction() as session, pytest.raises(UsageError, match="32 hex characters"):
        turns(session, "not-an-id")
    with chat_lake.transaction() as session:
        assert len(turns(session, conversation)) == 1  # the refused edits recorded nothing


def test_example_questions_use_the_lake_values_and_are_understood(chat_lake):
    examples = example_questions(chat_lake)
    assert 4 <= len(examples) <= 6 and len(set(examples)) == len(examples)
    words = " ".join(examples)
    assert "finance" in words or "legal" in words  # the most common domain: finance, two of five models
    assert "mit" in words  # with the most common task: two mit text classifiers
    assert "accuracy" in words and "fin/sentiment-small" in words  # a metric and a model with a descendant
    for question in examples:
        answer = ask(chat_lake, question, llm=False)
        assert answer.total > 0, question
        assert answer.query["filters"] or answer.query.get("lineage") or answer.query["sort"]["field"] != "relevance", question
        assert not answer.query["text"] and "could not express" not in answer.answer, question


def test_an_empty_lake_has_no_examples(lake):
    assert example_questions(lake) == []
