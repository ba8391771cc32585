"""The automatic review: rules x context -> Findings -> one Review, the decision every door and report reads.

Context given to every rule: {"card": card.data, "facts": facts dict or {}, "evals": rerun records,
"lineage": {"parents": [...]}, "now": review date}. Same inputs -> same Review: findings are ordered by
rule id, and the only clock is `as_of`, which is itself an input.

Fail closed: a rule that applies but whose evidence is missing is `unverified`, and no card is approved
while a rule at or above the gate (`fail_on`, never above high) is unverified.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from engine.cards import Card
from engine.digests import json_digest
from engine.evals.records import with_unrun_claims
from engine.policy.check import ERROR, FAIL, NOT_APPLICABLE, PASS, UNVERIFIED, Check
from engine.policy.messages import render_message
from engine.policy.operators import evaluate_condition
from engine.policy.packs import PolicyPack, Rule, load_policies
from engine.policy.paths import SETTLED_BY, Scope, card_path, dotted
from engine.policy.selectors import applies
from engine.policy.severity import SEVERITIES, rank
from engine.policy.waivers import Waiver, waivers_digest

WARN, WAIVED = "warn", "waived"
OUTCOMES = (PASS, FAIL, WARN, UNVERIFIED, NOT_APPLICABLE, WAIVED, ERROR)
VIOLATIONS = frozenset({FAIL, WARN, ERROR})  # what --fail-on counts; an error fails closed
WAIVABLE = frozenset({FAIL, WARN, UNVERIFIED})  # a waiver may accept a failure or evidence that cannot be had
VERDICTS = ("approved", "changes_requested", "rejected", "needs_human_review")


@dataclass(frozen=True)
class VerdictRow:
    """A row fires when a finding has one of `outcomes` at or above `min_severity` (lowered to the gate's `fail_on`
    when `gate_lowers`), or the card's risk tier is in `risk_tiers`."""

    verdict: str
    outcomes: frozenset = frozenset()
    min_severity: str = "info"
    risk_tiers: frozenset = frozenset()
    why: str = ""
    gate_lowers: bool = False

    def threshold(self, fail_on: str) -> int:
        return min(rank(self.min_severity), rank(fail_on)) if self.gate_lowers else rank(self.min_severity)


# First row that fires decides; none -> approved.
VERDICT_TABLE = (
    VerdictRow("rejected", frozenset({FAIL}), "critical", why="a critical rule failed"),
    VerdictRow("changes_requested", frozenset({FAIL}), "medium", why="a medium or high rule failed"),
    VerdictRow("needs_human_review", frozenset({ERROR}), "info", why="a rule could not be evaluated"),
    VerdictRow("needs_human_review", frozenset({UNVERIFIED}), "high", gate_lowers=True,
               why="a rule at or above the gate could not be checked: its evidence is missing"),
    VerdictRow("needs_human_review", risk_tiers=frozenset({"high", "unacceptable"}), why="high-risk models always get a human reviewer"),
)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    pack: str
    title: str
    severity: str
    outcome: str
    message: str
    remediation: str
    target: str
    evidence: dict
    rule_source: str
    waiver: dict | None = None

    def to_dict(self) -> dict:
        return {"rule_id": self.rule_id, "pack": self.pack, "title": self.title, "severity": self.severity, "outcome": self.outcome,
                "message": self.message, "remediation": self.remediation, "target": self.target, "evidence": self.evidence,
                "rule_source": self.rule_source, "waiver": self.waiver}


