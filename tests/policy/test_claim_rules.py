"""Every claim a card can make (the schema's `claims` properties) is checked by some policy rule.

A new claim field without a rule would pass silently, as `kv_heads` once did: this test names it.
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.paths import POLICIES_DIR
from engine.policy.packs import load_policies

SCHEMA = Path(__file__).resolve().parents[2] / "model_cards" / "schema" / "modelcard-v1.schema.json"


def _paths(condition: object) -> set[str]:
    """Every string anywhere in a condition tree (paths sit at many keys: claim, path, ref, over, ...)."""
    if isinstance(condition, dict):
        return set().union(*(_paths(value) for value in condition.values())) if condition else set()
    if isinstance(condition, list):
        return set().union(*(_paths(value) for value in condition)) if condition else set()
    return {condition} if isinstance(condition, str) else set()


def test_every_claim_field_has_a_rule():
    claims = json.loads(SCHEMA.read_text())["properties"]["claims"]["properties"]
    checked = set().union(*(_paths(rule.condition) for pack in load_policies(POLICIES_DIR) for rule in pack.rules))
    # rules read a claim from `claimed` (the card's claims, or a README's statements); older rules named card.claims directly
    unchecked = sorted(field for field in claims if not {f"claimed.{field}", f"card.claims.{field}"} & checked)
    assert unchecked == [], f"claim fields no policy rule checks: {unchecked}; add a rule in policies/ (and document it)"
