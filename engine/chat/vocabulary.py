"""Value phrases: every way a question may name a value that exists in the lake, resolved exact or fuzzy.

Built from the lake's vocabulary ({field: values}, engine.search.lake_vocabulary) plus the lexicon's phrases,
and cached per vocabulary, so a lake that gains a license or a task is understood on the next question.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from engine.chat.lexicon import Lexicon, load_lexicon, words
from engine.search.dsl import normalize_value

# Fields a value may be named for anywhere in a question ("approved legal models"). Owners, datasets and base
# models are named only after their introducing phrase ("owned by", "trained on", "fine-tuned from").
FREE_FIELDS = ("status", "license", "task", "domain", "language", "architecture", "quantization", "dtype", "risk_tier", "relation")
# Fields whose values form a closed set listed in the lexicon: understood even before any model uses them.
CLOSED_FIELDS = ("status", "risk_tier", "relation", "dtype")
# Values too common as plain words ("high", "low") to be named alone: only their lexicon phrases count ("high risk").
PHRASE_ONLY_FIELDS = ("risk_tier",)
_VERSION_SUFFIX = re.compile(r"[-_.]?v?\d+(?:\.\d+)*$")

Option = tuple[str, str]  # (field, value)


@dataclass(frozen=True)
class PhraseIndex:
    phrases: dict[tuple[str, ...], frozenset[Option]]
    longest: int

    def match_at(self, tokens: list[str], i: int) -> tuple[int, frozenset[Option]] | None:
        """Longest phrase starting at tokens[i]: (length, options)."""
        for length in range(min(self.longest, len(tokens) - i), 0, -1):
            options = self.phrases.get(tuple(tokens[i:i + length]))
            if options:
                return length, options
        return None



def _spellings(value: str) -> set[tuple[str, ...]]:
    spaced = words(value.replace("-", " ").replace("_", " "))
    return {words(value), spaced}


def _task_forms(value: str, lexicon: Lexicon) -> set[tuple[str, ...]]:
    *head, last = value.split("-")
    return {words(" ".join(head + [form])) for form in lexicon.task_suffix_forms.get(last, [])}


def _family(field: str, value: str) -> str | None:
    """'gpl-3.0' -> 'gpl', 'q4_k_m' -> 'q4': what people say when the version does not matter to them."""
    if field == "license":
        family = _VERSION_SUFFIX.sub("", value)
    elif field == "quantization":
        family = value.split("_")[0]
    else:
        return None
    return family if family and family != value else None


def _plural(phrase: tuple[str, ...]) -> tuple[str, ...]:
    last = phrase[-1]
    return phrase[:-1] + (last if last.endswith("s") or last[-1].isdigit() else last + "s",)


def build_phrase_index(vocabulary: dict[str, list[str]], lexicon: Lexicon | None = None) -> PhraseIndex:
    """Every phrase naming a value of a FREE_FIELD, from the vocabulary and the lexicon."""
    lexicon = lexicon or load_lexicon()
    phrases: dict[tuple[str, ...], set[Option]] = {}

    exact: dict[tuple[str, ...], set[Option]] = {}  # a value's own spelling beats its family ("q4" vs "q4_k_m")

    def add(phrase: tuple[str, ...], field: str, value: str, own: bool = False) -> None:
        if phrase:
            for form in (phrase, _plural(phrase)):
                phrases.setdefault(form, set()).add((field, value))
                if own:
                    exact.setdefault(form, set()).add((field, value))

    known = {field: {normalize_value(field, v) for v in vocabulary.get(field, [])} for field in FREE_FIELDS}
    for field in CLOSED_FIELDS:
        known[field] |= set(lexicon.value_phrases.get(field, {}))
    for field, values in known.items():
        for value in values if field not in PHRASE_ONLY_FIELDS else ():
            for spelling in _spellings(value):
                add(spelling, field, value, own=True)
            for spelling in _task_forms(value, lexicon) if field == "task" else ():
                add(spelling, field, value)
            family = _family(field, value)
            if family:
                for spelling in _spellings(family):
                    add(spelling, field, value)
        for value, value_phrases in lexicon.value_phrases.get(field, {}).items():
            if value in values:
                for phrase in value_phrases:
                    add(words(phrase), field, value)
    for name, code in lexicon.languages.items():
        add((name,), "language", code)
    for phrase, own in exact.items():
        own_fields = {f for f, _ in own}
        phrases[phrase] = {(f, v) for f, v in phrases[phrase] if f not in own_fields} | own
    for phrase in [p for p in phrases if len(p) == 1 and p[0] in lexicon.stopwords]:
        del phrases[phrase]  # a lake value spelled "models" or "the" must not turn every question into a filter
    frozen = {phrase: frozenset(options) for phrase, options in phrases.items()}
    return PhraseIndex(frozen, max((len(p) for p in frozen), default=1))


@lru_cache(maxsize=16)
def _cached_index(vocabulary_json: str) -> PhraseIndex:
    return build_phrase_index(json.loads(vocabulary_json))


def phrase_index(vocabulary: dict[str, list[str]]) -> PhraseIndex:
    """The index for this vocabulary, rebuilt only when the lake's values change."""
    return _cached_index(json.dumps({k: sorted(v) for k, v in vocabulary.items()}, sort_keys=True))
