"""A card (and its evidence) that passes every default rule; tests break one thing at a time."""
from __future__ import annotations

import copy
import datetime as dt

from engine.cards import card_from_dict

TODAY = dt.date(2026, 6, 1)
DIGEST = "a" * 64

GOOD_CARD = {
    "schema_version": "1", "name": "acme/good-model", "version": "1.0.0",
    "owners": [{"name": "Jane Doe", "email": "jane@acme.example", "role": "owner"}],
    "description": "Embeds support tickets for search.", "pipeline_tag": "sentence-similarity", "license": "apache-2.0",
    "uses": {"intended": ["ticket search"], "out_of_scope": ["medical advice"]}, "limitations": ["English only"],
    "artifacts": [{"path": "model.safetensors", "format": "safetensors", "sha256": DIGEST}],
    "claims": {"architecture": "bert", "parameters": 22713216, "layers": 6, "hidden_size": 384, "attention_heads": 12, "vocab_size": 30522,
               "context_length": 512, "dtype": "float32", "quantization": "Q8_0", "embedding_dim": 384},
    "base_model": "acme/base", "base_model_relation": "finetune",
    "datasets": ["acme/tickets"],
    "training_data": [{"name": "acme/tickets", "personal_data": True, "gdpr": True, "hipaa": True, "dua_id": "DUA-1",
                       "approvals": [{"type": "dua", "id": "DUA-1", "approved_by": "Legal", "date": "2026-01-01"},
                                     {"type": "privacy", "id": "P-1", "approved_by": "DPO", "date": "2026-01-02"}]}],
    "evaluations": [{"task": "sentence-similarity", "dataset": "modellake/sts-pairs", "split": "test", "metric": "spearman", "value": 0.9,
                     "samples": 200, "date": "2026-01-10", "harness": {"name": "sentence-similarity"}}],
    "governance": {"risk_tier": "limited", "human_oversight": "A human reads every answer.",
                   "bias_checks": [{"name": "gender", "result": "no gap above 1%", "date": "2026-01-05"}]},
}
GOOD_FACTS = {
    "format": "safetensors", "files": [{"path": "model.safetensors", "size": 90000000, "sha256": DIGEST}], "parameters": 22713216,
    "architecture": "bert", "layers": 6, "hidden_size": 384, "attention_heads": 12, "kv_heads": 12, "vocab_size": 30522,
    "context_length": 512, "dtype": "float32", "dtype_counts": {"float32": 101}, "quantization": "Q8_0", "tied_embeddings": True,
    "embedding_dim": 384, "adapter": None, "sources": {"parameters": "model.safetensors: sum of 101 tensor shapes", "layers": "config.json:num_hidden_layers"},
    "security": {"findings": []}, "conflicts": [], "integrity": [], "metadata": {}, "missing_artifacts": [],
}
GOOD_EVALS = [{"metric": "spearman", "dataset": "modellake/sts-pairs", "split": "test", "claimed": 0.9, "observed": 0.905, "tolerance": 0.04,
               "comparable": True, "status": "pass", "error": None, "independent": True,
               "evidence": {"harness": "sentence-similarity", "evaluation_index": 0,
                            "dataset": {"name": "modellake/sts-pairs", "version": "1", "registered_by": "modellake"}}}]
GOOD_LINEAGE = {"parents": [{"name": "acme/base", "version": "1.0.0", "status": "approved", "relation": "finetune", "verified": True, "evidence": {}}]}


def evidence() -> dict:
    """Fresh copies of the good card data and its evidence, to mutate."""
    return {"card": copy.deepcopy(GOOD_CARD), "facts": copy.deepcopy(GOOD_FACTS), "evals": copy.deepcopy(GOOD_EVALS),
            "lineage": copy.deepcopy(GOOD_LINEAGE)}


def review_of(inputs: dict, **options):
    from engine.governance.review import review_card

    card = card_from_dict(inputs["card"], source="cards/good.yaml")
    return review_card(card, inputs["facts"], inputs["evals"], inputs["lineage"], now=options.pop("now", TODAY), **options)
