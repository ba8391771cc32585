"""The chat page in real Chromium: ask, follow up in the same conversation, remove a chip by keyboard and see the query
run again; every control named. Screenshots in tests/artifacts/ui/."""
from __future__ import annotations

import pytest

from tests.http.test_chat_page import QUESTION
from tests.http.test_review_browser import SHOTS, controls_named_by_placeholder_only, signed_in_page, tab_until, unnamed_controls
from tests.search.cards import LAKE_CARDS, build_lake

pytestmark = pytest.mark.slow


@pytest.fixture
def chat_lake(lake):
    SHOTS.mkdir(parents=True, exist_ok=True)
    build_lake(lake, LAKE_CARDS)
    return lake


def conversation_id(page) -> str:
    return page.locator("#ask input[name=conversation_id]").get_attribute("value")


def chip_labels(page) -> list[str]:
    return [text.strip() for text in page.locator("#chips .chip .label").all_inner_texts()]


@pytest.mark.timeout(900)
def test_ask_follow_up_and_remove_a_chip(browser, live_server, tokens, chat_lake):
    page = signed_in_page(browser, live_server, tokens["reader"])
    page.get_by_role("link", name="Chat", exact=True).click()
    assert page.locator("#examples button").count() >= 4  # questions from the lake's own values
    page.get_by_label("Your question").fill(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer", timeout=600_000)
    assert chip_labels(page) == ["domain = finance", "task = text-classification", "parameters < 100M"]
    cards = page.locator("#results article.result")
    assert sorted(cards.locator("h3 a").all_inner_texts()) == ["fin/sentiment-small-q4@1.0", "fin/sentiment-small@1.0"]
    assert cards.first.locator(".status").is_visible() and cards.first.locator(".failed").is_visible()
    first_id = conversation_id(page)
    assert unnamed_controls(page) == [] and controls_named_by_placeholder_only(page) == []
    page.screenshot(path=str(SHOTS / "chat-answer.png"), full_page=True)

    page.get_by_label("Your question").fill("only the ones licensed mit")
    page.get_by_role("button", name="Ask", exact=True).click()
    page.wait_for_selector("#answer", timeout=600_000)
    assert chip_labels(page) == ["domain = finance", "task = text-classification", "parameters < 100M", "license = mit"]
    assert conversation_id(page) == first_id
    assert page.locator("#history li.turn").count() == 1 and QUESTION in page.locator("#history").inner_text()
    page.screenshot(path=str(SHOTS / "chat-follow-up.png"), full_page=True)

    assert page.get_by_role("button", name="Remove parameters < 100M").is_visible()
    tab_until(page, "button[aria-label='Remove parameters < 100M']")  # reached by Tab from the top of the page
    page.keyboard.press("Enter")  # by keyboard: the query runs again without the chip
    page.wait_for_selector("#answer")
    assert chip_labels(page) == ["domain = finance", "task = text-classification", "license = mit"]
    assert conversation_id(page) == first_id and page.locator("#history li.turn").count() == 2
    assert "removed: parameters < 100M" in page.locator("#answer").inner_text()
    assert sorted(page.locator("#results article.result h3 a").all_inner_texts()) == ["fin/sentiment-small-q4@1.0", "fin/sentiment-small@1.0"]
    page.screenshot(path=str(SHOTS / "chat-chip-removed.png"), full_page=True)

    page.locator("#examples button").first.click()  # an example starts a new conversation
    page.wait_for_selector("#answer", timeout=600_000)
    assert conversation_id(page) != first_id and page.locator("#history li.turn").count() == 0
