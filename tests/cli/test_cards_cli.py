"""The card commands end to end through click, against the real embedded Postgres."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from api.cli import main
from tests.conftest import REPO

EXAMPLE = str(REPO / "model_cards" / "acme-contract-summarizer.yaml")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_ok_and_invalid(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('schema_version: "1"\nname: x\nversion: 1\nowners: []\nlicense: mit\n')
    ok = run("validate", EXAMPLE)
    assert (ok.exit_code, ok.output.strip()) == (0, f"ok {EXAMPLE} (acme/contract-summarizer@1.0.0)")
    failed = run("validate", str(bad), "--json")
    assert failed.exit_code == 1
    assert [p["text"] for p in json.loads(failed.output)[0]["problems"]] == [
        f"{bad}:3:10 version: 1 is not of type 'string' (YAML reads unquoted numbers as numbers (1.10 becomes 1.1): quote the value)",
        f"{bad}:4:9 owners: [] should be non-empty",
    ]


def test_submit_list_show(lake_env):
    created = run("submit", EXAMPLE, "--json")
    assert created.exit_code == 0, created.output
    submitted = json.loads(created.output)
    assert (submitted["ref"], submitted["created"], submitted["status"]) == ("acme/contract-summarizer@1.0.0", True, "changes_requested")
    assert [v["rule_id"] for v in submitted["review"]["violations"]] == [
        "completeness.artifacts", "evaluations.rerun-required", "evaluations.reruns-agree", "security.weights-digest"]
    unverified = [v["rule_id"] for v in submitted["review"]["unverified"]]
    assert "lineage.base-approved" in unverified and "security.no-unsafe-pickle" in unverified  # its base is not in this lake; no files
    # its harness-backed claim could not be re-run (that harness computes no rouge-l)
    rerun = next(v for v in submitted["review"]["violations"] if v["rule_id"] == "evaluations.rerun-required")
    assert "rerun error: harness 'text-classification' does not compute 'rouge-l'" in rerun["message"]
    again = run("submit", EXAMPLE)
    assert again.output.splitlines()[0] == (
        "unchanged (identical content already stored): acme/contract-summarizer@1.0.0 [changes_requested], automated review: changes_requested")
    assert "  fail [high] security.weights-digest: Artifact digest missing: card.artifacts has no elements" in again.output.splitlines()
    listed = json.loads(run("list", "--json").output)
    assert [(r["name"], r["version"], r["versions"], r["task"], r["license"], r["owner"]) for r in listed["items"]] == [
        ("acme/contract-summarizer", "1.0.0", 1, "summarization", "apache-2.0", "Jane Doe")
    ]
    assert (listed["total"], listed["next"]) == (1, None)
    assert run("list", "--license", "apache-2.0", "--limit", "5").output.rstrip().endswith("1 models")  # the table, then the count
    assert json.loads(run("list", "--license", "mit", "--json").output)["items"] == []
    detail = json.loads(run("show", "acme/contract-summarizer", "--json").output)
    assert (detail["version"], detail["versions"], detail["card"]["domain"]) == ("1.0.0", ["1.0.0"], "legal")


def test_show_unknown_is_a_tool_error(lake_env):
    result = CliRunner().invoke(main, ["show", "nobody@1"])
    assert (result.exit_code, result.output.strip()) == (2, "error: no model named 'nobody' in the lake")


def test_validate_does_not_import_heavy_libraries():
    code = (
        "import sys; from click.testing import CliRunner; from api.cli import main;"
        f"r = CliRunner().invoke(main, ['validate', {EXAMPLE!r}]); assert r.exit_code == 0, r.output;"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'llama_cpp', 'weasyprint', 'open_clip', 'litestar') if m in sys.modules);"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_every_command_is_documented():
    readme = (REPO / "README.md").read_text() + (REPO / "docs" / "cli.md").read_text()
    missing = [name for name in main.commands if f"modellake {name}" not in readme]
    assert missing == []
