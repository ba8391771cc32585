"""Cards reviewed per second against every default rule, next to bare jsonschema validation of the same cards.

Both run in the same process on the same 10,000 varied cards (with facts, reruns and lineage, so the
claim, rerun and lineage rules do real work rather than skip). Reported: the median of --repeats passes.
Usage: python benchmarks/policy.py [--cards N] [--repeats R]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json

from jsonschema import Draft202012Validator

from engine.cards import card_from_dict
from engine.cards.schema import FORMAT_CHECKER
from engine.paths import SCHEMA_DIR
from engine.policy.packs import load_policies
from engine.governance.review import review_card
from validate import make_card_text, rate  # benchmarks/validate.py, next to this script

TODAY = dt.date(2026, 6, 1)


def make_evidence(i: int, card_data: dict) -> tuple[dict, list[dict], dict]:
    """Facts that agree with the card for most cards and contradict it for every 10th; a rerun; one parent."""
    claims = card_data["claims"]
    facts = {"architecture": "bert", "parameters": claims["parameters"] * (2 if i % 10 == 0 else 1), "layers": 6, "hidden_size": 384,
             "files": [{"path": "model.safetensors", "size": 1, "sha256": "a" * 64}], "sources": {"parameters": "model.safetensors"},
             "security": {"findings": []}}
    evals = [{"metric": "accuracy", "dataset": "acme/eval", "split": "test", "claimed": 0.9, "observed": 0.88 if i % 7 else 0.7,
              "tolerance": 0.03, "comparable": True, "status": "pass" if i % 7 else "fail", "error": None, "evidence": {"evaluation_index": 0}}]
    lineage = {"parents": [{"name": card_data["base_model"], "version": "1.0", "status": "approved", "relation": "finetune", "verified": True}]}
    return facts, evals, lineage


def main() -> None:
    import yaml

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    dicts = [yaml.safe_load(make_card_text(i)) for i in range(args.cards)]
    cards = [card_from_dict(data, source=f"card-{i}.yaml") for i, data in enumerate(dicts)]
    inputs = [(card, *make_evidence(i, card.data)) for i, card in enumerate(cards)]
    packs = load_policies()
    rules = sum(len(pack.rules) for pack in packs)
    validator = Draft202012Validator(json.loads((SCHEMA_DIR / "modelcard-v1.schema.json").read_text()), format_checker=FORMAT_CHECKER)

    def review(item) -> None:
        card, facts, evals, lineage = item
        review_card(card, facts, evals, lineage, packs=packs, now=TODAY)

    schema_rate = rate(validator.is_valid, dicts, args.repeats)
    policy_rate = rate(review, inputs, args.repeats)
    print(f"{args.cards:,} cards, {rules} default rules, median of {args.repeats} runs")
    print(f"  jsonschema validation (Draft 2020-12, bare): {schema_rate:10,.0f} cards/s")
    print(f"  policy review (all rules -> Review):         {policy_rate:10,.0f} cards/s  ({policy_rate * rules:,.0f} rule evaluations/s)")
    print(f"  ratio policy/jsonschema: {policy_rate / schema_rate:.2f}")


if __name__ == "__main__":
    main()
