"""Every hostile input through every door it reaches: validate, inspect, audit, submit (in-process, click's CliRunner)
and the HTTP routes (Litestar's TestClient). A refusal is exit 1 or 2 or a 4xx naming the problem, never a traceback
or a 5xx, and writes nothing; each case is bounded by a timeout, so a hang fails it instead of stalling the run."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import func, select

from api.cli import main
from api.http import create_app
from api.http.config import HttpConfig
from engine.config import Settings
from engine.paths import POLICIES_DIR
from engine.store.tables import Base
from engine.tokens import ROLES, create_token
from tests.hostile.corpus import ACCEPTED, CARD, CASES, FLAGGED, HTTP, LAKE, REFUSED, UNSAFE_PICKLE_RULE, WEIGHTS, Case, card_text

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-06-01"
WEIGHTS_CARD = card_text()


def row_counts(lake) -> dict[str, int]:
    with lake.engine.connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one() for table in Base.metadata.sorted_tables}


def empty(lake) -> None:
    """Every table but the API tokens (the HTTP client's own), so a scenario can be replayed over HTTP from scratch."""
    with lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "api_tokens":
                connection.execute(table.delete())


@pytest.fixture(scope="module")
def corpus_root():
    """A short private directory (unix sockets need short paths): the server's root, holding one workspace per case."""
    directory = Path(tempfile.mkdtemp(prefix="mlh-", dir="/tmp"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def http(session_lake, corpus_root):
    """One app, client and set of tokens for the whole corpus (each case empties every other table); the CLI doors open
    the same database through DATABASE_URL."""
    with session_lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    policies = corpus_root / "_policies"
    shutil.copytree(POLICIES_DIR, policies)
    config = HttpConfig(policies_dir=policies, server_roots=(corpus_root.resolve(), REPO))
    app = create_app(Settings(home=corpus_root, database_url=session_lake.url), lake=session_lake, config=config)
    tokens = {role: create_token(session_lake, name=f"user-{role}", role=role, by="test")[1] for role in ROLES}
    with pytest.MonkeyPatch.context() as patch, TestClient(app) as client:
        patch.setenv("DATABASE_URL", session_lake.url)
        yield client, tokens


@pytest.fixture
def workspace(corpus_root, monkeypatch):
    """This case's directory, also the cwd: cards are named relatively, as people type them."""
    directory = Path(tempfile.mkdtemp(dir=corpus_root))
    monkeypatch.chdir(directory)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


class Doors:
    """Runs one input through the doors, collecting what each answered."""

    def __init__(self, lake, http_client, tokens, workspace: Path):
        self.lake, self.client, self.tokens, self.workspace = lake, http_client, tokens, workspace
        self.runner = CliRunner()

    def cli(self, *args: str):
        result = self.runner.invoke(main, list(args), catch_exceptions=True)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        assert not crashed, f"modellake {' '.join(args)[:200]} raised {result.exception!r}\n{result.output[-2000:]}"
        assert "Traceback" not in result.output, result.output[-2000:]
        return result

    def http(self, method: str, path: str, role: str = "submitter", **options):
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        response = self.client.request(method, path, headers=headers | options.pop("headers", {}), **options)
        assert response.status_code < 500, f"{method} {path[:200]}: {response.status_code} {response.text[:2000]}"
        return response


def relative(path: Path, workspace: Path) -> str:
    try:
        return str(path.relative_to(workspace))
    except ValueError:
        return str(path)


def assert_says(text: str, says: tuple[str, ...], where: str, never: tuple[str, ...] = ()) -> None:
    lowered = text.lower()
    missing = [s for s in says if s.lower() not in lowered]
    assert not missing, f"{where}: the message does not name {missing}: {text[-1500:]}"
    leaked = [s for s in never if s.lower() in lowered]
    assert not leaked, f"{where}: echoed {leaked}: {text[-1500:]}"


def findings_of_audit(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def door_outcome(item: Case, door: str, over_http: bool) -> tuple[str, tuple[str, ...]]:
    """What `door` must answer for this case, and what its message must name."""
    expect = item.expect
    outcome, says = (expect.http, expect.http_says) if over_http and expect.http else (expect.outcome, expect.says)
    if outcome == REFUSED and expect.refused_by and door not in expect.refused_by:
        return ACCEPTED, ()
    return outcome, says


def check_cli_card(doors: Doors, item: Case, card: Path) -> None:
    expect, lake = item.expect, doors.lake
    name = relative(card, doors.workspace)
    before = row_counts(lake)
    runs = {"validate": doors.cli("validate", name), "audit": doors.cli("audit", name, "--format", "json", "--as-of", AS_OF),
            "submit": doors.cli("submit", name, "--json")}
    for door, result in runs.items():
        outcome, says = door_outcome(item, door, over_http=False)
        if outcome == REFUSED:
            says = says + ((f"{Path(name).name}:{expect.line}",) if expect.line else ())
            assert result.exit_code in (1, 2), f"{door} accepted {item.id}: {result.output[-1500:]}"
            assert_says(result.output, says, f"{door} {item.id}", expect.never_says)
        else:
            assert result.exit_code in ((0, 1) if door == "audit" else (0,)), f"{door} refused {item.id}: {result.output[-2000:]}"
    if door_outcome(item, "submit", over_http=False)[0] == REFUSED:
        assert row_counts(lake) == before, f"{item.id}: a refused card wrote rows"
    if expect.outcome == FLAGGED:
        fired = {f["rule_id"] for f in findings_of_audit(runs["audit"]) if f["outcome"] in ("fail", "warn")}
        assert expect.finding in fired, f"audit of {item.id} did not flag {expect.finding}: {sorted(fired)}"
        violations = {v["rule_id"] for v in json.loads(runs["submit"].stdout)["review"]["violations"]}
        assert expect.finding in violations, f"submit of {item.id} did not flag {expect.finding}: {sorted(violations)}"


def check_http_card(doors: Doors, item: Case, text: str) -> None:
    expect, lake = item.expect, doors.lake
    before = row_counts(lake)
    responses = {"POST /models": doors.http("POST", "/models", json={"card": text}),
                 "POST /policies/dry-run": doors.http("POST", "/policies/dry-run", json={"card": text})}
    for door, response in responses.items():
        outcome, says = door_outcome(item, door, over_http=True)
        if outcome == REFUSED:
            says = says + (("submitted-card.yaml:" + str(expect.line),) if expect.line and not expect.http else ())
            assert 400 <= response.status_code < 500, f"{door} accepted {item.id}: {response.status_code} {response.text[:1000]}"
            assert_says(response.text, says, f"{door} {item.id}", expect.never_says)
        else:
            assert response.status_code in ((200, 201) if door == "POST /models" else (200,)), f"{door} refused {item.id}: {response.text[:2000]}"
    if door_outcome(item, "POST /models", over_http=True)[0] == REFUSED:
        assert row_counts(lake) == before, f"{item.id}: a refused card wrote rows over HTTP"
    if expect.outcome == FLAGGED:  # judged on the stored review: dry-run reads no artifacts
        fired = {v["rule_id"] for v in responses["POST /models"].json()["review"]["violations"]}
        assert expect.finding in fired, f"POST /models of {item.id} did not flag {expect.finding}: {sorted(fired)}"
    if item.id.startswith("inject/"):
        check_rendered_safely(doors, text)


def check_rendered_safely(doors: Doors, text: str) -> None:
    """Injection strings come back verbatim from the API, escaped in the web UI, and every report format still parses."""
    from xml.etree import ElementTree

    import yaml

    card = doors.http("GET", "/models/hostile/card@1.0", role="reader").json()
    assert card["card"]["description"] == yaml.safe_load(text)["description"]
    page = doors.http("GET", "/ui/models/hostile/card@1.0", role="reader")
    assert page.status_code == 200 and "<script>alert(1)</script>" not in page.text and "<img src=x" not in page.text
    for fmt in ("json", "sarif", "junit", "md", "html"):
        report = doors.http("GET", f"/reports/{fmt}/hostile/card@1.0", role="reader")
        assert report.status_code == 200, report.text[:500]
        if fmt in ("json", "sarif"):
            json.loads(report.text)
        elif fmt == "junit":
            ElementTree.fromstring(report.content)
        elif fmt == "html":
            assert "<script>alert(1)</script>" not in report.text


def check_cli_weights(doors: Doors, item: Case, weights: Path) -> None:
    expect, lake = item.expect, doors.lake
    card = doors.workspace / "weights-card.yaml"
    card.write_text(WEIGHTS_CARD)
    target = relative(weights, doors.workspace)
    says = expect.says + ((weights.name,) if expect.outcome == REFUSED and weights.is_relative_to(doors.workspace) and weights.name != "model" else ())
    before = row_counts(lake)
    runs = {"inspect": doors.cli("inspect", target, "--json"),
            "audit": doors.cli("audit", card.name, "--weights", target, "--format", "json", "--as-of", AS_OF),
            "submit": doors.cli("submit", card.name, "--weights", target, "--json")}
    if expect.outcome == REFUSED:
        for door, result in runs.items():
            assert result.exit_code in (1, 2), f"{door} accepted {item.id}: {result.output[-1500:]}"
            assert_says(result.output, says, f"{door} {item.id}", expect.never_says)
        assert row_counts(lake) == before, f"{item.id}: refused weights wrote rows"
        return
    assert runs["inspect"].exit_code == (1 if expect.outcome == FLAGGED else 0), runs["inspect"].output[-2000:]
    assert runs["audit"].exit_code in (0, 1), runs["audit"].output[-2000:]
    assert runs["submit"].exit_code == 0, runs["submit"].output[-2000:]
    if expect.outcome == FLAGGED:
        assert expect.finding in runs["inspect"].output
        assert UNSAFE_PICKLE_RULE in {f["rule_id"] for f in findings_of_audit(runs["audit"]) if f["outcome"] == "fail"}
        violations = {v["rule_id"] for v in json.loads(runs["submit"].stdout)["review"]["violations"]}
        assert UNSAFE_PICKLE_RULE in violations
    assert not (doors.workspace / "PWNED").exists(), "a pickle ran"


def check_http_weights(doors: Doors, item: Case, weights: Path) -> None:
    """Dry-run reads the files in the request: it judges them. POST /models reads them only as far as the server's own
    rules go (roots, links, file types); the files' content is read by evidence jobs after a 202 (test_evidence_jobs
    below runs a sample of them), so a 202 answers "taken, evidence pending", never "valid"."""
    expect, lake = item.expect, doors.lake
    outcome, says = (expect.http, expect.http_says) if expect.http else (expect.outcome, expect.says)
    if not weights.resolve().is_relative_to(doors.workspace.resolve()):
        outcome, says = REFUSED, ("outside",)  # /dev/zero and friends: outside the server's roots before anything else
    body = {"card": WEIGHTS_CARD, "weights": str(weights)}
    dry_run = doors.http("POST", "/policies/dry-run", json=body)
    before = row_counts(lake)
    submitted = doors.http("POST", "/models", json=body)
    # /diff reads weights with lineage's own tensor reader: it must not fail (no 5xx, checked by doors.http), and may be
    # more lenient than the facts extractor about files beside the weights.
    doors.http("GET", "/diff", role="reader", params={"a": str(weights), "b": str(weights)})
    if outcome == REFUSED:
        assert 400 <= dry_run.status_code < 500, f"dry-run accepted {item.id}: {dry_run.status_code} {dry_run.text[:1000]}"
        assert_says(dry_run.text, says, f"dry-run {item.id}", expect.never_says)
        assert submitted.status_code == 202 or 400 <= submitted.status_code < 500, f"POST /models {item.id}: {submitted.text[:1000]}"
        if submitted.status_code != 202:
            assert_says(submitted.text, says, f"POST /models {item.id}", expect.never_says)
            assert row_counts(lake) == before, f"{item.id}: refused weights wrote rows over HTTP"
        return
    assert submitted.status_code in (200, 201, 202), submitted.text[:2000]
    assert dry_run.status_code == 200, dry_run.text[:2000]
    if outcome == FLAGGED:
        fired = {f["rule_id"] for f in dry_run.json()["findings"] if f["outcome"] == "fail"}
        assert UNSAFE_PICKLE_RULE in fired
    assert not (doors.workspace / "PWNED").exists(), "a pickle ran"


def check_lake(doors: Doors, item: Case, cards: list[Path]) -> None:
    expect, lake = item.expect, doors.lake
    *setup, last = cards
    for card in setup:
        assert doors.cli("submit", card.name, "--json").exit_code == 0
    before = row_counts(lake)
    result = doors.cli("submit", last.name, "--json")
    if expect.outcome == REFUSED:
        assert result.exit_code in (1, 2), result.output
        assert_says(result.output, expect.says, f"submit {item.id}")
        assert row_counts(lake) == before, f"{item.id}: a refused submission wrote rows"
    else:
        assert result.exit_code == 0, result.output
    empty(lake)
    for card in setup:
        assert doors.http("POST", "/models", json={"card": card.read_text()}).status_code in (200, 201)
    before = row_counts(lake)
    response = doors.http("POST", "/models", json={"card": last.read_text()})
    if expect.outcome == REFUSED:
        assert 400 <= response.status_code < 500, response.text
        assert_says(response.text, expect.says, f"POST /models {item.id}")
        assert row_counts(lake) == before, f"{item.id}: a refused submission wrote rows over HTTP"
    else:
        assert response.status_code in (200, 201), response.text


def check_http(doors: Doors, item: Case, request) -> None:
    before = row_counts(doors.lake)
    role = request.role
    response = doors.http(request.method, request.path, role=role, params=request.params, headers=request.headers,
                          **({"content": request.content} if request.content is not None else {}),
                          **({"json": request.json} if request.json is not None else {}))
    assert response.status_code in item.expect.status, f"{item.id}: {response.status_code} {response.text[:1500]}"
    assert_says(response.text, item.expect.says, item.id)
    if item.expect.outcome == REFUSED:
        assert row_counts(doors.lake) == before, f"{item.id}: a refused request wrote rows"


CHECKS = {CARD: (check_cli_card, check_http_card), WEIGHTS: (check_cli_weights, check_http_weights)}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("item", CASES, ids=[c.id for c in CASES])
def test_hostile_input(item: Case, session_lake, http, workspace):
    client, tokens = http
    empty(session_lake)
    doors = Doors(session_lake, client, tokens, workspace)
    built = item.build(workspace)
    if item.area == HTTP:
        check_http(doors, item, built)
    elif item.area == LAKE:
        check_lake(doors, item, built)
    else:
        cli_check, http_check = CHECKS[item.area]
        cli_check(doors, item, built)
        if item.area == WEIGHTS:
            http_check(doors, item, built)
        elif item.http_card:
            http_check(doors, item, built.read_text(encoding="utf-8"))


def test_corpus_is_large_and_covers_every_area():
    areas = {area: sum(1 for c in CASES if c.area == area) for area in (CARD, WEIGHTS, LAKE, HTTP)}
    assert len(CASES) >= 100 and all(areas.values()), areas
    assert {c.expect.outcome for c in CASES} == {REFUSED, ACCEPTED, FLAGGED}
