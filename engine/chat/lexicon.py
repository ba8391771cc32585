"""The question lexicon (prompts/nlq/lexicon.yaml) as token tables, and the tokenizer they are matched with."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts" / "nlq"

# Identifiers keep their inner punctuation ("bert-base-uncased", "apache-2.0", "2025-01-01", "0.9", "8k").
_TOKEN = re.compile(r"[a-z0-9][a-z0-9._@/+-]*[a-z0-9+]|[a-z0-9]|[<>]=?|=|->|%")


@dataclass(frozen=True)
class Token:
    text: str  # lowercased
    start: int  # character offsets in the question
    end: int


def tokenize(text: str) -> list[Token]:
    """Lowercased word tokens with their character offsets; punctuation other than comparison signs is dropped."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text.lower())]


def words(phrase: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(phrase))


@dataclass(frozen=True)
class Lexicon:
    comparisons_before: dict[tuple[str, ...], str]
    comparisons_after: dict[tuple[str, ...], str]
    numeric_fields: dict[tuple[str, ...], str]
    magnitudes: dict[str, int]
    binary_k_fields: frozenset[str]
    default_field_for_magnitude: str
    number_words: dict[str, int]
    sorts: dict[tuple[str, ...], dict]
    lineage: dict[tuple[str, ...], str | None]
    lineage_fillers: tuple[tuple[str, ...], ...]
    introducers: dict[tuple[str, ...], str]
    field_cues: dict[tuple[str, ...], str]
    task_suffix_forms: dict[str, list[str]]
    value_phrases: dict[str, dict[str, list[str]]]
    languages: dict[str, str]
    language_pair_words: frozenset[str]
    follow_up_refine: tuple[tuple[str, ...], ...]
    follow_up_replace: tuple[tuple[str, ...], ...]
    anaphora: frozenset[str]
    stopwords: frozenset[str]
    metrics: dict[tuple[str, ...], str]
    relative_pronouns: frozenset[str]
    relative_modals: frozenset[str]
    relative_fact_verbs: frozenset[str]
    known_owner_introducers: frozenset[str]
    years: dict[tuple[str, ...], dict]
    percent_words: frozenset[str]
    metric_words: frozenset[str]


def _by_words(mapping: dict) -> dict:
    return {words(phrase): value for phrase, value in mapping.items()}


def _inverted(mapping: dict[str, list[str]]) -> dict:
    return {words(phrase): key for key, phrases in mapping.items() for phrase in phrases}


@cache
def load_lexicon(path: Path = PROMPTS_DIR / "lexicon.yaml") -> Lexicon:
    """Read the lexicon data file once per process."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    follow_up = data["follow_up"]
    return Lexicon(
        comparisons_before=_by_words(data["comparisons"]["before"]),
        comparisons_after=_by_words(data["comparisons"]["after"]),
        numeric_fields=_inverted(data["numeric_fields"]),
        magnitudes={str(k): int(v) for k, v in data["magnitudes"].items()},
        binary_k_fields=frozenset(data["binary_k_fields"]),
        default_field_for_magnitude=data["default_field_for_magnitude"],
        number_words={str(k): int(v) for k, v in data["number_words"].items()},
        sorts=_by_words(data["sorts"]),
        lineage=_by_words(data["lineage"]),
        lineage_fillers=tuple(words(p) for p in data["lineage_fillers"]),
        introducers=_inverted(data["introducers"]),
        field_cues=_inverted(data["field_cues"]),
        task_suffix_forms=data["task_suffix_forms"],
        value_phrases=data["value_phrases"],
        languages=data["languages"],
        language_pair_words=frozenset(data["language_pair_words"]),
        follow_up_refine=tuple(words(p) for p in follow_up["refine"]),
        follow_up_replace=tuple(words(p) for p in follow_up["replace"]),
        anaphora=frozenset(follow_up["anaphora"]),
        stopwords=frozenset(data["stopwords"]),
        metrics=_by_words(data["metrics"]),
        relative_pronouns=frozenset(data["relative_pronouns"]),
        relative_modals=frozenset(data["relative_modals"]),
        relative_fact_verbs=frozenset(data["relative_fact_verbs"]),
        known_owner_introducers=frozenset(data["known_owner_introducers"]),
        years=_by_words(data["years"]),
        percent_words=frozenset(data["percent_words"]),
        metric_words=frozenset(data["metric_words"]),
    )
