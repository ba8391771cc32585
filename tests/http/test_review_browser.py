"""A reviewer's path in real Chromium: from the catalog to the planted failure in two clicks, decided by keyboard;
every page reachable by Tab with a visible focus, every control named; a screenshot of each page in tests/artifacts/ui/."""
from __future__ import annotations

import pytest

from tests.http.conftest import ARTIFACTS
from tests.http.review_lake import FALSE_PARAMETERS, PARENT, PLANTED, PREVIOUS, TRUE_PARAMETERS, build_review_lake

SHOTS = ARTIFACTS / "ui"
pytestmark = pytest.mark.slow
VIEWPORT = {"width": 1280, "height": 800}
FOCUSABLE = "a[href]:not([tabindex='-1']), button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"
NAMED_ROLES = {"button", "textbox", "searchbox", "combobox", "checkbox", "radio", "listbox", "spinbutton", "slider", "switch", "link"}


@pytest.fixture
def review_lake(lake, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    return build_review_lake(lake, tmp_path / "cards")


def signed_in_page(browser, live_server, secret: str, **context):
    page = browser.new_context(viewport=VIEWPORT, **context).new_page()
    page.goto(f"{live_server.url}/ui/login")
    page.get_by_label("API token").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/ui")
    return page


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"]


def test_reviewer_opens_the_planted_failure_within_two_clicks(browser, live_server, tokens, review_lake):
    page = signed_in_page(browser, live_server, tokens["reviewer"])
    page.screenshot(path=str(SHOTS / "catalog.png"), full_page=True)

    page.get_by_role("link", name="acme/ticket-embedder").click()  # click 1: the model page, failures first
    finding = page.locator("[id='finding-claims.parameters']")
    assert in_first_screen(finding)
    claimed, observed = finding.locator(".claimed dd"), finding.locator(".observed dd")
    assert (claimed.inner_text(), observed.inner_text()) == (f"{FALSE_PARAMETERS:,}", f"{TRUE_PARAMETERS:,}")
    assert min(float(value.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px")) for value in (claimed, observed)) >= 24
    assert in_first_screen(page.locator("#decision"))  # the decision sits beside the failures
    assert not page.get_by_text("claims.hidden-size").is_visible()  # no passing rule to read
    page.screenshot(path=str(SHOTS / "model.png"), full_page=True)

    finding.get_by_role("link", name=f"ticket-embedder-1.1.yaml:{review_lake.claim_line}").click()  # click 2: the claim in the card
    assert page.url.endswith(f"#L{review_lake.claim_line}")
    line = page.locator(f"#L{review_lake.claim_line}")
    assert "parameters: 33000000" in line.inner_text() and line.evaluate("e => e.matches(':target')")
    assert in_first_screen(line)
    page.screenshot(path=str(SHOTS / "model-card-line.png"))

    page.locator("#settled summary").click()  # the passing rules are one click away, when wanted
    assert page.get_by_text("claims.hidden-size").is_visible()


def test_a_digest_is_copied_whole(browser, live_server, tokens, review_lake):
    page = signed_in_page(browser, live_server, tokens["reader"], permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/ui/models/{PLANTED}")
    button = page.locator(f"#facts button[data-copy='{review_lake.weights_sha256}']")
    assert review_lake.weights_sha256 not in page.inner_text("main")
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == review_lake.weights_sha256
    assert button.inner_text() == "Copied"


def test_decide_by_keyboard_and_no_self_approval(browser, live_server, tokens, review_lake):
    page = signed_in_page(browser, live_server, tokens["reviewer"])
    page.goto(f"{live_server.url}/ui/models/{PARENT}")
    decision = page.locator("#decision")
    assert "You (rita) submitted this version" in decision.inner_text() and decision.get_by_role("button").count() == 0
    page.screenshot(path=str(SHOTS / "model-own-submission.png"), full_page=True)

    page.goto(f"{live_server.url}/ui/models/{PLANTED}")
    tab_until(page, "textarea#comment")
    page.keyboard.type("the card claims 33M parameters; the weights hold 22.7M")
    tab_until(page, "button[value=request_changes]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ui/models/{PLANTED}")
    assert "request_changes by rita" in page.locator("#decision").inner_text()
    assert page.locator("h1 .status").inner_text() == "changes_requested"


def tab_until(page, selector: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


PAGES = [  # (screenshot name, path, signed in as)
    ("login", "/ui/login", None),
    ("catalog-keyboard", "/ui", "reviewer"),
    ("model-keyboard", f"/ui/models/{PLANTED}", "reviewer"),
    ("model-parent", f"/ui/models/{PARENT}", "reader"),
    ("diff", f"/ui/diff?a={PREVIOUS}&b={PLANTED}", "reviewer"),
    ("reviews", "/ui/reviews", "reviewer"),
    ("chat", "/ui/chat", "reader"),
    ("error", "/ui/models/acme/nobody", "reader"),
]


@pytest.mark.parametrize(("name", "path", "role"), PAGES, ids=[row[0] for row in PAGES])
def test_every_page_works_by_keyboard_and_names_its_controls(browser, live_server, tokens, review_lake, name, path, role):
    if role:
        page = signed_in_page(browser, live_server, tokens[role])
    else:
        page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{live_server.url}{path}")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert unnamed_controls(page) == []
    assert controls_named_by_placeholder_only(page) == []
    expected = page.evaluate("""s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length)
                                     .map((e, i) => { e.dataset.tabCheck = i; return i; })""", FOCUSABLE)
    reached, unringed = [], []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                                       return [e.dataset.tabCheck ?? null, s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2]; }""")
        if state[0] is not None:
            reached.append(int(state[0]))
            if not state[1]:
                unringed.append(int(state[0]))
    assert sorted(set(reached)) == expected, "some controls cannot be reached by Tab"
    assert unringed == [], "focus must be visible on every control"


def unnamed_controls(page) -> list[str]:
    """Controls and links whose accessible name, as Chromium computes it, is empty."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    bad = []
    for node in nodes:
        role = (node.get("role") or {}).get("value")
        if role in NAMED_ROLES and not node.get("ignored") and not str((node.get("name") or {}).get("value") or "").strip():
            described = cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})["node"]
            bad.append(f"{role} <{described['localName']} {' '.join(described.get('attributes', []))}>")
    return bad


def controls_named_by_placeholder_only(page) -> list[str]:
    """A placeholder disappears as one types: a form control needs a label, aria-label or aria-labelledby."""
    return page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
        .map(e => e.outerHTML)""")
