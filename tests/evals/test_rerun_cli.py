"""`modellake rerun` end to end: a stored version, a test-only harness, results in eval_runs (real Postgres)."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from engine.cards import load_card
from engine.evals import registered_harness
from engine.store.tables import EvalRun
from engine.governance.submission import submit
from tests.evals.cards import FIXTURES, tiny_safetensors

CARD = """\
schema_version: "1"
name: acme/review-probe
version: "1.0.0"
owners: [{name: Test}]
license: apache-2.0
artifacts: [{path: weights/model.safetensors}]
evaluations:
  - {dataset: modellake/reviews, split: test, metric: accuracy, value: 0.80, samples: 80, harness: {name: echo, args: {value: 0.78, samples: 80}}}
  - {dataset: modellake/reviews, split: test, metric: accuracy, value: 0.95, samples: 80, harness: {name: echo, args: {value: 0.78, samples: 80}}}
  - {dataset: private/holdout, split: test, metric: accuracy, value: 0.9, harness: {name: echo}}
"""


def test_rerun_stores_results_and_exits_1_on_a_failed_claim(lake_env, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    tiny_safetensors(tmp_path / "weights" / "model.safetensors")
    (tmp_path / "card.yaml").write_text(CARD)
    submit(lake_env, load_card(tmp_path / "card.yaml"))
    with registered_harness("echo", f"{FIXTURES}:EchoHarness"):
        result = CliRunner().invoke(main, ["rerun", "acme/review-probe@1.0.0", "--json"], catch_exceptions=False)
        table = CliRunner().invoke(main, ["rerun", "acme/review-probe", "--no-progress"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    outcome = json.loads(result.stdout)
    assert outcome["ref"] == "acme/review-probe@1.0.0"
    assert [(r["status"], r["observed"]) for r in outcome["evals"]] == [("pass", 0.78), ("fail", 0.78), ("not_comparable", None)]
    assert outcome["evals"][0]["evidence"]["weights"] == str(tmp_path / "weights" / "model.safetensors")
    assert "evaluations.reruns-agree" in {v["rule_id"] for v in outcome["review"]["violations"]}  # the version is reviewed again
    with lake_env.transaction() as session:
        rows = session.execute(select(EvalRun).order_by(EvalRun.id)).scalars().all()
        stored = [(row.evaluation_index, row.harness, row.metric, row.status, row.result["claimed"]) for row in rows[:3]]
    assert len(rows) == 6  # both invocations stored their runs
    assert stored == [(0, "echo", "accuracy", "pass", 0.80), (1, "echo", "accuracy", "fail", 0.95), (2, "echo", "accuracy", "not_comparable", 0.9)]
    assert table.exit_code == 1
    lines = table.output.splitlines()
    assert [line.split("│")[6].strip() for line in lines if "modellake/reviews" in line or "private/" in line] == ["pass", "fail", "not_comparable"]
    assert "dataset private/holdout is not registered in the lake" in table.output


def test_rerun_reports_unknown_harness_as_a_tool_error(lake_env, tmp_path):
    (tmp_path / "card.yaml").write_text(CARD.replace("name: echo", "name: nowhere"))
    submit(lake_env, load_card(tmp_path / "card.yaml"))
    result = CliRunner().invoke(main, ["rerun", "acme/review-probe", "--json", "--weights", str(tmp_path / "card.yaml")])
    assert result.exit_code == 2
    assert {r["status"] for r in json.loads(result.stdout)["evals"]} == {"error"}
    assert result.stderr.startswith("error: accuracy on modellake/reviews/test: ")  # the tool error is named on stderr


def test_rerun_memory_limit_option_parses_sizes():
    from api.cli.evals import ByteSize

    size = ByteSize()
    assert [size.convert(text, None, None) for text in ("16G", "512MiB", "1024", "none")] == [16 << 30, 512 << 20, 1024, None]


def test_progress_bars_draw_on_stderr():
    from api.cli._output import stderr_progress

    with stderr_progress(enabled=True) as report:
        report("echo: accuracy on modellake/reviews/test", 1, 2)
        report("echo: accuracy on modellake/reviews/test", 2, 2)
    with stderr_progress(enabled=False) as report:
        assert report is None
