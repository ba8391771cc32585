"""The claim-rule table is documented: docs/claims.md has a row per rule with its example, and the example
extracts exactly the value the doc says, by that rule."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.claims import extract_claims
from engine.claims.rules import CLAIM_RULES, rule_reference

DOC = (Path(__file__).resolve().parents[2] / "docs" / "claims.md").read_text()


def test_rule_ids_are_unique():
    ids = [rule.id for rule in CLAIM_RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", CLAIM_RULES, ids=lambda rule: rule.id)
def test_rule_is_documented_and_its_example_extracts_what_the_doc_says(rule):
    assert f"`{rule.id}`" in DOC
    extraction = extract_claims(rule.example, "example.md")
    found = [(claim.field, claim.value) for claim in extraction.claims if claim.rule == rule.id]
    assert (rule.field, rule.expect) in found, (rule.example, extraction.claims)


def test_reference_table_is_current():
    assert rule_reference() in DOC, "regenerate with: python -m engine.claims.rules"
