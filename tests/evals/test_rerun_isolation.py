"""Reruns through the real worker process with test-only harnesses: comparison flow, limits, failures."""
from __future__ import annotations

import hashlib
import time
from contextlib import ExitStack

import pytest

from engine.evals import registered_harness, rerun_evaluations
from tests.evals.cards import FIXTURES, card_with, evaluation, tiny_safetensors

SHAPE = {"metric", "dataset", "split", "claimed", "observed", "tolerance", "comparable", "status", "error", "independent", "evidence"}


@pytest.fixture
def weights(tmp_path):
    return tiny_safetensors(tmp_path / "model.safetensors")


@pytest.fixture(autouse=True)
def fixture_harnesses():
    """Test-only harnesses, registered for this process; the worker gets their module:Class target."""
    names = {"echo": "EchoHarness", "hang": "HangingHarness", "raise": "RaisingHarness", "crash": "CrashingHarness", "greedy": "GreedyHarness"}
    with ExitStack() as stack:
        for name, class_name in names.items():
            stack.enter_context(registered_harness(name, f"{FIXTURES}:{class_name}"))
        yield


def test_claims_are_judged_and_evidence_is_kept(tmp_path, weights):
    card = card_with([
        evaluation("echo", "accuracy", 0.80, samples=80, args={"value": 0.78, "samples": 80}),
        evaluation("echo", "accuracy", 0.95, samples=80, args={"value": 0.78, "samples": 80, "seed": 7}),
        evaluation("echo", "accuracy", 0.80, samples=500, args={"value": 0.78, "samples": 80}),
        evaluation("echo", "accuracy", 0.80, dataset="glue/sst2", args={"value": 0.78, "samples": 80}),
        {"metric": "accuracy", "value": 0.5},  # no harness: nothing to rerun
    ], tmp_path / "card.yaml", artifacts=[{"path": weights.name}])
    passed, failed, other_samples, unavailable = rerun_evaluations(card, timeout=60, memory_limit=None)
    assert all(set(result) == SHAPE for result in (passed, failed, other_samples, unavailable))
    assert [r["status"] for r in (passed, failed, other_samples, unavailable)] == ["pass", "fail", "not_comparable", "not_comparable"]
    assert (passed["observed"], passed["comparable"], passed["tolerance"]) == (0.78, True, pytest.approx(3 * (0.8 * 0.2 / 80) ** 0.5))
    evidence = failed["evidence"]
    assert (evidence["seed"], evidence["samples"], evidence["evaluation_index"], evidence["harness"]) == (7, 80, 1, "echo")
    assert evidence["inputs"] == {"data_sha256": "0" * 64, "weights_sha256": hashlib.sha256(weights.read_bytes()).hexdigest()}
    assert evidence["dataset"]["name"] == "modellake/reviews" and evidence["dataset"]["registered_by"] == "modellake"
    assert passed["independent"] is True  # the lake's own set: independent of any submitter
    assert evidence["libraries"]["python"] and evidence["duration_s"] >= 0 and evidence["rule"].startswith("binomial")
    assert other_samples["evidence"]["reason"] == "claim is on 500 samples, the rerun on 80"
    assert (other_samples["observed"], unavailable["observed"]) == (0.78, None)
    assert unavailable["evidence"]["reason"].startswith("dataset glue/sst2 is not registered in the lake")


def test_a_hanging_harness_is_killed_at_its_limit(tmp_path, weights):
    card = card_with([evaluation("hang", "accuracy", 0.9)], tmp_path / "card.yaml")
    started = time.monotonic()
    [result] = rerun_evaluations(card, weights, timeout=3, memory_limit=None)
    assert time.monotonic() - started < 20
    assert (result["status"], result["error"], result["observed"]) == ("error", "timed out after 3 s (process killed)", None)


@pytest.mark.parametrize(("harness", "memory_limit", "error"), [
    ("raise", None, "RuntimeError: tokenizer file is missing"),
    ("crash", None, "worker exited with code 3 without a result"),
    ("greedy", 512 << 20, f"out of memory (address-space limit {512 << 20} bytes)"),
    ("missing", None, "no harness named 'missing'; installed: "),
])
def test_failing_harnesses_become_error_results(tmp_path, weights, harness, memory_limit, error):
    card = card_with([evaluation(harness, "accuracy", 0.9)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, weights, timeout=60, memory_limit=memory_limit)
    assert (result["status"], result["comparable"]) == ("error", False)
    assert result["error"].startswith(error)


def test_card_problems_are_reported_without_running(tmp_path, weights):
    card = card_with([evaluation("echo", "rouge-l", 0.4), evaluation("echo", "accuracy", 0.9)], tmp_path / "card.yaml")
    wrong_metric, no_weights = rerun_evaluations(card, None, timeout=60)
    assert wrong_metric["error"] == "harness 'echo' does not compute 'rouge-l' (it computes: accuracy)"
    assert no_weights["error"] == "no weights to run: the card has no local artifact paths and no weights path was given"


def test_progress_is_relayed(tmp_path, weights):
    seen = []
    card = card_with([evaluation("echo", "accuracy", 0.8, args={"value": 0.8, "samples": 80})], tmp_path / "card.yaml")
    rerun_evaluations(card, weights, timeout=60, progress=lambda label, done, total: seen.append((label, done, total)))
    assert seen == [("echo: accuracy on modellake/reviews@1/test", 1, 1)]


def test_an_adapter_without_its_base_is_not_comparable_and_says_why(tmp_path):
    # a PEFT adapter folder: a harness loading it would look its base up on the hub (offline: an OSError as the result)
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"peft_type": "LORA", "base_model_name_or_path": "family/minilm", "r": 8}')
    tiny_safetensors(adapter / "adapter_model.safetensors")
    card = card_with([evaluation("echo", "accuracy", 0.80, samples=80, args={"value": 0.78, "samples": 80})], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, adapter, timeout=60, memory_limit=None)
    assert (result["status"], result["observed"]) == ("not_comparable", None)
    assert result["evidence"]["reason"].startswith("the weights are a PEFT adapter without its base model's weights")
