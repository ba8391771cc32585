"""A structured query as chips: each part a reader can remove on its own (one filter, the lineage, the text, ...),
and the query without one of them, which the chat runs as the conversation's next turn (engine.chat.answer.ask_query).

A chip's key names its part by position ("filter:1"), so keys are renumbered after a removal: a page offers the
removal of each chip from the query it shows, never from a later one.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from engine.chat.translate import CHAT_LIMIT
from engine.errors import UsageError
from engine.search.dsl import DEFAULT_SORT, OPERATORS, field_spec, lineage_words, sort_words, value_words


@dataclass(frozen=True)
class Chip:
    key: str
    label: str


def _filter_label(item: dict) -> str:
    spec = field_spec(item["field"])
    if item["op"] == "exists":
        return f"{'with' if item['value'] else 'without'} a {spec.label}"
    return f"{spec.label} {OPERATORS[item['op']].words} {value_words(item['value'])}"


def _sort_label(query: dict) -> str:
    sort = query.get("sort") or DEFAULT_SORT
    top = f"top {query['limit']}" if query.get("limit", CHAT_LIMIT) != CHAT_LIMIT else ""
    order = sort_words(sort["field"], sort["order"] == "desc") if sort["field"] != DEFAULT_SORT["field"] else ""
    return " ".join(part for part in (top, order) if part)


# key -> (is the part there, its label, the query without it), in the order the chips are shown
_PARTS = {
    "lineage": (lambda q: bool(q.get("lineage")), lambda q: lineage_words(q["lineage"]), lambda q: q.pop("lineage")),
    "similar_to": (lambda q: bool(q.get("similar_to")), lambda q: f"behaving like {q['similar_to']}", lambda q: q.pop("similar_to")),
    "text": (lambda q: bool(q.get("text")), lambda q: f'matching "{q["text"]}"', lambda q: q.update(text="")),
    "all_versions": (lambda q: bool(q.get("all_versions")), lambda q: "in every version", lambda q: q.pop("all_versions")),
    "count": (lambda q: bool(q.get("count")), lambda q: "how many", lambda q: q.pop("count")),
    "sort": (lambda q: bool(_sort_label(q)), _sort_label, lambda q: q.update(sort=dict(DEFAULT_SORT), limit=CHAT_LIMIT)),
}


def chips(query: dict) -> list[Chip]:
    """The chips of a validated query (a DSL document as engine.search.dsl.Query.to_dict writes it)."""
    found = [Chip(f"filter:{i}", _filter_label(item)) for i, item in enumerate(query.get("filters", []))]
    return found + [Chip(key, label(query)) for key, (present, label, _) in _PARTS.items() if present(query)]


def without(query: dict, key: str) -> dict:
    """A copy of the query without the chip `key`; UsageError naming the query's chips when it has no such chip."""
    keys = [chip.key for chip in chips(query)]
    if key not in keys:
        raise UsageError(f"the query has no chip {key!r}; its chips are {', '.join(keys) or 'none'}")
    edited = copy.deepcopy(query)
    if key.startswith("filter:"):
        del edited["filters"][int(key.removeprefix("filter:"))]
    else:
        _PARTS[key][2](edited)
    return edited
