"""The chat over HTTP and as a page, on the real app and lake: POST /chat runs a question or an edited structured query in
one conversation, GET /chat/{id} gives its turns, and /ui/chat shows the conversation, the query as removable chips,
example questions from the lake's values and result cards with their status and the rule that failed."""
from __future__ import annotations

import html as entities
import json
import re

import pytest

from engine.chat.chips import without
from tests.http.conftest import bearer
from tests.http.test_review_page import signed_in, visible_text
from tests.search.cards import LAKE_CARDS, build_lake

QUESTION = "finance text classifiers under 100M parameters"  # every word explained by the rules: no LLM


@pytest.fixture
def chat_lake(lake):
    build_lake(lake, LAKE_CARDS)
    return lake


def test_post_chat_runs_an_edited_query_in_the_same_conversation(chat_lake, client, tokens):
    headers = bearer(tokens["reader"])
    first = client.post("/chat", json={"question": QUESTION}, headers=headers).json()
    assert first["provenance"]["winner"] == "rules" and first["provenance"]["llm"] == []
    edited = without(first["query"], "filter:2")
    second = client.post("/chat", json={"query": edited, "conversation_id": first["conversation_id"], "said": "removed: parameters < 100M"},
                         headers=headers)
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["conversation_id"] == first["conversation_id"] and second["provenance"] == {"edited": True}
    assert second["query"]["filters"] == first["query"]["filters"][:2]
    history = client.get(f"/chat/{first['conversation_id']}", headers=headers).json()
    assert [(t["turn"], t["question"]) for t in history["turns"]] == [(1, QUESTION), (2, "removed: parameters < 100M")]
    assert history["turns"][1]["query"] == second["query"] and history["conversation_id"] == first["conversation_id"]


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"question": "legal models", "query": {"filters": []}}, 400, "either a question or a query"),
    ({"conversation_id": None}, 400, "either a question or a query"),
    ({"query": {"filters": [{"field": "colour", "op": "eq", "value": "red"}]}, "conversation_id": "f" * 32}, 422, "filters[0].field"),
    ({"query": {"filters": []}, "conversation_id": "f" * 32}, 404, "no conversation"),
])
def test_post_chat_refuses_what_it_cannot_run(chat_lake, client, tokens, body, status, says):
    response = client.post("/chat", json=body, headers=bearer(tokens["reader"]))
    assert response.status_code == status and says in response.text


def test_unknown_conversation_is_a_404(chat_lake, client, tokens):
    response = client.get(f"/chat/{'a' * 32}", headers=bearer(tokens["reader"]))
    assert response.status_code == 404 and "no conversation" in response.text


def chips_of(page: str) -> list[str]:
    return [entities.unescape(visible_text(chip)).strip() for chip in re.findall(r'<li class="chip">(.*?)</li>', page, re.S)]


def test_the_page_converses_with_chips_cards_and_examples(chat_lake, client, tokens):
    client = signed_in(client, tokens["reader"])
    empty = client.get("/ui/chat").text
    examples = re.findall(r'<button[^>]*name="question" value="([^"]+)"', empty)
    assert examples and any("mit" in e for e in examples)  # drawn from the lake's values

    page = client.post("/ui/chat", data={"question": QUESTION, "conversation_id": ""}).text
    conversation = re.search(r'name="conversation_id" value="([0-9a-f]{32})"', page).group(1)
    assert chips_of(page) == ["domain = finance Remove", "task = text-classification Remove", "parameters < 100M Remove"]
    assert 'aria-label="Remove parameters &lt; 100M"' in page
    cards = re.findall(r'<article class="result".*?</article>', page, re.S)
    assert sorted(re.search(r'<a href="/ui/models/([^"]+)"', card).group(1) for card in cards) == ["fin/sentiment-small-q4@1.0", "fin/sentiment-small@1.0"]
    for card in cards:
        status = re.search(r'<span class="status ([a-z_]+)">([a-z_]+)</span>', card)
        assert status and status.group(1) == status.group(2)
        failed = re.search(r'<p class="failed">(.*?)</p>', card, re.S)  # these minimal cards fail completeness rules
        assert failed and re.search(r"[a-z]+\.[a-z-]+", visible_text(failed.group(1)))

    # removing a chip posts the query without it, in the same conversation
    form = re.search(r'<form[^>]*class="remove"[^>]*>(?:(?!</form>).)*aria-label="Remove parameters &lt; 100M"(?:(?!</form>).)*</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))
    assert fields["conversation_id"] == conversation
    assert json.loads(entities.unescape(fields["query"]))["filters"] == [{"field": "domain", "op": "eq", "value": "finance"},
                                                                         {"field": "task", "op": "eq", "value": "text-classification"}]
    edited = client.post("/ui/chat", data={key: entities.unescape(value) for key, value in fields.items()}).text
    assert chips_of(edited) == ["domain = finance Remove", "task = text-classification Remove"]
    history = re.search(r'<ol id="history".*?</ol>', edited, re.S).group(0)
    assert QUESTION in visible_text(history)  # the earlier turn stays on the page

    follow = client.post("/ui/chat", data={"question": "only the ones licensed mit", "conversation_id": conversation}).text
    assert chips_of(follow)[-1] == "license = mit Remove"
    assert f'value="{conversation}"' in follow


def test_a_conversation_from_the_api_continues_on_the_page(chat_lake, client, tokens):
    first = client.post("/chat", json={"question": QUESTION}, headers=bearer(tokens["reader"])).json()
    page = signed_in(client, tokens["reader"]).get(f"/ui/chat?conversation={first['conversation_id']}").text
    assert QUESTION in visible_text(page) and f'name="conversation_id" value="{first["conversation_id"]}"' in page
    assert "parameters &lt; 100M" in page  # the latest query's chips, removable from here too
    assert "As the lake stands now, 2 models match this query." in page  # and its results, run again (nothing recorded)
    assert len(re.findall(r'<article class="result"', page)) == 2
    assert len(client.get(f"/chat/{first['conversation_id']}", headers=bearer(tokens["reader"])).json()["turns"]) == 1
    missing = client.get(f"/ui/chat?conversation={'b' * 32}")
    assert missing.status_code == 404 and "no conversation" in missing.text


def test_a_malformed_edited_query_is_a_clear_error(chat_lake, client, tokens):
    client = signed_in(client, tokens["reader"])
    conversation = re.search(r'name="conversation_id" value="([0-9a-f]{32})"',
                             client.post("/ui/chat", data={"question": QUESTION}).text).group(1)
    response = client.post("/ui/chat", data={"query": "{not json", "conversation_id": conversation})
    assert response.status_code == 400 and "the edited query is not JSON" in response.text
