"""The web UI end to end in headless Chromium (Debian's /usr/bin/chromium) against a live server; screenshots in tests/artifacts/http/."""
from __future__ import annotations

import pytest

from engine.governance.submission import submit
from tests.http.conftest import ARTIFACTS
from tests.store.test_submit import make_card

SHOTS = ARTIFACTS / "http"
SHOTS.mkdir(parents=True, exist_ok=True)
pytestmark = pytest.mark.slow


@pytest.fixture
def family(lake):
    """A base model and a fine-tune of it, both waiting for review, submitted by sam."""
    submit(lake, make_card("acme/base", description="Base encoder for legal text", pipeline_tag="text-classification"), submitted_by="sam")
    submit(lake, make_card("acme/legal-clf", description="Classifies contract clauses", pipeline_tag="text-classification", license="apache-2.0",
                           base_model="acme/base@1.0", base_model_relation="finetune"), submitted_by="sam")


def sign_in(page, base_url: str, token: str) -> None:
    page.goto(f"{base_url}/ui")
    assert "/ui/login" in page.url  # anonymous visitors are sent to sign in
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/ui")


def test_catalog_model_page_and_review(browser, live_server, tokens, family):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, tokens["reviewer"])
    assert page.locator("#catalog tr").count() == 3  # header + two models
    assert page.locator("header .who").inner_text().startswith("rita (reviewer)")
    page.screenshot(path=str(SHOTS / "catalog.png"), full_page=True)

    page.click("#facets a:has-text('apache-2.0 (1)')")
    assert [cell.inner_text() for cell in page.locator("#catalog td:first-child").all()] == ["acme/legal-clf"]
    page.screenshot(path=str(SHOTS / "catalog-facet.png"), full_page=True)

    page.click("text=acme/legal-clf")
    assert page.locator("h1").inner_text().startswith("acme/legal-clf@1.0")
    assert page.locator("#lineage svg g.node").count() == 2
    assert "finetune" in page.locator("#lineage svg").inner_html()
    assert page.locator("#failed .finding").count() >= 1  # the minimal card fails completeness rules, shown first
    assert "name: acme/legal-clf" in page.locator("#card").inner_text().replace('"', "")
    page.screenshot(path=str(SHOTS / "model.png"), full_page=True)

    page.click("header >> text=Review queue")
    row = page.locator("#queue tr", has_text="acme/legal-clf@1.0")
    row.locator("input[name=comment]").fill("lineage verified, claims plausible")
    page.screenshot(path=str(SHOTS / "review-queue.png"), full_page=True)
    row.locator("button[value=approve]").click()
    page.wait_for_url(f"{live_server.url}/ui/reviews")
    assert page.locator("#queue tr", has_text="acme/legal-clf@1.0").count() == 0
    page.goto(f"{live_server.url}/ui/models/acme/legal-clf")
    assert page.locator("h1 .status").inner_text() == "approved"
    assert "lineage verified" in page.inner_text("main")


def test_search_box(browser, live_server, tokens, family):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, tokens["reader"])
    page.fill("input[name=q]", "contract clause classifier")
    page.click("form >> text=Search")
    results = page.locator("#search-results td:first-child").all_inner_texts()
    assert results[0] == "acme/legal-clf@1.0"
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)


def test_submitter_sees_no_decision_buttons_and_cannot_post_one(browser, live_server, tokens, family):
    page = browser.new_page()
    sign_in(page, live_server.url, tokens["submitter"])
    page.goto(f"{live_server.url}/ui/reviews")
    assert page.locator("#queue tr", has_text="acme/base@1.0").count() == 1
    assert page.locator("button[value=approve]").count() == 0
    response = page.request.post(f"{live_server.url}/ui/decisions", form={"ref": "acme/base", "decision": "approve", "comment": "mine"})
    assert response.status == 403 and "may not decide" in response.text()


@pytest.mark.timeout(900)
def test_chat_page(browser, live_server, tokens, family):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, tokens["reader"])
    page.goto(f"{live_server.url}/ui/chat")
    page.fill("input[name=question]", "which text classification models are licensed apache-2.0?")
    page.click("button[type=submit]")
    page.wait_for_selector("#answer", timeout=600_000)
    assert "acme/legal-clf@1.0" in page.locator("#results article.result h3 a").all_inner_texts()
    assert page.locator("#ask input[name=conversation_id]").get_attribute("value")
    page.screenshot(path=str(SHOTS / "chat.png"), full_page=True)
