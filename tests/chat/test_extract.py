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
    "task": ["text-classification", "summarization", "text-generation", "object-detection", "automatic-speech-recognition", "translation"],
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
    ("lora adapters for whisper-small trained on common-voice", [f("dataset", "eq", "common-voice")], ""),
    ("gpl licensed summarizers", [f("license", "in", ["gpl-2.0", "gpl-3.0"]), f("task", "eq", "summarization")], ""),
    ("q8 quantized finance models", [f("quantization", "eq", "q8_0"), f("domain", "eq", "finance")], ""),
    ("approved or pending legal models", [f("status", "eq", "approved"), f("status", "eq", "pending"), f("domain", "eq", "legal")], ""),
    ("models submitted before 2024-06-30", [f("created", "lt", "2024-06-30")], ""),
    ("medical models that can read handwriting on prescriptions", [f("domain", "eq", "medical")], "read handwriting on prescriptions"),
    # the language pair is a direction the DSL cannot state: its words stay text, to rank by
    ("fp16 translation models from french to english", [f("dtype", "eq", "f16"), f("task", "eq", "translation")], "french to english"),
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
    extraction = extract("aproved mit models fine-tuned from mistral-7b above 7B params", VOCABULARY)
    found = {x.filter["field"]: (x.path, x.words) for x in extraction.found}
    assert found == {"status": ("vocabulary", "aproved"), "license": ("vocabulary", "mit"), "parameters": ("number", "above 7B params")}
    assert extraction.corrections == {"aproved": "approved"}
    assert extraction.lineage == {"descendant_of": "mistral-7b", "relation": "finetune"}


@pytest.mark.parametrize(("question", "lineage", "similar_to"), [
    ("lora adapters for whisper-small", {"descendant_of": "whisper-small", "relation": "adapter"}, None),
    ("everything derived from mistral-7b", {"descendant_of": "mistral-7b"}, None),
    ("direct children of acme/retail-detector", {"descendant_of": "acme/retail-detector", "depth": 1}, None),
    ("what was acme/retail-detector fine-tuned from?", {"ancestor_of": "acme/retail-detector", "relation": "finetune", "depth": 1}, None),
    ("siblings of acme/retail-detector", {"sibling_of": "acme/retail-detector"}, None),
    ("models similar to acme/retail-detector", None, "acme/retail-detector"),
    ("anything like retail-detector", None, "acme/retail-detector"),  # the name without its owner
])
def test_lineage_and_similarity_name_a_model(question, lineage, similar_to):
    extraction = extract(question, VOCABULARY)
    assert (extraction.lineage, extraction.similar_to) == (lineage, similar_to)


@pytest.mark.parametrize(("question", "filters"), [
    ("legal models that are not approved", [f("domain", "eq", "legal"), f("status", "ne", "approved")]),
    ("models with a license other than mit or gpl-3.0", [f("license", "ne", "mit"), f("license", "ne", "gpl-3.0")]),
    ("non-finance models", [f("domain", "ne", "finance")]),
    ("models that aren't rejected", [f("status", "ne", "rejected")]),
    ("models without a quantization", [f("quantization", "exists", False)]),
    ("models between 1B and 7B parameters", [f("parameters", "gte", 1_000_000_000), f("parameters", "lte", 7_000_000_000)]),
    ("models with 6 to 12 layers", [f("layers", "gte", 6), f("layers", "lte", 12)]),
    ("models whose context length exceeds 8k", [f("context_length", "gt", 8192)]),
    ("models with a verified accuracy above 0.9", [f("verified:accuracy", "gt", 0.9)]),
    ("speech models with a word error rate under 0.1", [f("metric:wer", "lt", 0.1)]),
])
def test_negation_ranges_and_new_fields(question, filters):
    assert sorted(map(str, (x.filter for x in extract(question, VOCABULARY, use_embeddings=False).found))) == sorted(map(str, filters))


def test_counts_limits_sorts_and_dates():
    import datetime as dt

    today = dt.date(2026, 12, 1)
    x = extract("how many legal models are there?", VOCABULARY)
    assert x.count and [f.filter for f in x.found] == [f("domain", "eq", "legal")]
    x = extract("top 3 models by accuracy", VOCABULARY)
    assert (x.limit, x.sort) == (3, {"field": "metric:accuracy", "order": "desc"})
    assert extract("lowest wer first", VOCABULARY).sort == {"field": "metric:wer", "order": "asc"}
    assert extract("best models by wer", VOCABULARY).sort == {"field": "metric:wer", "order": "asc"}  # lower is better
    assert [x.filter for x in extract("models added since June", VOCABULARY, today=today).found] == [f("created", "gte", "2026-06-01")]
    assert [x.filter for x in extract("models registered in the last 90 days", VOCABULARY, today=today).found] == \
        [f("created", "gte", "2026-09-02")]
    assert [x.filter for x in extract("models created after March 2026", VOCABULARY, today=today).found] == [f("created", "gt", "2026-03-31")]


def test_findings_are_named_by_the_rules_own_words():
    found = [x.filter for x in extract("which models failed the parameter check?", VOCABULARY).found]
    assert found == [f("failed_rule", "eq", "claims.parameters")]
    assert [x.filter for x in extract("models with a waived license finding", VOCABULARY).found] == [f("waived_rule", "eq", "license.allowed")]
    assert f("failed_rule", "exists", False) in [x.filter for x in extract("approved models with no failed rules", VOCABULARY).found]
    x = extract("rejected models and why", VOCABULARY)
    assert x.why and [f.filter for f in x.found] == [f("status", "eq", "rejected")]


@pytest.mark.parametrize(("phrase", "tasks"), [
    ("text embeddings", {"feature-extraction", "sentence-similarity"}),  # either, as the issue says
    ("models that accept images", {"image-classification"}),
    ("speech to text models", {"automatic-speech-recognition"}),
    ("chatbots", {"text-generation"}),
])
def test_task_words_map_through_the_taxonomy(phrase, tasks):
    # the lake has these tasks, and no value phrase of theirs is in the question: only the taxonomy can answer
    vocabulary = VOCABULARY | {"task": ["feature-extraction", "sentence-similarity", "image-classification", "automatic-speech-recognition",
                                        "text-generation", "summarization"]}
    found = [x.filter for x in extract(phrase, vocabulary).found if x.filter["field"] == "task"]
    assert found and tasks & set(found[0]["value"] if isinstance(found[0]["value"], list) else [found[0]["value"]])


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
