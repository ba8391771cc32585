"""`submit` and `audit` over many cards in one process: every card gets its result, a bad card does not stop the
others, and the exit code is the worst one (2 over 1 over 0). Cards: the demo's synthetic ones (examples/synthetic_cards.py)."""
from __future__ import annotations

import json
import re
import sys

import yaml
from click.testing import CliRunner

from api.cli import main
from tests.conftest import REPO

sys.path.append(str(REPO))  # examples/ is not an installed package
from examples.synthetic_cards import synthetic_cards  # noqa: E402

INVALID_CARD = 'schema_version: "1"\nname: x\nversion: 1\nowners: []\nlicense: mit\n'


def write_cards(folder, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for data in synthetic_cards(count):
        data = {key: value for key, value in data.items() if key != "_flaw"}
        path = folder / f"{data['name'].replace('/', '__')}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        paths.append(str(path))
    return paths


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_submit_many_cards_one_result_each(lake_env, tmp_path):
    cards = write_cards(tmp_path / "cards", 3)
    bad = tmp_path / "bad.yaml"
    bad.write_text(INVALID_CARD)
    result = run("submit", *cards, str(bad), "--json", "--no-progress")
    assert result.exit_code == 1  # the invalid card; the others were stored
    rows = json.loads(result.stdout)
    assert [(row["card"], row.get("created")) for row in rows] == [(card, True) for card in cards] + [(str(bad), None)]
    assert rows[-1]["problems"][0]["text"].startswith(f"{bad}:3:10 version: 1 is not of type 'string' (YAML reads unquoted numbers")
    listed = json.loads(run("list", "--json").stdout)["items"]
    assert sorted(row["name"] for row in listed) == sorted(yaml.safe_load(open(card))["name"] for card in cards)
    again = run("submit", *cards, "--no-progress")
    assert again.exit_code == 0
    assert sum(line.startswith("unchanged (identical content already stored): ") for line in again.stdout.splitlines()) == 3


def test_submit_one_card_keeps_its_single_object(lake_env, tmp_path):
    [card] = write_cards(tmp_path / "cards", 1)
    result = run("submit", card, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["created"] is True


def test_weights_name_one_card(tmp_path):
    cards = write_cards(tmp_path / "cards", 2)
    result = CliRunner().invoke(main, ["submit", *cards, "--weights", cards[0]])
    assert result.exit_code == 2 and "--weights applies to one CARD" in result.stderr


def test_audit_writes_one_report_per_card(tmp_path):
    cards = write_cards(tmp_path / "cards", 3)
    out = tmp_path / "reports"
    result = run("audit", *cards, "--format", "sarif,junit", "--out", str(out), "--fail-on", "critical", "--as-of", "2026-12-01", "--no-progress")
    refs = [f"{yaml.safe_load(open(card))['name']}@1.0" for card in cards]
    stems = [ref.replace("/", "__") for ref in refs]
    assert sorted(path.name for path in out.iterdir()) == sorted([f"{stem}.sarif" for stem in stems] + [f"{stem}.junit.xml" for stem in stems])
    for card, stem in zip(cards, stems):
        run_ = json.loads((out / f"{stem}.sarif").read_text())["runs"][0]
        assert {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run_["results"]} <= {card}
    summary = result.stdout.splitlines()  # the reports went to files, so the summary goes to stdout
    assert [line.split(":")[0] for line in summary if line.split(":")[0] in refs] == refs  # one summary line per card, in order


def test_audit_combined_sarif_is_one_run_over_every_card(tmp_path):
    cards = write_cards(tmp_path / "cards", 3)
    out = tmp_path / "reports"
    result = run("audit", *cards, "--format", "sarif", "--combined", "--out", str(out), "--as-of", "2026-12-01", "--no-progress")
    assert result.exit_code == 1
    assert [path.name for path in out.iterdir()] == ["modellake-audit.sarif"]
    log = json.loads((out / "modellake-audit.sarif").read_text())
    [run_] = log["runs"]
    assert {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run_["results"]} == set(cards)
    rule_ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(set(rule_ids))  # each rule described once, results index into that one list
    assert all(run_["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run_["results"])
    assert [target["target"] for target in run_["properties"]["targets"]] == [f"{yaml.safe_load(open(c))['name']}@1.0" for c in cards]


def test_audit_several_cards_need_out_for_reports(tmp_path):
    cards = write_cards(tmp_path / "cards", 2)
    result = CliRunner().invoke(main, ["audit", *cards, "--format", "sarif"])
    assert result.exit_code == 2 and "several cards need --out DIR" in result.stderr


def test_progress_bar_counts_cards_on_stderr(tmp_path):
    cards = write_cards(tmp_path / "cards", 2)
    result = CliRunner().invoke(main, ["audit", *cards, "--as-of", "2026-12-01", "--progress"], terminal_width=120)
    assert re.search(r"audit .*2/2", result.stderr)
