"""Negation: a negator before what a filter says turns it around ("not approved" -> status ne approved, "other than mit
or apache-2.0" -> license nin [...], "without a quantization" -> quantization exists false, "non-finance")."""
from __future__ import annotations

from dataclasses import replace

from engine.chat.lexicon import Lexicon
from engine.chat.spans import Extraction, Found, match, match_ending

# Each operator and its opposite; `in` and `nin` are joined when several values are negated together.
OPPOSITE = {"eq": "ne", "ne": "eq", "in": "nin", "nin": "in", "gt": "lte", "lte": "gt", "gte": "lt", "lt": "gte"}
_CONNECTORS = ("or", "and", "nor", ",", "/")


def _negator_before(x: Extraction, lexicon: Lexicon, start: int) -> int | None:
    """Position of a free negator ending just before `start`, over filler words and field words."""
    texts = [t.text for t in x.tokens]
    i = start
    while i > 0 and (texts[i - 1] in lexicon.negation_fillers or (texts[i - 1],) in lexicon.field_cues) and not x.consumed[i - 1]:
        i -= 1
    hit = match_ending(lexicon.negators, texts, i, longest=2)
    if hit and all(not x.consumed[j] for j in range(i - hit[0], i)):
        return i - hit[0]
    return None


def negate(found: Found) -> Found:
    f = found.filter
    if f["op"] == "exists":
        return replace(found, filter=f | {"value": not f["value"]}, path=found.path + "+negation")
    if f["op"] not in OPPOSITE:
        return found
    return replace(found, filter=f | {"op": OPPOSITE[f["op"]]}, path=found.path + "+negation")


def apply_negation(x: Extraction, lexicon: Lexicon) -> None:
    """Negate each filter a negator stands before, and the values joined to it by "or"/"and" ("not mit or gpl")."""
    negated_fields: dict[str, int] = {}
    ordered = sorted(range(len(x.found)), key=lambda k: x.found[k].start)
    for k in ordered:
        found = x.found[k]
        where = _negator_before(x, lexicon, found.start)
        joined = found.filter["field"] in negated_fields and _joined(x, negated_fields[found.filter["field"]], found.start)
        if where is None and not joined:
            continue
        if where is not None:
            length = match(lexicon.negators, [t.text for t in x.tokens], where, longest=2)[0]
            x.take(where, where + length)
        x.found[k] = negate(found)
        negated_fields[found.filter["field"]] = _end_of(x, found)
    _field_words_negated(x, lexicon)


def _end_of(x: Extraction, found: Found) -> int:
    end = found.start
    while end < len(x.tokens) and x.consumed[end]:
        end += 1
    return end


def _joined(x: Extraction, after: int, start: int) -> bool:
    return after <= start and all(x.tokens[i].text in _CONNECTORS or x.tokens[i].text in ("the", "a") for i in range(after, start))


def _field_words_negated(x: Extraction, lexicon: Lexicon) -> None:
    """'without a quantization', 'no context length': a negated field word with no value means the field has none."""
    texts = [t.text for t in x.tokens]
    for i in range(len(texts)):
        if x.consumed[i]:
            continue
        hit = match(lexicon.negators, texts, i, longest=2)
        if not hit:
            continue
        j = i + hit[0]
        while j < len(texts) and texts[j] in lexicon.negation_fillers and not x.consumed[j]:
            j += 1
        cue = match(lexicon.field_cues, texts, j) or match(lexicon.numeric_fields, texts, j)
        if cue and all(not x.consumed[k] for k in range(j, j + cue[0])):
            x.found.append(Found({"field": cue[1], "op": "exists", "value": False}, x.words(i, j + cue[0]), "negation", i))
            x.take(i, j + cue[0])
