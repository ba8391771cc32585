"""SARIF 2.1.0: one reportingDescriptor per rule, one result per failed, warned, errored, unverified or waived
finding, located at the card line of the claim. Unverified findings are `note` results with
`properties.unverified: true` and what would settle them. Waived findings carry an accepted external
suppression whose justification is the waiver's reason. Passing and not-applicable rules are listed as
rules, not results.
"""
from __future__ import annotations

import json
from urllib.parse import quote

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"info": "note", "low": "note", "medium": "warning", "high": "error", "critical": "error"}
# GitHub code scanning reads `security-severity` (0-10) to rank alerts.
SECURITY_SEVERITY = {"info": "1.0", "low": "3.0", "medium": "5.0", "high": "7.5", "critical": "9.5"}
REPORTED = ("fail", "warn", "error", "unverified", "waived")
# the result level by outcome, where the outcome (not the severity) decides it
OUTCOME_LEVELS = {"error": "error", "unverified": "note"}


def sarif_log(review) -> dict:
    return _log(_run([review], f"modellake-audit/{review.target}", _review_properties(review)))


def render_sarif(review) -> str:
    return _dump(sarif_log(review))


def render_combined_sarif(reviews: list) -> str:
    """One SARIF run for several cards (one upload to code scanning): each rule described once, every card's results."""
    return _dump(_log(_run(reviews, "modellake-audit", {"targets": [{"target": review.target} | _review_properties(review) for review in reviews]})))


def _log(run: dict) -> dict:
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _run(reviews: list, automation_id: str, properties: dict) -> dict:
    described = {}
    for review in reviews:
        described |= {finding.rule_id: finding for finding in review.findings if finding.rule_id not in described}
    rules = sorted(described.values(), key=lambda finding: finding.rule_id)
    index = {finding.rule_id: position for position, finding in enumerate(rules)}
    return {
        "tool": {"driver": {"name": "modellake", "informationUri": "https://github.com/modellake/modellake",
                            "rules": [_descriptor(finding) for finding in rules]}},
        "automationDetails": {"id": automation_id},
        "results": [_result(finding, index[finding.rule_id], review) for review in reviews for finding in review.findings
                    if finding.outcome in REPORTED],
        "properties": properties,
    }


def _review_properties(review) -> dict:
    return {"verdict": review.verdict, "inputs_digest": review.inputs_digest, "as_of": review.as_of}


def _dump(log: dict) -> str:
    return json.dumps(log, indent=2, ensure_ascii=False, default=str) + "\n"


def _descriptor(finding) -> dict:
    return {"id": finding.rule_id, "name": finding.title, "shortDescription": {"text": finding.title},
            "help": {"text": finding.remediation}, "defaultConfiguration": {"level": LEVELS[finding.severity]},
            "properties": {"severity": finding.severity, "pack": finding.pack, "security-severity": SECURITY_SEVERITY[finding.severity],
                           "source": finding.rule_source}}


def _result(finding, rule_index: int, review) -> dict:
    result = {"ruleId": finding.rule_id, "ruleIndex": rule_index, "level": OUTCOME_LEVELS.get(finding.outcome, LEVELS[finding.severity]),
              "message": {"text": finding.message}, "locations": [_location(finding, review)],
              "properties": {"outcome": finding.outcome, "severity": finding.severity, "target": finding.target,
                             "unverified": finding.outcome == "unverified",
                             "evidence": json.loads(json.dumps(finding.evidence, default=str))}}
    if finding.waiver:
        waiver = finding.waiver
        result["suppressions"] = [] if waiver["expired"] else [{
            "kind": "external", "status": "accepted", "justification": waiver["reason"],
            "properties": {key: waiver[key] for key in ("approved_by", "ticket", "expires_at", "source")}}]
    return result


def _location(finding, review) -> dict:
    source = finding.evidence.get("source") or {}
    physical = {"artifactLocation": {"uri": quote((source.get("file") or review.card_source).replace("\\", "/"))}}
    if source.get("line"):
        physical["region"] = {"startLine": source["line"], "startColumn": source.get("column") or 1}
    return {"physicalLocation": physical, "logicalLocations": [{"name": source.get("path") or review.target, "kind": "member"}]}
