"""The automated review at submission: stored with the version, sets its status until a human decides."""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from engine.cards import card_from_dict
from engine.governance.decisions import decide, latest_review
from engine.governance.stored import review_stored_version
from engine.store.tables import ReviewRecord, Waiver
from engine.store.versions import get_version
from engine.governance.evidence import Evidence
from engine.governance.submission import submit
from tests.policy.cards import GOOD_CARD, GOOD_EVALS, GOOD_FACTS


def good_card(**changes):
    """The policy tests' good card, standalone (no parent outside the lake) and evaluated today."""
    data = copy.deepcopy(GOOD_CARD)
    data.pop("base_model"), data.pop("base_model_relation")
    data["evaluations"][0]["date"] = dt.date.today().isoformat()
    data.update(changes)
    return card_from_dict(data, source="cards/good.yaml")


def reran() -> Evidence:
    """The evidence of a submission whose one harness-backed claim was re-run and agreed (as GOOD_EVALS say)."""
    return Evidence(evals=copy.deepcopy(GOOD_EVALS))


def stored_review(lake, ref):
    with lake.transaction() as session:
        version = get_version(session, ref)
        return version.status, latest_review(session, version.id).review


def test_a_card_that_passes_every_policy_waits_for_a_human(lake):
    evidence = Evidence(facts=copy.deepcopy(GOOD_FACTS), evals=[dict(run, evidence=dict(run["evidence"])) for run in GOOD_EVALS])
    result = submit(lake, good_card(), evidence, submitted_by="sam")
    assert (result.status, result.review["verdict"], result.review["violations"], result.review["unverified"]) == ("pending", "approved", [], [])
    status, review = stored_review(lake, "acme/good-model")
    assert status == "pending" and review["verdict"] == "approved" and review["target"] == "acme/good-model@1.0.0"


def test_a_card_whose_files_were_never_read_is_not_approved(lake):
    result = submit(lake, good_card(), reran(), submitted_by="sam")  # its claim was re-run; its files' facts are missing
    assert (result.status, result.review["verdict"], result.review["violations"]) == ("pending", "needs_human_review", [])
    unverified = {finding["rule_id"]: finding["missing"] for finding in result.review["unverified"]}
    assert unverified["claims.parameters"] == "facts.parameters" and unverified["security.no-unsafe-pickle"] == "facts.security.findings"


def test_a_failed_rule_requests_changes_and_is_located_in_the_card(lake):
    result = submit(lake, good_card(governance={"human_oversight": "yes"}), reran(), submitted_by="sam")
    assert result.status == "changes_requested"
    assert [v["rule_id"] for v in result.review["violations"]] == ["completeness.risk-tier"]
    _, review = stored_review(lake, "acme/good-model")
    (finding,) = [f for f in review["findings"] if f["outcome"] == "fail"]
    assert finding["evidence"]["source"]["file"] == "cards/good.yaml"


def test_a_harness_backed_claim_submitted_without_a_rerun_fails_rerun_required(lake):
    result = submit(lake, good_card(), submitted_by="sam")  # no evidence: nothing was re-run
    assert result.status == "changes_requested"
    (violation,) = result.review["violations"]
    assert (violation["rule_id"], violation["severity"]) == ("evaluations.rerun-required", "high")  # the good card is `limited` risk
    assert violation["message"] == ("A claim was not checked by a rerun: spearman on modellake/sts-pairs/test: claimed 0.9, not re-run: "
                                    "no rerun was made")


def test_reruns_given_at_submission_are_stored_and_judged(lake):
    refuted = [run | {"observed": 0.7, "status": "fail"} for run in copy.deepcopy(GOOD_EVALS)]
    result = submit(lake, good_card(), Evidence(evals=refuted), submitted_by="sam")
    assert result.status == "changes_requested"
    assert [v["rule_id"] for v in result.review["violations"]] == ["evaluations.reruns-agree"]
    with lake.transaction() as session:
        version = get_version(session, "acme/good-model")
        assert review_stored_version(session, version).verdict == "changes_requested"  # the stored rerun is read back


