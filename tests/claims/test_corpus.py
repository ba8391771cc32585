"""The README corpus (tests/cards/readmes): every card imports, and the claims extracted from its prose and tables
are the ones its expected file lists, each with the verbatim span, its README line and the rule that found it."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.cards.hf_import import import_hf_readme
from engine.claims import extract_claims
from engine.claims.scoring import CLAIM_FIELDS, load_expected, score_corpus

CORPUS = Path(__file__).resolve().parents[1] / "cards" / "readmes"
READMES = sorted(CORPUS.glob("*.md"))
GENERIC_NAMES = {"model", "readme", "imported-model", "model-card", "model-card-for-model-id"}


def test_the_corpus_is_large_and_every_card_has_its_expected_claims():
    assert len(READMES) >= 30
    for readme in READMES:
        expected = load_expected(readme.with_suffix(".expected.yaml"))
        assert all(claim.field in CLAIM_FIELDS for claim in expected.claims), readme.name


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.stem)
def test_every_card_imports_with_a_real_name(readme):
    card = import_hf_readme(readme).card
    assert card.name.lower() not in GENERIC_NAMES
    assert card.data["readme"]["file"] == str(readme)


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.stem)
def test_every_claim_carries_its_span_line_and_rule(readme):
    text = readme.read_text()
    lines = text.split("\n")
    extraction = extract_claims(text, str(readme))
    for claim in extraction.claims + extraction.unverifiable:
        assert claim.rule and claim.line >= 1, claim
        assert claim.span in lines[claim.line - 1] or claim.span.split("\n")[0] in lines[claim.line - 1], (claim.line, claim.span)


def test_precision_recall_and_variants_over_the_corpus():
    score = score_corpus(CORPUS)
    assert score.cards == len(READMES)
    assert score.precision >= 0.95, score.report()
    assert score.recall >= 0.85, score.report()
    assert score.variant_recall >= 0.95, score.report()


def test_numbers_that_are_not_model_claims_are_never_claims():
    text = CORPUS.joinpath("all-minilm-l6-v2.md").read_text()
    claims = extract_claims(text, "README.md").claims
    fields = {(claim.field, claim.line) for claim in claims}
    assert ("parameters", 101) not in fields                # "a 1B sentence pairs dataset" is not a parameter count
    assert ("max_sequence_length", 130) not in fields        # "limited to 128 tokens" describes training
    assert [c.value for c in claims if c.field == "max_sequence_length"] == [256]
    assert [c.value for c in claims if c.field == "embedding_dim"] == [384]
