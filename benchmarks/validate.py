"""Cards validated per second: the engine (safe YAML with limits + positions + schema) against raw jsonschema.

Both sides validate the same cards in the same run. The engine's figure includes parsing YAML text with
line tracking; the baseline validates already-parsed dicts, so it is the floor the engine can approach.
Goal: the engine at least 0.5x the raw rate. Usage: python benchmarks/validate.py [--cards N] [--repeats R]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import yaml
from jsonschema import Draft202012Validator

from engine.cards import parse_card
from engine.cards.schema import FORMAT_CHECKER
from engine.paths import SCHEMA_DIR

TASKS = ["summarization", "text-classification", "translation", "feature-extraction", "text-generation"]


def make_card_text(i: int) -> str:
    card = {
        "schema_version": "1", "name": f"acme/model-{i}", "version": f"1.{i % 7}.0",
        "owners": [{"name": f"Owner {i % 13}", "email": f"o{i % 13}@acme.example"}], "created": "2026-01-15",
        "description": f"Model number {i} for {TASKS[i % 5]} in the enterprise.", "pipeline_tag": TASKS[i % 5],
        "domain": ["legal", "finance", "medical"][i % 3], "tags": ["demo", f"t{i % 11}"], "license": "apache-2.0",
        "claims": {"architecture": "bert", "parameters": 22713216 + i, "layers": 6, "hidden_size": 384},
        "base_model": "sentence-transformers/all-MiniLM-L6-v2", "base_model_relation": "finetune",
        "training_data": [{"name": "acme/data", "gdpr": True, "dua_id": "DUA-1"}],
        "evaluations": [{"metric": "accuracy", "value": 0.9, "dataset": "acme/eval", "split": "test", "harness": {"name": "text-classification"}}],
        "governance": {"risk_tier": "limited", "human_oversight": "reviewed"},
    }
    return yaml.safe_dump(card, sort_keys=False)


def rate(function, items, repeats: int) -> float:
    """Median items/second over `repeats` passes."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            function(item)
        timings.append(time.perf_counter() - start)
    return len(items) / statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    texts = [make_card_text(i) for i in range(args.cards)]
    raw_bytes = [t.encode() for t in texts]
    dicts = [yaml.safe_load(t) for t in texts]
    validator = Draft202012Validator(json.loads((SCHEMA_DIR / "modelcard-v1.schema.json").read_text()), format_checker=FORMAT_CHECKER)

    def raw_validate(card: dict) -> None:
        errors = list(validator.iter_errors(card))
        assert not errors

    engine_rate = rate(lambda raw: parse_card(raw, "bench.yaml"), raw_bytes, args.repeats)
    raw_rate = rate(raw_validate, dicts, args.repeats)
    print(f"cards: {args.cards}, repeats: {args.repeats} (medians)")
    print(f"engine (YAML text -> located, validated Card): {engine_rate:8.0f} cards/s")
    print(f"baseline (raw jsonschema on parsed dicts):     {raw_rate:8.0f} cards/s")
    print(f"ratio engine/raw: {engine_rate / raw_rate:.2f}x (goal >= 0.5x)")


if __name__ == "__main__":
    main()
