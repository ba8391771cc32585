"""JUnit XML: one test suite per reviewed model, one test case per rule (classname = the model).

fail -> failure, error -> error, unverified / not_applicable / waived -> skipped (with why; an unverified
rule says what evidence would settle it), warn -> passed with the warning in system-out, so CI test views
show every rule and whether it was checked.
"""
from __future__ import annotations

from junit_xml import TestCase, TestSuite, to_xml_report_string


def render_junit(review) -> str:
    cases = []
    for finding in review.findings:
        case = TestCase(finding.rule_id, classname=review.target, file=review.card_source,
                        line=(finding.evidence.get("source") or {}).get("line"))
        detail = f"{finding.message}\nseverity: {finding.severity}\nremediation: {finding.remediation}"
        if finding.outcome == "fail":
            case.add_failure_info(message=finding.message, output=detail, failure_type=finding.severity)
        elif finding.outcome == "error":
            case.add_error_info(message=finding.message, output=detail, error_type="evaluation")
        elif finding.outcome == "unverified":
            settle = finding.evidence.get("settled_by")
            case.add_skipped_info(message=f"unverified: {finding.message}" + (f"; would be settled by {settle}" if settle else ""))
        elif finding.outcome == "not_applicable":
            case.add_skipped_info(message=finding.message)
        elif finding.outcome == "waived":
            case.add_skipped_info(message=f"waived: {finding.waiver['reason']} ({finding.waiver.get('ticket') or 'no ticket'})")
        elif finding.outcome == "warn":
            case.stdout = f"warning: {detail}"
        cases.append(case)
    suite = TestSuite(f"modellake audit {review.target}", cases, properties={"verdict": review.verdict, "inputs_digest": review.inputs_digest})
    return to_xml_report_string([suite], encoding="utf-8")
