"""The demo lake built from scratch (examples/build_lake.py): every planted problem is caught by exactly its rule,
the real models pass every high and critical rule, and a second build changes nothing.

Weights are cached under $MODELLAKE_HOME/models when MODELLAKE_HOME is set, else built in a temporary directory.
"""
from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.governance.decisions import latest_review
from engine.policy.severity import rank
from engine.store.tables import Base, EvalRun, ModelVersion, ReviewRecord
from engine.store.versions import get_version, list_latest_versions
from examples.build_lake import build_lake, load_plan

# The first test pays for the whole build (about 7 CPU-minutes on 2 cores, plus a rerun of every real model's claims);
# the suite's 1200 s default is per test.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]

PLAN = load_plan()
PLANTED = {row.card: row.planted for row in PLAN.models if row.planted}
CONSEQUENCES = {row.card: set(row.also) for row in PLAN.models if row.planted}  # rules the planted problem also fails
FAILING = ("fail", "error")


def planted_ref(template: str) -> str:
    import yaml

    from examples.build_lake import CARD_TEMPLATES

    data = yaml.safe_load((CARD_TEMPLATES / template).read_text())
    return f"{data['name']}@{data.get('version', PLAN.defaults['version'])}"


@pytest.fixture(scope="module")
def demo(session_lake, tmp_path_factory):
    """The whole demo lake, built once into the emptied test database; yields (lake, first report, seconds)."""
    with session_lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    home = Path(os.environ["MODELLAKE_HOME"]).expanduser() if os.environ.get("MODELLAKE_HOME") else tmp_path_factory.mktemp("demo-home")
    started = time.monotonic()
    report = build_lake(session_lake, home)
    return session_lake, report, home, time.monotonic() - started


def stored_review(lake, ref: str) -> dict:
    with lake.transaction() as session:
        record = latest_review(session, get_version(session, ref).id)
        assert record is not None and record.review, f"{ref} has no automated review"
        return record.review


def failures(review: dict, minimum: str = "info") -> dict[str, dict]:
    return {f["rule_id"]: f for f in review["findings"] if f["outcome"] in FAILING and rank(f["severity"]) >= rank(minimum)}


def test_the_lake_holds_real_models_planted_problems_and_synthetic_cards(demo):
    lake, report, _, seconds = demo
    print(f"demo build from scratch: {seconds:.0f} s, {report.cards} cards")
    assert report.cards == len(PLAN.models) + 170 and not report.unchanged
    with lake.transaction() as session:
        statuses = Counter(version.status for version, _ in list_latest_versions(session))
        tasks = {version.card.get("pipeline_tag") for version, _ in list_latest_versions(session)}
    assert sum(statuses.values()) >= 150 + len(PLAN.models)
    assert {"approved", "rejected", "changes_requested", "pending"} <= set(statuses), statuses
    assert len(tasks) >= 10


@pytest.mark.parametrize(("template", "rule_id"), sorted(PLANTED.items()))
def test_each_planted_problem_fails_exactly_its_rule(demo, template, rule_id):
    lake, _, _, _ = demo
    review = stored_review(lake, planted_ref(template))
    assert set(failures(review)) == {rule_id} | CONSEQUENCES[template], failures(review)
    assert failures(review)[rule_id]["outcome"] == "fail"


@pytest.mark.parametrize(("template", "rule_id"), sorted(PLANTED.items()))
def test_audit_of_the_card_alone_catches_each_planted_problem(demo, template, rule_id):
    """The CI gate with no flags reads the card's own artifacts and never approves a planted problem: the
    planted rule fails, or (rerun and lineage evidence an audit without --rerun or a lake cannot have) is
    reported unverified, and the gate exits 1 either way."""
    from click.testing import CliRunner

    from api.cli import main

    _, _, home, _ = demo
    ref = planted_ref(template)
    card = home / "models" / "cards" / (ref.replace("/", "__") + ".yaml")
    result = CliRunner().invoke(main, ["audit", str(card), "--format", "json"], catch_exceptions=False)
    report = json.loads(result.stdout)
    outcome = {f["rule_id"]: f["outcome"] for f in report["findings"]}[rule_id]
    assert result.exit_code == 1 and report["verdict"] != "approved", (report["verdict"], report["verdict_reason"])
    assert outcome in ("fail", "unverified"), outcome
    assert report["inputs"]["facts"] is not None  # the card's own files were read, with no --weights


def test_the_expired_waiver_is_applied_and_reported_as_expired(demo):
    lake, _, _, _ = demo
    (template,) = [t for t, rule in PLANTED.items() if rule == "license.allowed"]
    finding = failures(stored_review(lake, planted_ref(template)))["license.allowed"]
    assert finding["waiver"]["expired"] is True and finding["waiver"]["ticket"] == "LEGAL-142"
    assert "expired on 2025-12-31" in finding["message"]


def test_the_inflated_accuracy_is_refuted_by_a_stored_rerun(demo):
    lake, _, _, _ = demo
    (template,) = [t for t, rule in PLANTED.items() if rule == "evaluations.reruns-agree"]
    with lake.transaction() as session:
        run = session.execute(select(EvalRun).where(EvalRun.version_id == get_version(session, planted_ref(template)).id)).scalar_one()
        result = run.result
    assert (result["status"], result["claimed"]) == ("fail", 0.95)
    assert 0.6 < result["observed"] < 0.85


