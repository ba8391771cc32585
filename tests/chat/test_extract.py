"""Deterministic extraction: question -> filters (with the path that found each), free text, sort.

Questions here are not the development set's (benchmarks/nlq.py measures that); the vocabulary is a small
lake's. Ambiguous phrases are left to the LLM and tested in test_translate.py.
"""
from __future__ import annotations

import pytest

from engine.chat.extract import extract
from engine.chat.lexicon import load_lexicon

VOCABULARY = {
    "status": ["approved", "pending", "rejected"],
    "license": ["mit", "apache-2.0", "gpl-2.0", "gpl-3.0", "cc-by-nc-4.0", "gemma"],
    "task": ["text-classification", "summarization", "text-generation", "object-detection", "automatic-speech-recognition"],
    "domain": ["legal", "medical", "finance", "retail"],
    "language": ["en", "fr"],
    "architecture": ["bert", "mistral", "gemma", "whisper"],
    "quantization": ["q8_0", "q4_k_m"],
    "owner": ["data science team", "bob"],
    "dataset": ["squad", "common-voice"],
    "base_model": ["mistral-7b", "whisper-small"],
    "model": ["acme/retail-detector"],
    "metric": ["accuracy", "wer", "bleu"],
}


def f(field, op, value):
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(("question", "filters", "text"), [
    ("rejected retail models", [f("status", "eq", "rejected"), f("domain", "eq", "retail")], ""),
    ("object detectors under 50M params", [f("task", "eq", "object-detection"), f("parameters", "lt", 50_000_000)], ""),
    ("speech recognition models with wer below 0.1", [f("task", "eq", "automatic-speech-recognition"), f("metric:wer", "lt", 0.1)], ""),
    ("mistral architecture text generators with a context of 16k or more",
     [f("architecture", "eq", "mistral"), f("task", "eq", "text-generation"), f("context_length", "gte", 16384)], ""),
    ("french models owned by the data science team", [f("language", "eq", "fr"), f("owner", "eq", "data science team")], ""),
    ("lora adapters for whisper-small trained on common-voice",
     [f("relation", "eq", "adapter"), f("base_model", "eq", "whisper-small"), f("dataset", "eq", "common-voice")], ""),
    ("gpl licensed summarizers", [f("license", "in", ["gpl-2.0", "gpl-3.0"]), f("task", "eq", "summarization")], ""),
    ("q8 quantized finance models", [f("quantization", "eq", "q8_0"), f("domain", "eq", "finance")], ""),
    ("approved or pending legal models", [f("status", "eq", "approved"), f("status", "eq", "pending"), f("domain", "eq", "legal")], ""),
    ("models submitted before 2024-06-30", [f("created", "lt", "2024-06-30")], ""),
    ("medical models that can read handwriting on prescriptions", [f("domain", "eq", "medical")], "read handwriting on prescriptions"),
    ("fp16 translation models from french to english", [f("dtype", "eq", "f16")], "translation models from french to english"),
    ("aproved sumarization models", [f("status", "eq", "approved"), f("task", "eq", "summarization")], ""),
    ("retail models released in 2024", [f("domain", "eq", "retail"), f("created", "gte", "2024-01-01"), f("created", "lte", "2024-12-31")], ""),
    ("legal models after 2023", [f("domain", "eq", "legal"), f("created", "gt", "2023-12-31")], ""),
    ("models by bob with bleu of at least 35%", [f("owner", "eq", "bob"), f("metric:bleu", "gte", 0.35)], ""),
    ("models from the data science team for fraud", [f("owner", "eq", "data science team")], "fraud"),
    ("models from germany", [], "germany"),
    ("models that need review with more than 2048 tokens", [f("status", "eq", "pending"), f("context_length", "gt", 2048)], ""),
])
def test_extraction_table(question, filters, text):
    extraction = extract(question, VOCABULARY)
    assert sorted(map(str, (x.filter for x in extraction.found))) == sorted(map(str, filters))
    assert extraction.text(load_lexicon()) == text
    assert extraction.ambiguities == []


def test_each_filter_records_its_path_and_words():
    found = {x.filter["field"]: (x.path, x.words) for x in extract("aproved mit models fine-tuned from mistral-7b above 7B params", VOCABULARY).found}
    assert found == {"status": ("fuzzy", "aproved"), "license": ("vocabulary", "mit"), "relation": ("lineage", "fine-tuned from"),
                     "base_model": ("vocabulary", "mistral-7b"), "parameters": ("number", "above 7B params")}


def test_superlative_becomes_a_sort():
    extraction = extract("the largest approved legal models", VOCABULARY)
    assert extraction.sort == {"field": "parameters", "order": "desc"}


def test_a_phrase_naming_two_fields_is_left_for_the_llm():
    extraction = extract("gemma models", VOCABULARY)
    assert [(a.words, a.fields) for a in extraction.ambiguities] == [("gemma", ["architecture", "license"])]
    assert extraction.found == []


def test_a_field_word_settles_the_ambiguity():
    assert [x.filter for x in extract("gemma licensed models", VOCABULARY).found] == [f("license", "eq", "gemma")]
    assert [x.filter for x in extract("gemma architecture models", VOCABULARY).found] == [f("architecture", "eq", "gemma")]


def test_a_comparison_without_a_field_is_reported_not_guessed():
    extraction = extract("legal models with more than 0.5", VOCABULARY)
    assert [x.filter for x in extraction.found] == [f("domain", "eq", "legal")]
    assert extraction.unexpressed == ["more than 0.5"]


def test_an_unnamed_metric_is_left_for_the_llm_among_the_lakes_metrics():
    extraction = extract("legal models that score above 0.9", VOCABULARY)
    (ambiguity,) = extraction.ambiguities
    assert (ambiguity.words, ambiguity.op, ambiguity.fields) == ("score above 0.9", "gt", ["metric:accuracy", "metric:bleu", "metric:wer"])
    assert {value for _, value in ambiguity.options} == {0.9}


@pytest.mark.parametrize(("question", "mode"), [
    ("only the approved ones", "refine"), ("and under 100M parameters?", "refine"), ("what about medical?", "replace"),
    ("legal models", "new"),
])
def test_follow_up_markers(question, mode):
    assert extract(question, VOCABULARY, has_previous=True).follow_up == mode
