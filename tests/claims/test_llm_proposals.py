"""The local LLM types sentences no rule read, as proposals the rules confirm: the value must be the sentence's own text,
the field one its words speak of, the prose guards apply, a rule's field is never replaced, and unsure is unverifiable.
The confirmation is tested with a scripted proposer (it tests the rules, not a model); the real SmolLM2 is tested below."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.claims import extract_claims
from engine.claims.proposals import Proposal, claim_llm, configured_llm, proposal_grammar, supported_fields, unexplained_numbers
from engine.claims.rules import PROPOSAL_FIELDS
from engine.errors import UsageError

REPO = Path(__file__).resolve().parents[2]


class Scripted:
    """Answers each (sentence, number) from a table; records what it was asked."""

    name = "scripted"

    def __init__(self, answers: dict[str, tuple[str, str]]):
        self.answers, self.asked = answers, []

    def propose(self, sentence: str, number: str) -> Proposal:
        self.asked.append((sentence, number))
        field, value = self.answers.get(number, ("unverifiable", number))
        return Proposal(field, value, f'{{"field": "{field}", "value": "{value}"}}')


def test_a_confirmed_proposal_becomes_a_claim_with_its_span_line_and_llm_rule():
    text = "# Acme-Tiny\n\nIts depth is 24, which keeps it fast.\n"
    extraction = extract_claims(text, "acme-tiny.md", llm=Scripted({"24": ("layers", "24")}))
    (claim,) = [c for c in extraction.claims if c.rule.startswith("llm.")]
    assert (claim.field, claim.value, claim.line, claim.rule) == ("layers", 24, 3, "llm.layers")
    assert extraction.llm == [{"model": "scripted", "line": 3, "sentence": "Its depth is 24, which keeps it fast.", "number": "24",
                               "raw": '{"field": "layers", "value": "24"}', "outcome": "confirmed"}]


@pytest.mark.parametrize(("answer", "why"), [
    (("unverifiable", "24"), "the local LLM was unsure"),
    (("parameters", "24 billion"), "the value is not the sentence's"),          # not what the sentence writes
    (("vocab_size", "24"), "its words do not speak of that field"),              # no vocabulary word near the number
])
def test_an_unconfirmed_proposal_is_unverifiable_with_why(answer, why):
    extraction = extract_claims("Its depth is 24, which keeps it fast.\n", "acme-tiny.md", llm=Scripted({"24": answer}))
    assert not [c for c in extraction.claims if c.rule.startswith("llm.")]
    assert any(why in (u.why or "") for u in extraction.unverifiable), extraction.unverifiable


def test_a_proposal_that_leaves_out_the_sentences_scale_is_not_confirmed():
    # found on held-out output: SmolLM2 answered "4" for a "4k" window and the check took the digits for the value
    sentence = "It attends over a window of 4k, enough for most tickets.\n"
    extraction = extract_claims(sentence, "acme-tiny.md", llm=Scripted({"4": ("context_length", "4")}))
    assert not [c for c in extraction.claims if c.rule.startswith("llm.")]
    assert any("leaving out the scale" in (u.why or "") for u in extraction.unverifiable), extraction.unverifiable


def test_the_prose_guards_apply_to_proposals():
    extraction = extract_claims("Its depth is roughly 24 for most builds.\n", "acme-tiny.md", llm=Scripted({"24": ("layers", "24")}))
    assert not extraction.claims and [entry["outcome"] for entry in extraction.llm] == ["not confirmed"]
    assert [u.why for u in extraction.unverifiable] == ["a hedged statement (approximate, believed, untested)"]
    asked = Scripted({"24": ("layers", "24")})
    extract_claims("We believe its depth is 24.\n", "acme-tiny.md", llm=asked)
    assert asked.asked == []  # a sentence the guards refuse whatever the answer is not sent


def test_a_number_a_rule_read_is_never_sent_and_never_replaced():
    scripted = Scripted({"30": ("hidden_size", "30")})
    extraction = extract_claims("The model has 30 layers and a depth of 30.\n", "acme.md", llm=scripted)
    assert scripted.asked == []
    assert [(c.field, c.rule) for c in extraction.claims] == [("layers", "layers.prose")]


def test_numbers_that_name_or_version_things_are_not_sent():
    sentence = "Download Llama-2-7B-Chat with transformers 4.37.0 and run it with -c 4096 tokens of context."
    assert unexplained_numbers(sentence, []) == []


def test_the_grammar_is_built_from_the_claim_fields_and_their_units():
    grammar = proposal_grammar("3.8")
    for spec in PROPOSAL_FIELDS:
        assert f'"{spec.field}"' in grammar
        for unit in spec.units:
            assert f'"{unit}"' in grammar
    assert 'value ::= "3.8" unit?' in grammar and '"unverifiable"' in grammar
    assert supported_fields("a file of 1.8 GB", 10, 13) == ("size_bytes",)


def test_the_setting_is_off_by_default_and_a_bad_one_is_named():
    assert configured_llm({}) is None and configured_llm({"MODELLAKE_CLAIMS_LLM": "off"}) is None
    with pytest.raises(UsageError, match="MODELLAKE_CLAIMS_LLM must be one of smollm2, gemma3-270m, 'off' or a GGUF file; '/nope.gguf' is none"):
        configured_llm({"MODELLAKE_CLAIMS_LLM": "/nope.gguf"})


def test_reading_a_readme_without_the_setting_never_imports_llama_cpp():
    code = ("import sys; from engine.claims import extract_claims; "
            "x = extract_claims('# M\\n\\nIts depth is 24.\\n', 'm.md'); print(len(x.llm), 'llama_cpp' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}).stdout.strip()
    assert out == "0 False"


@pytest.mark.slow
def test_the_real_smollm2_answers_under_the_grammar_and_only_confirmed_values_become_claims():
    llm = claim_llm("smollm2")
    text = ("# Acme-Tiny\n\nIts depth is 24, which keeps it fast.\n\nThe download weighs 1.8 GB on disk.\n\n"
            "It was built by 12 people over 2 summers.\n")
    extraction = extract_claims(text, "acme-tiny.md", llm=llm)
    fields = {spec.field for spec in PROPOSAL_FIELDS} | {"unverifiable"}
    assert {entry["number"] for entry in extraction.llm} == {"24", "1.8"}  # "12 people" stands near no claim word
    for entry in extraction.llm:
        answer = re.fullmatch(r'\{"field": "(\w+)", "value": "([^"]*)"\}', entry["raw"])
        assert answer and answer[1] in fields and answer[2].startswith(entry["number"]), entry
    for claim in extraction.claims:
        line = text.split("\n")[claim.line - 1]
        assert claim.rule.startswith("llm.") and claim.span in line
        assert re.search(next(s.words for s in PROPOSAL_FIELDS if s.field == claim.field), line, re.IGNORECASE)
