"""No harness loads a file before its scan: facts and the pickle scan run first, and a rerun runs only when the
scan found nothing at `high` or above (else it is recorded as refused, with why, and rerun-required fails)."""
from __future__ import annotations

import os
import pickle

from engine.evals import rerun_evaluations
from engine.governance.evidence import gather_evidence
from engine.governance.submission import submit
from tests.evals.cards import card_with, evaluation


class _TouchesMarker:
    """What a hostile checkpoint does on unpickling: runs a command (here: creates a marker file)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def hostile_model(folder, marker):
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"architectures": ["BertForSequenceClassification"], "id2label": {"0": "negative", "1": "positive"}}')
    (folder / "model.pkl").write_bytes(pickle.dumps({"classifier.weight": [0.0], "hook": _TouchesMarker(marker)}, protocol=4))
    return folder


def test_a_rerun_on_files_whose_scan_finds_code_execution_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "EXECUTED"
    weights = hostile_model(tmp_path / "model", marker)
    card = card_with([evaluation("text-classification", "accuracy", 0.9, samples=80)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, weights, timeout=60)
    assert result["status"] == "refused" and result["observed"] is None
    assert result["error"].startswith("the scan of the model files found posix.system in model.pkl (critical)"), result["error"]
    assert "duration_s" not in result["evidence"] and "libraries" not in result["evidence"]  # no worker was started
    assert not marker.exists()


def test_files_the_scan_cannot_read_are_not_handed_to_a_harness(tmp_path):
    weights = tmp_path / "pytorch_model.bin"
    weights.write_bytes(b"cos\nsystem\n(S'touch x'\ntR.")  # a protocol-0 pickle: no magic bytes, named like a checkpoint
    card = card_with([evaluation("text-classification", "accuracy", 0.9)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, weights, timeout=60)
    assert result["status"] == "refused"
    assert "a harness never loads files" in result["error"]


def test_a_submission_of_a_hostile_checkpoint_records_the_refusal_and_fails_both_rules(lake, tmp_path):
    marker = tmp_path / "EXECUTED"
    weights = hostile_model(tmp_path / "model", marker)
    card = card_with([evaluation("text-classification", "accuracy", 0.9, samples=80)], tmp_path / "card.yaml",
                     artifacts=[{"path": "model/model.pkl"}, {"path": "model/config.json"}])
    evidence = gather_evidence(card, weights, rerun=True)
    assert [e["status"] for e in evidence.evals] == ["refused"]
    result = submit(lake, card, evidence, submitted_by="sam")
    failed = {v["rule_id"]: v for v in result.review["violations"]}
    assert {"security.no-unsafe-pickle", "evaluations.rerun-required"} <= set(failed)
    assert "rerun refused: the scan of the model files found posix.system" in failed["evaluations.rerun-required"]["message"]
    assert not marker.exists()
