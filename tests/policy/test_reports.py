"""Renderers: SARIF against the official 2.1.0 schema, JUnit parsed back, PDF text, golden JSON/Markdown, CycloneDX."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from junitparser import JUnitXml

from engine.cards import load_card
from engine.policy.waivers import load_waivers
from engine.reports import REPORT_FORMATS, render_report
from engine.governance.review import review_card
from tests.policy.cards import GOOD_FACTS, TODAY

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
CARD = "tests/policy/data/violating-card.yaml"


@pytest.fixture
def review(monkeypatch):
    monkeypatch.chdir(REPO)
    facts = dict(GOOD_FACTS, parameters=22713216)
    return review_card(load_card(CARD), facts, waivers=load_waivers("tests/policy/data/waivers.yaml"), now=TODAY)


def _render(review, name):
    return render_report(review, REPORT_FORMATS[name])


def test_sarif_validates_and_locates_findings(review):
    log = json.loads(_render(review, "sarif"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert set(results) == {"claims.parameters", "data.gdpr-dua", "license.allowed", "evaluations.rerun-required",  # + what the audit
                            "lineage.base-approved", "lineage.relation-verified", "evaluations.reruns-agree"}  # could not check:
    unchecked = results["evaluations.reruns-agree"]
    assert unchecked["level"] == "note" and unchecked["properties"]["unverified"] is True
    assert "rerun" in unchecked["properties"]["evidence"]["settled_by"]
    claim = results["claims.parameters"]
    assert claim["level"] == "error"
    assert claim["message"]["text"] == "The card claims 30,000,000 parameters; the weights hold 22,713,216 (tolerance 0.01 relative (1%))"
    assert claim["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": CARD}, "region": {"startLine": 16, "startColumn": 15}}
    assert results["license.allowed"]["suppressions"] == [{
        "kind": "external", "status": "accepted", "justification": "Internal research use only; legal cleared it.",
        "properties": {"approved_by": "Legal", "ticket": "GOV-42", "expires_at": "2026-12-31", "source": "tests/policy/data/waivers.yaml:2"}}]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results.values())


def test_junit_one_case_per_rule_parsed_back(review, tmp_path):
    path = tmp_path / "audit.xml"
    path.write_text(_render(review, "junit"))
    suites = list(JUnitXml.fromfile(str(path)))
    cases = {case.name: case for case in suites[0]}
    assert len(cases) == len(review.findings) == 50
    assert cases["evaluations.reruns-agree"].result[0].message.startswith("unverified: ")
    assert {case.classname for case in cases.values()} == {"acme/ticket-embedder@2.0.0"}
    failure = cases["claims.parameters"].result[0]
    assert (type(failure).__name__, failure.type) == ("Failure", "high")
    assert "30,000,000" in failure.message and "22,713,216" in failure.message
    assert type(cases["license.allowed"].result[0]).__name__ == "Skipped"
    assert "waived: Internal research use only" in cases["license.allowed"].result[0].message
    assert cases["claims.layers"].is_passed


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_is_a_readable_audit_report(review, tmp_path):
    path = tmp_path / "audit.pdf"
    path.write_bytes(_render(review, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("Model Lake audit: acme/ticket-embedder@2.0.0", "Verdict: rejected", "claims.parameters", "30000000", "22713216",
                     "Evidence", "Lineage", "Waivers", "GOV-42", "Policy versions", "Input digests", review.inputs_digest[:32]):
        assert expected in text, expected


def test_weasyprint_is_not_imported_for_text_formats(review):
    code = ("import sys; from engine.reports import REPORT_FORMATS, render_report; from tests.policy.cards import evidence, review_of; "
            "[render_report(review_of(evidence()), REPORT_FORMATS[n]) for n in ('json','sarif','junit','md','html')]; print('weasyprint' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("name, golden", [("json", "review.json"), ("md", "review.md")])
def test_whole_output_matches_golden(review, name, golden):
    output = _render(review, name)
    path = DATA / "golden" / golden
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(output)
    assert output == path.read_text()


def test_cyclonedx_bom_validates(monkeypatch):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    from engine.reports.cyclonedx import build_bom

    monkeypatch.chdir(REPO)
    lineage = {"parents": [{"name": "acme/base", "version": "1.0.0", "status": "approved", "relation": "finetune", "verified": True}]}
    bom = build_bom(load_card(CARD), GOOD_FACTS, lineage)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(bom), all_errors=True) is None
    component = bom["components"][0]
    assert (component["type"], component["name"], component["version"]) == ("machine-learning-model", "acme/ticket-embedder", "2.0.0")
    assert component["pedigree"]["ancestors"][0]["bom-ref"] == "acme/base@1.0.0"
    assert component["modelCard"]["modelParameters"]["task"] == "sentence-similarity"
    assert component["modelCard"]["quantitativeAnalysis"]["performanceMetrics"] == [{"type": "spearman", "value": "0.9", "slice": "modellake/sts-pairs/test"}]
