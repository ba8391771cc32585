"""The verdict table, for every combination of outcome and severity: nothing unchecked at or above the gate is approved."""
from __future__ import annotations

import pytest

from engine.governance.review import OUTCOMES, Finding, Review, decide_verdict
from engine.policy.severity import SEVERITY_NAMES


def _finding(outcome: str, severity: str) -> Finding:
    return Finding("r.rule", "r", "a rule", severity, outcome, "message", "remediation", "m@1", {}, "policies/r.yaml:1")


# (outcome, severity) -> verdict with the default gate (high). Written out, not derived: this IS the contract.
EXPECTED = {
    ("fail", "critical"): "rejected", ("fail", "high"): "changes_requested", ("fail", "medium"): "changes_requested",
    ("fail", "low"): "approved", ("fail", "info"): "approved",
    ("error", "critical"): "needs_human_review", ("error", "high"): "needs_human_review", ("error", "medium"): "needs_human_review",
    ("error", "low"): "needs_human_review", ("error", "info"): "needs_human_review",
    ("unverified", "critical"): "needs_human_review", ("unverified", "high"): "needs_human_review",
    ("unverified", "medium"): "approved", ("unverified", "low"): "approved", ("unverified", "info"): "approved",
} | {(outcome, severity): "approved" for outcome in ("pass", "warn", "not_applicable", "waived") for severity in SEVERITY_NAMES}

# (outcome, severity) -> exit code of `audit --fail-on high`, and with --allow-unverified
EXIT = {key: 1 if key[0] in ("fail", "warn", "error", "unverified") and key[1] in ("high", "critical") else 0 for key in EXPECTED}
EXIT_ALLOWING = {key: 0 if key[0] == "unverified" else code for key, code in EXIT.items()}


def test_the_table_covers_every_outcome_and_severity():
    assert set(EXPECTED) == {(outcome, severity) for outcome in OUTCOMES for severity in SEVERITY_NAMES}


@pytest.mark.parametrize("outcome, severity", sorted(EXPECTED))
def test_verdict_of_one_finding(outcome, severity):
    verdict, reason = decide_verdict((_finding(outcome, severity),), risk_tier="limited")
    assert verdict == EXPECTED[outcome, severity]
    if verdict != "approved":
        assert reason.endswith(": r.rule")  # the reason names the rule that decided


@pytest.mark.parametrize("outcome, severity", sorted(EXPECTED))
def test_exit_code_of_one_finding(outcome, severity):
    review = Review("m", "1", "card.yaml", "", "", None, "2026-12-01", (_finding(outcome, severity),), (), (), {}, {})
    assert review.exit_code("high") == EXIT[outcome, severity]
    assert review.exit_code("high", allow_unverified=True) == EXIT_ALLOWING[outcome, severity]


@pytest.mark.parametrize("gate, severity, verdict", [
    ("low", "low", "needs_human_review"),        # a lower gate lowers the bar for unchecked rules
    ("medium", "medium", "needs_human_review"),
    ("medium", "low", "approved"),
    ("critical", "high", "needs_human_review"),  # a higher gate never lets an unchecked high rule through
    ("critical", "medium", "approved"),
])
def test_the_gate_moves_the_unverified_row_down_never_up(gate, severity, verdict):
    assert decide_verdict((_finding("unverified", severity),), "limited", gate)[0] == verdict


def test_high_risk_needs_a_human_even_when_everything_passed():
    assert decide_verdict((_finding("pass", "high"),), "high")[0] == "needs_human_review"
