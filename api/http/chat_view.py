"""What the chat page shows: the conversation's earlier turns, the current query as chips (each with the query
without it, which its Remove button posts back as the next turn), and example questions from the lake's values."""
from __future__ import annotations

import json

from engine.chat.chips import chips, without
from engine.search.dsl import describe, parse_query


def removable_chips(query: dict) -> list[dict]:
    """{label, query (JSON of the query without the chip), said (what the turn records as asked)} per chip."""
    return [{"label": chip.label, "query": json.dumps(without(query, chip.key), separators=(",", ":")), "said": f"removed: {chip.label}"}
            for chip in chips(query)]


def shown_turn(turn: dict) -> dict:
    """A stored turn as the history shows it: what was asked and how the lake understood it."""
    return {"turn": turn["turn"], "question": turn["question"], "description": describe(parse_query(turn["query"])), "query": turn["query"]}