def test_an_active_waiver_in_the_lake_waives_and_an_expired_one_does_not(lake):
    card = good_card(governance={"human_oversight": "yes"})
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    with lake.transaction() as session:
        session.add(Waiver(rule_id="completeness.risk-tier", target="acme/good-model", reason="tier assessed in ticket", expires_at=tomorrow))
    assert submit(lake, card, reran(), submitted_by="sam").status == "pending"
    with lake.transaction() as session:
        session.execute(Waiver.__table__.update().values(expires_at=tomorrow - dt.timedelta(days=3)))
        version = get_version(session, "acme/good-model")
        record = review_stored_version(session, version)
        assert (record.verdict, version.status) == ("changes_requested", "changes_requested")
        (finding,) = [f for f in record.review["findings"] if f["rule_id"] == "completeness.risk-tier"]
        assert finding["outcome"] == "fail" and "expired" in finding["message"]


def test_after_a_human_decision_only_humans_change_the_status(lake):
    submit(lake, good_card(governance={"human_oversight": "yes"}), submitted_by="sam")
    decide(lake, "acme/good-model", "approve", by="rita", comment="tier accepted by the board")
    with lake.transaction() as session:
        version = get_version(session, "acme/good-model")
        review_stored_version(session, version)
        assert version.status == "approved"
        records = session.execute(select(ReviewRecord).where(ReviewRecord.version_id == version.id).order_by(ReviewRecord.id)).scalars().all()
        # the submission's review carries the human decision; the later re-review does not change the status
        assert [(r.verdict, r.decision) for r in records] == [("changes_requested", "approve"), ("changes_requested", None)]


def test_a_crash_in_the_review_leaves_no_version(lake, monkeypatch):
    """A crash inside the review step leaves no version behind (one transaction per submission)."""
    import engine.governance.stored

    monkeypatch.setattr(engine.governance.stored, "review_card", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("policy crash")))
    with pytest.raises(RuntimeError):
        submit(lake, good_card(), submitted_by="sam")
    with lake.transaction() as session:
        assert session.execute(select(ReviewRecord)).first() is None
    assert json.loads(CliRunner().invoke(main, ["list", "--json"], env={"DATABASE_URL": lake.url}).output)["items"] == []


def test_submit_cli_prints_the_verdict_and_fails_on_request(lake_env, tmp_path):
    card = tmp_path / "tiny.yaml"
    card.write_text("schema_version: '1'\nname: acme/tiny\nversion: '1.0'\nowners: [{name: Jane}]\nlicense: mit\n")
    runner = CliRunner()
    shown = runner.invoke(main, ["submit", str(card), "--by", "sam"])
    assert shown.exit_code == 0, shown.output
    assert "automated review: changes_requested" in shown.output
    assert "fail [high] security.weights-digest" in shown.output
    again = runner.invoke(main, ["submit", str(card), "--by", "sam", "--fail-on", "high", "--json"])
    assert again.exit_code == 1 and json.loads(again.output)["created"] is False
    detail = json.loads(runner.invoke(main, ["show", "acme/tiny", "--json"]).output)
    assert detail["review"]["verdict"] == "changes_requested" and detail["status"] == "changes_requested"


def test_export_bom_of_a_stored_version_has_its_lineage_as_pedigree(lake_env):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    submit(lake_env, good_card(), reran(), submitted_by="sam")
    submit(lake_env, good_card(name="acme/child", base_model="acme/good-model", base_model_relation="finetune"), reran(), submitted_by="sam")
    result = CliRunner().invoke(main, ["export-bom", "acme/child@1.0.0"])
    assert result.exit_code == 0, result.output
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.output, all_errors=True) is None
    component = json.loads(result.stdout)["components"][0]
    assert component["name"] == "acme/child"
    (ancestor,) = component["pedigree"]["ancestors"]
    assert ancestor["bom-ref"] == "acme/good-model@1.0.0"
    assert {p["name"]: p["value"] for p in ancestor["properties"]} == {"modellake:relation": "finetune", "modellake:status": "pending"}
    missing = CliRunner().invoke(main, ["export-bom", "acme/nobody"])
    assert missing.exit_code == 2 and "acme/nobody" in missing.output
