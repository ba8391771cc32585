"""The catalog and the review queue in real Chromium over the demo lake's catalog: a reviewer opens the planted
problem's failed finding within two clicks of the catalog; the catalog works by keyboard (the search box, the chips,
the facets, the next page); every control is named; screenshots in tests/artifacts/ui/."""
from __future__ import annotations

import pytest

from tests.http.demo_catalog import CLAIMED, OBSERVED, PLANTED, PLANTED_RULE
from tests.http.test_review_browser import SHOTS, controls_named_by_placeholder_only, signed_in_page, tab_until, unnamed_controls

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)


def test_a_reviewer_opens_the_planted_failure_within_two_clicks_of_the_catalog(browser, demo_server, demo_tokens):
    page = signed_in_page(browser, demo_server, demo_tokens["reviewer"])
    page.screenshot(path=str(SHOTS / "catalog-demo.png"), full_page=True)

    page.locator("#facet-domain").get_by_role("link", name="customer-support").click()  # click 1: a facet
    page.wait_for_url("**/ui?domain=customer-support")
    assert page.locator("#chips").get_by_role("link").all_inner_texts() == ["domain: customer-support ×"]
    page.screenshot(path=str(SHOTS / "catalog-facet-demo.png"), full_page=True)

    row = page.locator("#catalog tr", has_text=PLANTED.partition("@")[0])
    row.get_by_role("link", name=PLANTED_RULE).click()  # click 2: the failed rule, straight to its finding
    page.wait_for_url(f"**/ui/models/{PLANTED}#finding-{PLANTED_RULE}")
    finding = page.locator(f"[id='finding-{PLANTED_RULE}']")
    assert finding.evaluate("e => e.matches(':target')")
    box = finding.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    assert (finding.locator(".claimed dd").inner_text(), finding.locator(".observed dd").inner_text()) == (f"{CLAIMED:,}", f"{OBSERVED:,}")
    page.screenshot(path=str(SHOTS / "model-demo-finding.png"))


def test_the_catalog_works_by_keyboard(browser, demo_server, demo_tokens):
    page = signed_in_page(browser, demo_server, demo_tokens["reader"])
    page.goto(f"{demo_server.url}/ui?license=mit&limit=10")
    for selector in ("input[name=q]", "#chips a", "#facets a", "#pager-top a[rel=next]"):  # in this order, from the top
        tab_until(page, selector)
    assert unnamed_controls(page) == [] and controls_named_by_placeholder_only(page) == []

    page.goto(f"{demo_server.url}/ui")  # the next page, by keyboard
    tab_until(page, "#pager-top a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui?after=*")
    assert "50 of" in page.locator("#pager-top").inner_text()

    page.goto(f"{demo_server.url}/ui?license=mit&domain=legal")  # a chip removed by keyboard
    tab_until(page, "#chips a[aria-label='Remove filter domain: legal']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui?license=mit")
    assert page.locator("#chips").get_by_role("link").all_inner_texts() == ["license: mit ×"]

    page.locator("input[name=q]").focus()  # a structured filter typed into the box becomes a chip
    page.keyboard.type("task:sentence-similarity tickets")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui?*task=sentence-similarity*")
    assert page.locator("#chips").get_by_role("link").all_inner_texts() == ["task: sentence-similarity ×", "license: mit ×"]
    assert page.locator("input[name=q]").input_value() == "tickets"
    page.screenshot(path=str(SHOTS / "catalog-chips.png"), full_page=True)


def test_the_queue_shows_reasons_and_refuses_a_self_approval(browser, demo_server, demo_tokens, demo_catalog):
    from engine.governance.stored_reviews import review_queue

    own = review_queue(demo_catalog, limit=1)["items"][0]
    page = signed_in_page(browser, demo_server, demo_tokens["own"])
    page.goto(f"{demo_server.url}/ui/reviews")
    row = page.locator(f"[id='queue-{own['ref']}']")
    assert f"You ({own['submitted_by']}) submitted this version" in row.inner_text()
    assert row.get_by_role("button").count() == 0
    assert unnamed_controls(page) == [] and controls_named_by_placeholder_only(page) == []
    page.screenshot(path=str(SHOTS / "reviews-demo.png"), full_page=True)
