"""The README corpus (tests/cards/readmes): every card imports, and the claims extracted from its prose and tables
are the ones its expected file lists, each with the verbatim span, its README line and the rule that found it."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.cards.hf_import import import_hf_readme
from engine.claims import extract_claims
from engine.claims.scoring import CLAIM_FIELDS, load_expected, score_corpus

CORPUS = Path(__file__).resolve().parents[1] / "cards" / "readmes"
BATCH2 = Path(__file__).resolve().parents[1] / "cards" / "readmes_batch2"  # styles the first corpus lacked, written before their rules
READMES = sorted(CORPUS.glob("*.md")) + sorted(BATCH2.glob("*.md"))
GENERIC_NAMES = {"model", "readme", "imported-model", "model-card", "model-card-for-model-id"}


def test_the_corpus_is_large_and_every_card_has_its_expected_claims():
    assert len(READMES) >= 60
    for readme in READMES:
        expected = load_expected(readme.with_suffix(".expected.yaml"))
        assert all(claim.field in CLAIM_FIELDS for claim in expected.claims), readme.name


@pytest.mark.parametrize("readme", READMES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_card_imports_with_a_real_name(readme):
    card = import_hf_readme(readme).card
    assert card.name.lower() not in GENERIC_NAMES
    assert card.data["readme"]["file"] == str(readme)


@pytest.mark.parametrize("readme", READMES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_claim_carries_its_span_line_and_rule(readme):
    text = readme.read_text()
    lines = text.split("\n")
    extraction = extract_claims(text, str(readme))
    for claim in extraction.claims + extraction.unverifiable:
        assert claim.rule and claim.line >= 1, claim
        assert claim.span in lines[claim.line - 1] or claim.span.split("\n")[0] in lines[claim.line - 1], (claim.line, claim.span)


@pytest.mark.parametrize("folder", [CORPUS, BATCH2], ids=lambda p: p.name)
def test_precision_recall_and_variants_over_the_corpus(folder):
    score = score_corpus(folder)
    assert score.cards == len(list(folder.glob("*.md")))
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


@pytest.mark.parametrize(("text", "field"), [
    ("The model has roughly 184M parameters.", "parameters"),                                  # hedged
    ("We believe the context window is 4096 tokens.", "context_length"),                       # hedged
    ("- [`other-embed-base`](https://huggingface.co/acme/other-embed-base): 137 million parameters.", "parameters"),  # another model
    ("This code repository is licensed under [the MIT License](LICENSE-CODE).", "license"),     # the code's license
    ("Block scales and mins are quantized with 4 bits.", "quantization"),                       # not the weights
    ("It was pretrained with the Masked language modeling (MLM) objective.", "dataset"),        # not a dataset's name
])
def test_statements_a_review_must_not_check_are_not_claims(text, field):
    assert field not in {claim.field for claim in extract_claims(text, "acme-small-embed.md").claims}


def test_only_the_column_of_this_model_is_read_from_a_comparison_table():
    text = ("# Mistral-7B\n\n## Evaluation\n\n| Benchmark | Llama 2 7B | Mistral 7B |\n| --- | --- | --- |\n| MMLU | 44.4 | 60.1 |\n\n"
            "| Benchmark | Llama 2 13B |\n| --- | --- |\n| MMLU | 55.6 |\n")
    assert [c.value for c in extract_claims(text, "mistral-7b.md").claims if c.field == "evaluation"] == [60.1]
