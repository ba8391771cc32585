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
    known_owner_introducers: frozenset[str]
    years: dict[tuple[str, ...], dict]
    percent_words: frozenset[str]
    metric_words: frozenset[str]
    lineage_relations: dict[tuple[str, ...], str]
    lineage_nouns: frozenset[str]
    lineage_links: dict[tuple[str, ...], bool]
    lineage_directions: dict[str, dict]
    lineage_direct: frozenset[str]
    lineage_origin_verbs: frozenset[str]
    similarity_cues: frozenset[str]
    lower_is_better: frozenset[str]
    negators: dict[tuple[str, ...], bool]
    negation_fillers: frozenset[str]
    count_words: dict[tuple[str, ...], bool]
    limit_words: frozenset[str]
    sort_by_words: dict[tuple[str, ...], bool]
    sort_direction_words: dict[str, str]
    months: dict[str, int]
    recent_words: frozenset[str]
    period_days: dict[str, int]
    this_words: frozenset[str]
    failure_words: frozenset[str]
    waived_words: frozenset[str]
    unverified_words: frozenset[str]
    verified_words: frozenset[str]
    finding_nouns: frozenset[str]
    why_words: frozenset[str]
    modality_input_words: frozenset[str]
    modality_output_links: frozenset[str]
    modality_output_words: frozenset[str]
    sibling_words: frozenset[str]


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
        known_owner_introducers=frozenset(data["known_owner_introducers"]),
        years=_by_words(data["years"]),
        percent_words=frozenset(data["percent_words"]),
        metric_words=frozenset(data["metric_words"]),
        lineage_relations=_by_words(data["lineage_relations"]),
        lineage_nouns=frozenset(data["lineage_nouns"]),
        lineage_links={words(p): True for p in data["lineage_links"]},
        lineage_directions=data["lineage_directions"],
        lineage_direct=frozenset(data["lineage_direct"]),
        lineage_origin_verbs=frozenset(data["lineage_origin_verbs"]),
        similarity_cues=frozenset(data["similarity_cues"]),
        lower_is_better=frozenset(data["lower_is_better"]),
        negators={tuple(p.split()): True for p in data["negators"]},
        negation_fillers=frozenset(data["negation_fillers"]),
        count_words={words(p): True for p in data["count_words"]},
        limit_words=frozenset(data["limit_words"]),
        sort_by_words={words(p): True for p in data["sort_by_words"]},
        sort_direction_words=data["sort_direction_words"],
        months={str(k): int(v) for k, v in data["months"].items()},
        recent_words=frozenset(data["recent_words"]),
        period_days={str(k): int(v) for k, v in data["period_days"].items()},
        this_words=frozenset(data["this_words"]),
        failure_words=frozenset(data["failure_words"]),
        waived_words=frozenset(data["waived_words"]),
        unverified_words=frozenset(data["unverified_words"]),
        verified_words=frozenset(data["verified_words"]),
        finding_nouns=frozenset(data["finding_nouns"]),
        why_words=frozenset(data["why_words"]),
        modality_input_words=frozenset(data["modality_input_words"]),
        modality_output_links=frozenset(data["modality_output_links"]),
        modality_output_words=frozenset(data["modality_output_words"]),
        sibling_words=frozenset(data["sibling_words"]),
    )
