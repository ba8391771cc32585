"""The Review: verdict table, waivers (active, expired), determinism, exit codes, JSON."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from engine.policy.waivers import Waiver
from tests.policy.cards import evidence, review_of
from tests.policy.test_default_rules import VIOLATIONS

DATA = Path(__file__).parent / "data"


def _violating(*rule_ids):
    inputs = evidence()
    for rule_id in rule_ids:
        VIOLATIONS[rule_id](inputs)
    return inputs


@pytest.mark.parametrize("rule_ids, verdict", [
    ((), "approved"),
    (("completeness.limitations",), "approved"),          # low: reported, not blocking
    (("evaluations.sample-count",), "approved"),          # info: a warning
    (("completeness.description",), "changes_requested"),  # medium
    (("claims.parameters",), "changes_requested"),        # high
    (("claims.parameters", "data.gdpr-dua"), "rejected"),  # critical wins
    (("risk.high.bias-evidence",), "changes_requested"),   # high-risk and a failure
])
def test_verdict_table(rule_ids, verdict):
    assert review_of(_violating(*rule_ids)).verdict == verdict


def test_high_risk_needs_a_human():
    inputs = evidence()
    inputs["card"]["governance"]["risk_tier"] = "high"
    review = review_of(inputs)
    assert (review.verdict, review.verdict_reason) == ("needs_human_review", "high-risk models always get a human reviewer")


@pytest.mark.parametrize("fail_on, code", [("info", 1), ("low", 1), ("medium", 1), ("high", 0), ("critical", 0)])
def test_exit_code_by_threshold(fail_on, code):
    assert review_of(_violating("completeness.description", "completeness.limitations")).exit_code(fail_on) == code


def test_warnings_count_only_at_info():
    review = review_of(_violating("evaluations.sample-count"))
    assert (review.exit_code("info"), review.exit_code("low")) == (1, 0)


def _waiver(expires_at):
    return Waiver("claims.parameters", "acme/good-model@1.0.0", "Count excludes the pooling head; fixed in 1.1", "Legal", "GOV-7", expires_at)


def test_active_waiver_waives_and_is_reported_separately():
    review = review_of(_violating("claims.parameters"), waivers=[_waiver("2026-06-01")])
    finding = review.waived[0]
    assert (finding.rule_id, finding.outcome, finding.waiver["expired"]) == ("claims.parameters", "waived", False)
    assert review.verdict == "approved" and review.exit_code("info") == 0
    data = review.to_dict()
    assert [f["rule_id"] for f in data["waived"]] == ["claims.parameters"]
    assert "claims.parameters" not in [f["rule_id"] for f in data["findings"]]


def test_expired_waiver_fails_again_and_says_so():
    review = review_of(_violating("claims.parameters"), waivers=[_waiver("2026-05-31")])
    finding = next(f for f in review.findings if f.rule_id == "claims.parameters")
    assert finding.outcome == "fail" and finding.waiver["expired"] is True
    assert finding.message == ("The card claims 22,713,216 parameters; the weights hold 33,000,000 (tolerance 0.01 relative (1%))"
                               " (waiver GOV-7 expired on 2026-05-31)")
    assert review.exit_code("high") == 1


def test_waiver_by_name_covers_every_version_and_not_other_models():
    inputs = _violating("claims.parameters")
    assert review_of(inputs, waivers=[Waiver("claims.parameters", "acme/good-model", "r")]).waived
    assert not review_of(inputs, waivers=[Waiver("claims.parameters", "acme/other", "r")]).waived
    assert not review_of(inputs, waivers=[Waiver("claims.layers", "acme/good-model", "r")]).waived


def test_same_inputs_same_review():
    first = review_of(_violating("claims.parameters", "data.gdpr-dua"))
    second = review_of(_violating("claims.parameters", "data.gdpr-dua"))
    assert first.to_dict() == second.to_dict()
    assert [f.rule_id for f in first.findings] == sorted(f.rule_id for f in first.findings)


def test_inputs_digest_covers_each_input():
    base = review_of(evidence())
    changed_facts = evidence()
    changed_facts["facts"]["metadata"] = {"x": 1}
    assert review_of(changed_facts).inputs["facts"] != base.inputs["facts"]
    assert review_of(evidence(), now=dt.date(2026, 6, 2)).inputs_digest != base.inputs_digest
    with_waiver = review_of(evidence(), waivers=[_waiver(None)])
    assert with_waiver.inputs["waivers"] != base.inputs["waivers"] and with_waiver.inputs["card"] == base.inputs["card"]


def test_finding_evidence_for_a_false_claim():
    review = review_of(_violating("claims.parameters"))
    finding = next(f for f in review.findings if f.rule_id == "claims.parameters")
    assert finding.evidence == {
        "claimed": 22713216, "observed": 33000000, "tolerance": "0.01 relative (1%)",
        "reason": "claimed 22,713,216 does not match observed 33,000,000 (tolerance 0.01 relative (1%))",
        "source": {"file": "cards/good.yaml", "path": "claims.parameters", "line": None, "column": None},
        "fact": {"path": "facts.parameters", "source": "model.safetensors: sum of 101 tensor shapes"},
    }


def test_review_to_dict_is_json():
    data = json.loads(json.dumps(review_of(_violating("claims.parameters")).to_dict()))
    assert data["verdict"] == "changes_requested" and data["summary"]["fail"] == 1
    assert set(data) == {"name", "version", "target", "card", "verdict", "verdict_reason", "risk_tier", "as_of", "summary", "findings",
                         "waived", "lineage", "policies", "waivers", "inputs", "inputs_digest"}


def test_a_rerun_error_leaves_the_claim_unchecked_and_fails_rerun_required():
    inputs = evidence()
    inputs["evals"][0] |= {"status": "error", "observed": None, "error": "harness timed out after 600 s"}
    review = review_of(inputs)
    findings = {f.rule_id: f for f in review.findings}
    assert findings["evaluations.rerun-required"].outcome == "fail" and "harness timed out" in findings["evaluations.rerun-required"].message
    assert findings["evaluations.rerun-required"].evidence["source"]["path"] == "evaluations.0.value"  # the claim's card line
    assert findings["evaluations.reruns-agree"].outcome == "error"  # the harness failed: nothing observed to agree with
    assert review.verdict == "changes_requested" and review.exit_code("high") == 1


@pytest.mark.parametrize("tier", ["minimal", "low", "limited", "medium", "high", "unacceptable", None])
@pytest.mark.parametrize("status", ["pass", "fail", "none", "error", "refused", "not_comparable", "no_harness_claims"])
def test_rerun_required_by_tier_and_status(tier, status):
    """tests/policy/data/rerun-required.yaml: the outcome by rerun status, the severity by risk tier."""
    table = yaml.safe_load((DATA / "rerun-required.yaml").read_text())
    expected = next(case for case in table["cases"] if case["status"] == status)
    inputs = evidence()
    inputs["card"]["governance"]["risk_tier"] = tier
    if tier is None:
        del inputs["card"]["governance"]["risk_tier"]
    if status == "none":
        inputs["evals"] = []
    elif status == "no_harness_claims":
        inputs["evals"] = []
        del inputs["card"]["evaluations"][0]["harness"]
    else:
        inputs["evals"][0] |= {"status": status, "error": "why" if status in ("error", "refused") else None}
    finding = next(f for f in review_of(inputs).findings if f.rule_id == "evaluations.rerun-required")
    assert finding.outcome == expected["outcome"]
    assert finding.severity == table["severity_by_tier"][tier]


@pytest.mark.parametrize("case", yaml.safe_load((DATA / "rerun-required.yaml").read_text())["agree"], ids=str)
def test_reruns_agree_is_never_passed_while_a_claim_was_not_rerun(case):
    inputs = evidence()
    claim = inputs["card"]["evaluations"][0]
    inputs["card"]["evaluations"] = [dict(claim) for _ in case["statuses"]]
    inputs["evals"] = [dict(inputs["evals"][0], status=status, evidence={"harness": "sentence-similarity", "evaluation_index": index})
                       for index, status in enumerate(case["statuses"]) if status != "none"]
    finding = next(f for f in review_of(inputs).findings if f.rule_id == "evaluations.reruns-agree")
    assert finding.outcome == case["outcome"]
