"""`modellake audit` / `policies` / `export-bom`: no server or database, documented exit codes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main

REPO = Path(__file__).resolve().parents[2]
CARD = "tests/policy/data/violating-card.yaml"
WAIVERS = "tests/policy/data/waivers.yaml"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("args, code", [
    ((CARD, "--waivers", WAIVERS, "--as-of", "2026-06-01"), 1),                           # critical GDPR failure
    ((CARD, "--waivers", WAIVERS, "--as-of", "2026-06-01", "--fail-on", "critical"), 1),
    ((CARD, "--as-of", "2026-06-01", "--fail-on", "critical"), 1),
    (("model_cards/acme-contract-summarizer.yaml", "--fail-on", "critical"), 1),             # no files: the pickle gate is unverified
    (("model_cards/acme-contract-summarizer.yaml", "--fail-on", "critical", "--allow-unverified"), 0),
    (("model_cards/acme-contract-summarizer.yaml", "--fail-on", "high"), 1),
    ((CARD, "--format", "json,sarif"), 2),                                                 # several formats need --out
    ((CARD, "--format", "yaml"), 2),
])
def test_exit_codes(args, code):
    assert _run("audit", *args).exit_code == code


def test_writes_every_format(tmp_path):
    result = _run("audit", CARD, "--waivers", WAIVERS, "--as-of", "2026-06-01", "--format", "json,sarif,junit,md,html,pdf", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"modellake-audit.{ext}" for ext in ("json", "sarif", "junit.xml", "md", "html", "pdf"))
    assert json.loads((tmp_path / "modellake-audit.json").read_text())["verdict"] == "rejected"


def test_single_text_format_goes_to_stdout():
    result = CliRunner().invoke(main, ["audit", CARD, "--as-of", "2026-06-01", "--format", "json"])
    assert json.loads(result.stdout)["target"] == "acme/ticket-embedder@2.0.0"


def test_malformed_policy_is_a_tool_error(tmp_path):
    (tmp_path / "bad.yaml").write_text('pack: bad\nversion: "1"\ntitle: B\nrules:\n  - id: b\n    severity: urgent\n')
    result = CliRunner().invoke(main, ["audit", CARD, "--policies", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'bad.yaml'}:6:15 rules[0].severity: unallowed value urgent" in result.stderr


def test_policies_lists_rules():
    rules = [rule["id"] for pack in json.loads(_run("policies", "--json").stdout) for rule in pack["rules"]]
    assert "claims.parameters" in rules and len(rules) == 50


def test_export_bom():
    bom = json.loads(_run("export-bom", CARD).stdout)
    assert bom["specVersion"] == "1.6" and bom["components"][0]["type"] == "machine-learning-model"


def test_a_card_with_claims_and_no_files_fails_closed_and_allow_unverified_lists_what_was_not_checked():
    closed = _run("audit", "model_cards/acme-contract-summarizer.yaml", "--fail-on", "critical")
    assert closed.exit_code == 1
    assert "unverified [critical] security.no-unsafe-pickle: needs facts.security.findings" in closed.stdout
    opened = _run("audit", "model_cards/acme-contract-summarizer.yaml", "--fail-on", "critical", "--allow-unverified", "--format", "json")
    assert opened.exit_code == 0
    report = json.loads(opened.stdout)
    assert report["verdict"] == "changes_requested"  # what did fail still fails; only the exit code opted out
    unverified = {f["rule_id"]: f["evidence"] for f in report["findings"] if f["outcome"] == "unverified"}
    assert {"claims.parameters", "claims.layers", "security.no-unsafe-pickle", "evaluations.reruns-agree"} <= set(unverified)
    assert unverified["claims.parameters"]["missing"] == "facts.parameters"


def test_audit_reads_the_cards_own_artifacts_and_names_a_missing_one(tmp_path):
    import shutil

    from safetensors.numpy import save_file
    import numpy as np

    (tmp_path / "weights").mkdir()
    save_file({"embeddings.weight": np.zeros((10, 4), dtype=np.float32)}, str(tmp_path / "weights" / "model.safetensors"))
    card = (REPO / "model_cards/acme-contract-summarizer.yaml").read_text().replace(
        "claims:\n  architecture: bert\n  parameters: 22713216\n  layers: 6\n  hidden_size: 384\n  dtype: float32\n",
        "claims:\n  parameters: 40\nartifacts:\n  - {path: weights/model.safetensors}\n  - {path: weights/missing.bin}\n")
    (tmp_path / "card.yaml").write_text(card)
    report = json.loads(_run("audit", str(tmp_path / "card.yaml"), "--format", "json").stdout)
    outcomes = {f["rule_id"]: f for f in report["findings"]}
    assert outcomes["claims.parameters"]["outcome"] == "pass"  # read from weights/model.safetensors, relative to the card
    assert outcomes["security.artifacts-present"]["outcome"] == "fail"
    assert "weights/missing.bin" in outcomes["security.artifacts-present"]["message"]
    shutil.rmtree(tmp_path / "weights")
    gone = {f["rule_id"]: f for f in json.loads(_run("audit", str(tmp_path / "card.yaml"), "--format", "json").stdout)["findings"]}
    assert gone["claims.parameters"]["outcome"] == "unverified"
    assert "weights/model.safetensors" in gone["security.artifacts-present"]["message"]