@dataclass(frozen=True)
class Review:
    name: str
    version: str
    card_source: str
    verdict: str
    verdict_reason: str
    risk_tier: str | None
    as_of: str
    findings: tuple[Finding, ...]
    policies: tuple[dict, ...]
    waivers: tuple[dict, ...]
    lineage: dict
    inputs: dict
    inputs_digest: str = field(default="")

    @property
    def target(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def waived(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.outcome == WAIVED]

    @property
    def reported(self) -> list[Finding]:
        """Every finding except the waived ones, which reports list separately."""
        return [finding for finding in self.findings if finding.outcome != WAIVED]

    def counts(self) -> dict[str, int]:
        return {outcome: sum(1 for f in self.findings if f.outcome == outcome) for outcome in OUTCOMES}

    def violations(self, fail_on: str = "high") -> list[Finding]:
        return [f for f in self.findings if f.outcome in VIOLATIONS and rank(f.severity) >= rank(fail_on)]

    def unverified(self, fail_on: str = "info") -> list[Finding]:
        """Rules at or above `fail_on` that apply but could not be checked, each saying what would settle it."""
        return [f for f in self.findings if f.outcome == UNVERIFIED and rank(f.severity) >= rank(fail_on)]

    def exit_code(self, fail_on: str = "high", *, allow_unverified: bool = False) -> int:
        """0 when nothing at or above `fail_on` failed or went unchecked, 1 otherwise; `allow_unverified` is the
        explicit opt-out for unchecked rules (tool errors, exit 2, are raised, not reviewed)."""
        blocked = self.violations(fail_on) or (not allow_unverified and self.unverified(fail_on))
        return 1 if blocked else 0

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "target": self.target, "card": self.card_source, "verdict": self.verdict,
                "verdict_reason": self.verdict_reason, "risk_tier": self.risk_tier, "as_of": self.as_of, "summary": self.counts(),
                "findings": [f.to_dict() for f in self.reported], "waived": [f.to_dict() for f in self.waived],
                "lineage": self.lineage, "policies": list(self.policies), "waivers": list(self.waivers),
                "inputs": self.inputs, "inputs_digest": self.inputs_digest}


def build_context(card: Card, facts: dict | None, evals: list[dict] | None, lineage: dict | None, now: dt.date) -> dict:
    from engine.claims.claimed import claimed_for

    claimed, variant = claimed_for(card.data, facts)
    # Every claim that names a harness has a record, a `not_run` one when no rerun covered it: unchecked claims stay visible.
    return {"card": card.data, "facts": facts or {}, "evals": with_unrun_claims(card.data, evals),
            "lineage": {"parents": list((lineage or {}).get("parents", []))}, "now": now, "claimed": claimed, "variant": variant}


def review_card(card: Card, facts: dict | None = None, evals: list[dict] | None = None, lineage: dict | None = None, *,
                packs: list[PolicyPack] | None = None, waivers: list[Waiver] = (), now: dt.date | None = None,
                fail_on: str = "high") -> Review:
    """Evaluate every rule of `packs` (default: policies/) on one card and its evidence; decide the verdict.

    `fail_on` is the gate's severity: an unverified rule at or above it (or above high) keeps the verdict from approved."""
    packs = load_policies() if packs is None else packs
    now = now or dt.date.today()
    context = build_context(card, facts, evals, lineage, now)
    scope = Scope(context)
    rules = sorted((rule for pack in packs for rule in pack.rules), key=lambda rule: rule.id)
    findings = tuple(apply_waivers(judge_rule(rule, scope, card), waivers, card, now) for rule in rules)
    risk_tier = (card.data.get("governance") or {}).get("risk_tier")
    verdict, reason = decide_verdict(findings, risk_tier, fail_on)
    inputs = {"gate": fail_on, "card": card.digest, "facts": json_digest(facts) if facts else None, "evals": json_digest(evals) if evals else None,
              "lineage": json_digest(context["lineage"]), "policies": {pack.name: pack.digest for pack in packs},
              "waivers": waivers_digest(list(waivers)), "as_of": now.isoformat()}
    return Review(card.name, card.version, card.source, verdict, reason, risk_tier, now.isoformat(), findings,
                  tuple(pack.to_dict() for pack in packs), tuple(w.to_dict() for w in waivers), context["lineage"], inputs, json_digest(inputs))


def judge_rule(rule: Rule, scope: Scope, card: Card) -> Finding:
    """One rule on one card: selector, condition, outcome by severity, message and evidence."""
    selected, why_not = applies(rule.select, scope)
    if not selected:
        check = Check(NOT_APPLICABLE, f"not applicable: {why_not}")
    else:
        try:
            check = evaluate_condition(rule.condition, scope)
        except Exception as error:  # a rule must never take the review down; it reports itself as an error
            check = Check(ERROR, f"{type(error).__name__}: {error}")
    severity = rule.severity_for(scope)
    outcome = SEVERITIES[severity].failure_outcome if check.outcome == FAIL else check.outcome
    if outcome in (FAIL, WARN, ERROR):
        fields = {"claimed": check.claimed, "observed": check.observed, "tolerance": check.tolerance, "reason": check.reason,
                  "target": card.ref, "rule": rule.id}
        message = render_message(rule.message, fields) if outcome != ERROR else f"could not evaluate: {check.reason}"
        message = _stated_in_readme(check, scope) + message
    else:
        message = check.reason
    return Finding(rule.id, rule.pack, rule.title, severity, outcome, message, rule.remediation, card.ref,
                   evidence_of(check, scope, card), rule.source)