def test_real_models_pass_every_high_and_critical_rule(demo):
    lake, _, _, _ = demo
    with lake.transaction() as session:
        refs = [version.ref for version, _ in list_latest_versions(session)
                if version.submitted_by == PLAN.submitter and version.facts]
    planted = {planted_ref(template) for template in PLANTED}
    clean = [ref for ref in refs if ref not in planted]
    assert len(clean) == len(PLAN.models) - len(PLANTED)
    blocking = {ref: sorted(failures(stored_review(lake, ref), "high")) for ref in clean}
    assert {ref: rules for ref, rules in blocking.items() if rules} == {}


def test_every_real_model_was_rerun_at_submission_and_confirms_its_claims(demo):
    lake, _, _, _ = demo
    planted = {planted_ref(template) for template in PLANTED}
    with lake.transaction() as session:
        rows = session.execute(select(ModelVersion, EvalRun).join(EvalRun, EvalRun.version_id == ModelVersion.id)
                               .where(ModelVersion.submitted_by == PLAN.submitter)).all()
        outcomes = {(version.ref, run.metric): run.status for version, run in rows if version.ref not in planted}
        methods = {version.ref: run.result["evidence"].get("method") for version, run in rows
                   if run.harness == "text-classification" and run.status in ("pass", "fail")}
        claimed = {version.ref for version in session.scalars(select(ModelVersion).where(ModelVersion.submitted_by == PLAN.submitter))
                   if version.ref not in planted and any(isinstance(e, dict) and e.get("harness") for e in version.card.get("evaluations") or [])}
    # no lake.yaml flag: every submission with a harness-backed claim reruns (all real models but the LoRA adapter, whose merged model carries its claim)
    assert {ref for ref, _ in outcomes} == claimed and len(claimed) == len(PLAN.models) - len(PLANTED) - 1
    assert set(outcomes.values()) == {"pass"}, outcomes
    assert methods == {"family/minilm-sentiment@1.0": "model-head", "demo/review-sentiment@1.0": "linear-probe"}


def test_the_hostile_checkpoints_rerun_was_refused_by_the_scan(demo):
    lake, _, _, _ = demo
    (template,) = [t for t, rule in PLANTED.items() if rule == "security.no-unsafe-pickle"]
    with lake.transaction() as session:
        (run,) = session.execute(select(EvalRun).where(EvalRun.version_id == get_version(session, planted_ref(template)).id)).scalars()
        assert run.status == "refused" and "posix.system" in run.result["error"]


def test_modellake_demo_a_second_time_reuses_everything(demo):
    from click.testing import CliRunner

    from api.cli import main

    lake, first, home, _ = demo
    tables = (ModelVersion, EvalRun, ReviewRecord)
    with lake.transaction() as session:
        before = {table: session.execute(select(func.count()).select_from(table)).scalar_one() for table in tables}
    result = CliRunner().invoke(main, ["demo", "--no-serve"], env={"DATABASE_URL": lake.url, "MODELLAKE_HOME": str(home)})
    assert result.exit_code == 0, result.output
    assert f"demo lake ready: {first.cards} cards (0 new, {first.cards} already there)" in result.output
    assert "demo/legacy-intent-classifier@1.0 -> security.no-unsafe-pickle" in result.output
    with lake.transaction() as session:
        assert {table: session.execute(select(func.count()).select_from(table)).scalar_one() for table in tables} == before


def test_modellake_demo_serves_the_lake_on_localhost(demo):
    """The README's main command end to end on the built lake: it prints a URL and a token, and the lake answers there."""
    import re
    import socket
    import subprocess
    import sys

    import httpx

    from api.cli.demo import EXAMPLE_QUESTIONS

    lake, first, home, _ = demo
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": lake.url, "MODELLAKE_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "demo", "--port", str(port)], env=env, cwd=Path(__file__).parents[2],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        printed = []
        for line in server.stdout:
            printed.append(line)
            if EXAMPLE_QUESTIONS[-1] in line:  # the last thing printed before serving
                break
        output = "".join(printed)
        assert f"http://127.0.0.1:{port}/ui" in output, output
        token = re.search(r"token for demo-visitor.*: (\S+)", output).group(1)
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, output
                time.sleep(0.5)
        assert health.status_code == 200
        headers = {"Authorization": f"Bearer {token}"}
        catalog = httpx.get(f"http://127.0.0.1:{port}/models", params={"limit": 1}, headers=headers, timeout=30).json()
        assert catalog["total"] == len({ref.split("@")[0] for ref in first.created})
        (template,) = [t for t, rule in PLANTED.items() if rule == "claims.parameters"]
        review = httpx.get(f"http://127.0.0.1:{port}/reviews/{planted_ref(template)}", headers=headers, timeout=30).json()
        assert "claims.parameters" in json.dumps(review)
        assert all(f'modellake ask "{question}"' in output for question in EXAMPLE_QUESTIONS)
    finally:
        server.terminate()
        server.wait(timeout=30)
