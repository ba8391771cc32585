"""What the lake can store: strict JSON (no NaN or infinity), text without NUL or lone surrogates, bounded nesting.

Postgres JSONB and text refuse NUL characters and non-finite numbers, and a lone surrogate cannot even be encoded;
found at storage time they fail a whole submission with no field named. Every value that reaches the store (a card, the
facts and fingerprint read from weights) is checked here first, so the problem is reported where it came from.
"""
from __future__ import annotations

import json
import math
from typing import Iterator

JsonPath = tuple[str | int, ...]
INT64 = 2**63 - 1


def unstorable(value: object, *, max_depth: int | None = None, max_nodes: int | None = None,
               max_int: int | None = None) -> Iterator[tuple[JsonPath, str]]:
    """(path, why) for each part of `value` the store cannot hold, in document order; iterative, so depth cannot crash it."""
    stack: list[tuple[JsonPath, object]] = [((), value)]
    nodes = 0
    while stack:
        path, item = stack.pop()
        nodes += 1
        if max_nodes is not None and nodes > max_nodes:
            yield path, f"more than {max_nodes:,} values"
            return
        if max_depth is not None and len(path) > max_depth:
            yield path, f"nested deeper than {max_depth} levels"
            return
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                if not isinstance(key, str):
                    yield path, f"key {key!r} is not text"
                    continue
                reason = _text_problem(key)
                if reason:
                    yield path, f"key {key!r} {reason}"
                    continue
                children.append((path + (key,), child))
            stack.extend(reversed(children))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed([(path + (index,), child) for index, child in enumerate(item)]))
        elif isinstance(item, str):
            reason = _text_problem(item)
            if reason:
                yield path, reason
        elif isinstance(item, float):
            if not math.isfinite(item):
                yield path, f"{item} is not a finite number: JSON and the lake hold no NaN or infinity"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if max_int is not None and abs(item) > max_int:
                yield path, f"an integer of {item.bit_length()} bits, beyond the 64 bits the lake stores and searches"
        else:
            yield path, f"a {type(item).__name__} is not a JSON value"


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "holds a NUL character (U+0000), which the lake cannot store"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"holds a lone surrogate (U+{ord(text[error.start]):04X}), which is not text"
    return None


def loads_strict(raw: bytes | str) -> object:
    """JSON as the format says: NaN, Infinity, numbers that overflow to infinity and duplicate keys raise ValueError."""
    return json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:40]} overflows")
    return number


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, item in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = item
    return result