def _claimed_entry(check: Check, scope: Scope) -> dict | None:
    if check.location and check.location[0] == "claimed":
        entry = scope.resolve(check.location[:2])
        return entry if isinstance(entry, dict) else None
    return None


def _stated_in_readme(check: Check, scope: Scope) -> str:
    """'README.md:10 says '1.1 billion parameters': ' when the claim is a README statement."""
    entry = _claimed_entry(check, scope)
    if not entry or "span" not in entry:
        return ""
    row = f" (the row for {entry['variant']}, chosen because {entry['chosen_by']})" if entry.get("variant") else ""
    return f"{entry['file']}:{entry['line']} says '{entry['span']}'{row}: "


def evidence_of(check: Check, scope: Scope, card: Card) -> dict:
    """The values that decided, the card line of the claim, and where the fact or rerun came from."""
    evidence = {"claimed": _plain(check.claimed), "observed": _plain(check.observed), "tolerance": check.tolerance, "reason": check.reason,
                "source": None, "fact": None}
    if check.outcome == UNVERIFIED and check.needs:
        evidence["missing"] = dotted(check.needs)
        evidence["settled_by"] = SETTLED_BY.get(str(check.needs[0]), "the evidence the rule reads")
    location = check.location
    if check.fact and check.fact[0] == "evals":
        run = scope.resolve(check.fact) or {}
        evidence["fact"] = {"path": dotted(check.fact), "rerun": run.get("evidence")}
        index = (run.get("evidence") or {}).get("evaluation_index")
        location = ("card", "evaluations", index, "value") if index is not None else location
    elif check.fact:
        sources = scope.values["facts"].get("sources") or {}
        evidence["fact"] = {"path": dotted(check.fact), "source": sources.get(str(check.fact[1])) if len(check.fact) > 1 else None}
    entry = _claimed_entry(check, scope)
    if entry is not None and "span" in entry:
        evidence["source"] = {"file": entry["file"], "path": dotted(check.location), "line": entry["line"], "column": 1, "span": entry["span"],
                              "rule": entry["rule"], "variant": entry.get("variant"), "chosen_by": entry.get("chosen_by")}
        return evidence
    location = tuple(entry["path"]) if entry is not None else location
    inside = card_path(location) if location else None
    if inside is not None:
        position = card.locate(inside)
        evidence["source"] = {"file": card.source, "path": dotted(inside), "line": position[0] if position else None,
                              "column": position[1] if position else None}
    return evidence


def _plain(value: object) -> object:
    """Evidence is JSON-native: the review date (the only non-JSON value in a context) becomes ISO text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def apply_waivers(finding: Finding, waivers: list[Waiver], card: Card, today: dt.date) -> Finding:
    """An active waiver turns a failure, warning or unverified rule into `waived`; an expired one keeps it and says so."""
    if finding.outcome not in WAIVABLE:
        return finding
    for waiver in waivers:
        if waiver.covers(finding.rule_id, card.name, card.version):
            record = waiver.to_dict() | {"expired": waiver.expired(today)}
            if record["expired"]:
                note = f" (waiver{' ' + waiver.ticket if waiver.ticket else ''} expired on {waiver.expires_at})"
                return replace(finding, message=finding.message + note, waiver=record)
            return replace(finding, outcome=WAIVED, waiver=record)
    return finding


def decide_verdict(findings: tuple[Finding, ...], risk_tier: str | None, fail_on: str = "high") -> tuple[str, str]:
    """The first row of VERDICT_TABLE that fires, with the rules that made it fire; none -> approved."""
    for row in VERDICT_TABLE:
        fired = [f.rule_id for f in findings if f.outcome in row.outcomes and rank(f.severity) >= row.threshold(fail_on)]
        if fired:
            return row.verdict, f"{row.why}: {', '.join(fired[:6])}{' ...' if len(fired) > 6 else ''}"
        if risk_tier in row.risk_tiers:
            return row.verdict, row.why
    return "approved", "no rule at medium or above failed, and every rule at or above the gate was checked"
