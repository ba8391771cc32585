"""Natural-language questions -> DSL: accuracy and latency of the chat translation, next to a keyword-only baseline.

Questions: /work/shared/nlq/dev.jsonl (or --questions). Vocabulary: benchmarks/nlq_vocabulary.yaml, the values
dev.jsonl's expected queries use plus distractors (not read from a lake; search execution is not timed).
A question is fully correct when its filters equal the expected ones as a set (values case-insensitive,
numbers exact), its sort equals the expected sort (default relevance when none is expected), and its free
text keeps the right words: the content words of the expected text equal those of the produced text, once
words a filter already expresses ("legal" with domain = legal) are set aside. The baseline sends the whole
question as text with no filters, scored the same way. Latency: per question, after one warm-up question
that loads the LLM and the embedding model (reported separately); medians and p95 over --repeats passes.
The LLM-only comparison (the default GGUF writes the whole query, few-shot, under the grammar of the DSL's
JSON Schema with the vocabulary's enums) runs on the first --llm-only questions: it takes about a minute
per question on 2 cores.
Usage: python benchmarks/nlq.py [--questions FILE] [--repeats N] [--llm-only N] [--verbose]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

import yaml

from engine.chat.lexicon import PROMPTS_DIR, tokenize
from engine.chat.translate import translate
from engine.errors import UsageError
from engine.search.dsl import parse_query, query_json_schema

DEV_SET = Path("/work/shared/nlq/dev.jsonl")
VOCABULARY = Path(__file__).with_name("nlq_vocabulary.yaml")
DEFAULT_SORT = {"field": "relevance", "order": "desc"}
# No dev question needs the LLM, so its cost is timed on these (latency only: their right answers are debatable).
LLM_PATH_QUESTIONS = ["gemma models that passed review", "approved legal models that score above 0.9",
                      "llama models under 1B parameters", "clinical models for discharge summaries"]
# The scorer's own short list (not the chat lexicon's), so the metric does not grade the parser by its own rules.
SCORING_STOPWORDS = frozenset("a an the of in on for to with by and or that which what who is are were was can me show find "
                              "models model something any some all".split())


def _canonical_filter(f: dict) -> str:
    value = f["value"]
    value = sorted(str(v).lower() for v in value) if isinstance(value, list) else (str(value).lower() if isinstance(value, str) else value)
    return json.dumps([f["field"], f["op"], value])


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _content_words(text: str, expressed: set[str]) -> set[str]:
    return {_stem(t.text) for t in tokenize(text or "")} - SCORING_STOPWORDS - expressed


def _filter_words(filters: list[dict]) -> set[str]:
    values = [v for f in filters for v in (f["value"] if isinstance(f["value"], list) else [f["value"]])]
    return {_stem(t.text) for v in values for t in tokenize(str(v).replace("-", " ").replace("_", " "))}


def score(query: dict, expect: dict) -> dict[str, bool]:
    filters_ok = sorted(map(_canonical_filter, query.get("filters", []))) == sorted(map(_canonical_filter, expect.get("filters", [])))
    sort_ok = (query.get("sort") or DEFAULT_SORT) == (expect.get("sort") or DEFAULT_SORT)
    expressed = _filter_words(expect.get("filters", [])) | _filter_words(query.get("filters", []))
    text_ok = _content_words(query.get("text", ""), expressed) == _content_words(expect.get("text", ""), expressed)
    return {"filters": filters_ok, "sort": sort_ok, "text": text_ok, "correct": filters_ok and sort_ok and text_ok}


def llm_only_translator(vocabulary: dict[str, list[str]]):
    """The comparison: the default LLM writes the whole query (few-shot) under the grammar of the DSL's JSON
    Schema with the vocabulary's enums; an invalid document counts as an empty query."""
    from engine.chat.llm import get_llm

    schema = query_json_schema(vocabulary)
    schema = {"type": "object", "additionalProperties": False, "required": ["filters", "text"],
              "properties": {"filters": schema["properties"]["filters"] | {"maxItems": 4}, "text": {"type": "string", "maxLength": 80}}}
    messages = [{"role": "system", "content": (PROMPTS_DIR / "dsl_system.txt").read_text().strip()}]
    for example in yaml.safe_load((PROMPTS_DIR / "dsl_examples.yaml").read_text()):
        messages += [{"role": "user", "content": example["question"]}, {"role": "assistant", "content": json.dumps(example["query"])}]
    llm = get_llm()

    def run(question: str) -> dict:
        raw = llm.generate(messages + [{"role": "user", "content": question}], schema, max_tokens=160)
        try:
            return parse_query(json.loads(raw)).to_dict()
        except (json.JSONDecodeError, UsageError):
            return {"text": "", "filters": []}

    return run


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=DEV_SET)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="Print every question that is not fully correct.")
    parser.add_argument("--llm-only", type=int, default=4, metavar="N",
                        help="Also run the LLM-only comparison on the first N questions (about a minute each on 2 cores; 0 skips).")
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    vocabulary = yaml.safe_load(VOCABULARY.read_text())

    started = time.perf_counter()
    translate("gemma models for clinical notes", vocabulary)  # warm-up: loads the LLM and the embedding model
    cold = time.perf_counter() - started

    hybrid_scores, baseline_scores, latencies, baseline_latencies = [], [], [], []
    llm_only = llm_only_translator(vocabulary) if args.llm_only else None
    llm_only_scores, llm_only_latencies = [], []
    paths, llm_calls = Counter(), 0
    for case in cases:
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            translation = translate(case["question"], vocabulary)
            times.append(time.perf_counter() - started)
        latencies.append(statistics.median(times))
        result = score(translation.query, case["expect"])
        hybrid_scores.append(result)
        paths.update(found["path"] for found in translation.provenance["found"])
        llm_calls += len(translation.provenance["llm"])
        if args.verbose and not result["correct"]:
            print(f"MISS {case['question']!r}: {json.dumps(translation.query)} ({result})")
        started = time.perf_counter()
        baseline_query = {"text": case["question"], "filters": []}
        baseline_latencies.append(time.perf_counter() - started)
        baseline_scores.append(score(baseline_query, case["expect"]))
        if llm_only and len(llm_only_scores) < args.llm_only:
            started = time.perf_counter()
            llm_query = llm_only(case["question"])
            llm_only_latencies.append(time.perf_counter() - started)
            llm_only_scores.append(score(llm_query, case["expect"]))

    llm_path_latencies = []
    for question in LLM_PATH_QUESTIONS:
        started = time.perf_counter()
        translation = translate(question, vocabulary)
        llm_path_latencies.append(time.perf_counter() - started)
        llm_calls_probe = len(translation.provenance["llm"])
        assert llm_calls_probe >= 1, f"expected an LLM decision for {question!r}"
    n = len(cases)

    def rate(scores: list[dict], key: str) -> str:
        hits = sum(s[key] for s in scores)
        return f"{hits}/{n} ({100 * hits / n:.0f}%)"

    print(f"questions: {n} from {args.questions}; vocabulary: {VOCABULARY.name} (dev values + distractors)")
    print(f"{'':28}{'hybrid (lexicon+vocab+LLM)':>30}{'baseline (keyword-only)':>28}")
    for key in ("correct", "filters", "text", "sort"):
        print(f"{key + (' (fully)' if key == 'correct' else ''):28}{rate(hybrid_scores, key):>30}{rate(baseline_scores, key):>28}")
    print(f"{'latency p50 (s)':28}{statistics.median(latencies):>30.4f}{statistics.median(baseline_latencies):>28.6f}")
    print(f"{'latency p95 (s)':28}{_percentile(latencies, 0.95):>30.4f}{_percentile(baseline_latencies, 0.95):>28.6f}")
    if llm_only:
        m = len(llm_only_scores)
        print(f"LLM only (whole query under the DSL-schema grammar with lake enums, first {m} questions): fully correct "
              f"{sum(x['correct'] for x in llm_only_scores)}/{m}, filters {sum(x['filters'] for x in llm_only_scores)}/{m}, "
              f"hybrid on the same {m}: {sum(x['correct'] for x in hybrid_scores[:m])}/{m}; "
              f"p50 {statistics.median(llm_only_latencies):.2f} s, p95 {_percentile(llm_only_latencies, 0.95):.2f} s")
    print(f"questions that need one LLM decision ({len(LLM_PATH_QUESTIONS)}): p50 {statistics.median(llm_path_latencies):.2f} s, "
          f"max {max(llm_path_latencies):.2f} s")
    print(f"cold start (first question, loads LLM + embeddings): {cold:.2f} s")
    print(f"filters by path: {dict(paths)}; LLM calls: {llm_calls} over {n} questions")


if __name__ == "__main__":
    main()
