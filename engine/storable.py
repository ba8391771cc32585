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


_UP, _ROOT = object(), object()  # stack markers: leave a container; the root has no key


def unstorable(value: object, *, max_depth: int | None = None, max_nodes: int | None = None,
               max_int: int | None = None) -> Iterator[tuple[JsonPath, str]]:
    """(path, why) for each part of `value` the store cannot hold, in document order. Iterative (depth cannot crash it),
    and the path is one list pushed and popped along the walk, built into a tuple only for a problem. The common case,
    a clean value within the limits, is answered first by the C JSON encoder."""
    if max_int is None and _plainly_storable(value, max_depth, max_nodes):
        return
    path: list = []
    stack: list = [(_ROOT, value)]
    nodes = 0
    while stack:
        key, item = stack.pop()
        if key is _UP:
            path.pop()
            continue
        nodes += 1
        if max_nodes is not None and nodes > max_nodes:
            yield _at(path, key), f"more than {max_nodes:,} values"
            return
        if isinstance(item, (dict, list, tuple)):
            if key is not _ROOT:
                path.append(key)
                stack.append((_UP, None))  # popped once every child has been walked
            if max_depth is not None and len(path) > max_depth:
                yield tuple(path), f"nested deeper than {max_depth} levels"
                return
            if isinstance(item, dict):
                children = []
                for child_key, child in item.items():
                    reason = _text_problem(child_key) if isinstance(child_key, str) else "is not text"
                    if reason:
                        yield tuple(path), f"key {child_key!r} {reason}"
                        continue
                    children.append((child_key, child))
                stack.extend(reversed(children))
            else:
                stack.extend(reversed(list(enumerate(item))))
            continue
        reason = _leaf_problem(item, max_int)
        if reason:
            yield _at(path, key), reason


def _plainly_storable(value: object, max_depth: int | None, max_nodes: int | None) -> bool:
    """True when the value surely has nothing to report: it encodes as strict JSON text without NUL, and it is too small
    to exceed the limits (each value takes at least one character of JSON, each level of nesting one bracket).
    False only means "walk it": a string holding the six characters \\u0000 looks like a NUL here."""
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, check_circular=False)
        text.encode("utf-8")
    except (ValueError, TypeError, RecursionError, UnicodeEncodeError):
        return False
    small = (max_depth is None or len(text) <= max_depth) and (max_nodes is None or len(text) <= max_nodes)
    return "\\u0000" not in text and (small or _within_limits(value, max_depth, max_nodes))


def _within_limits(value: object, max_depth: int | None, max_nodes: int | None) -> bool:
    """Depth and size alone, without paths (the full walk reports where)."""
    stack, nodes = [(value, 0)], 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if (max_nodes is not None and nodes > max_nodes) or (max_depth is not None and depth > max_depth):
            return False
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((child, depth + 1) for child in item)
    return True


def _at(path: list, key: object) -> JsonPath:
    return tuple(path) + ((key,) if key is not _ROOT else ())


def _leaf_problem(item: object, max_int: int | None) -> str | None:
    if isinstance(item, str):
        return _text_problem(item)
    if isinstance(item, float):
        return None if math.isfinite(item) else f"{item} is not a finite number: JSON and the lake hold no NaN or infinity"
    if isinstance(item, bool) or item is None:
        return None
    if isinstance(item, int):
        return f"an integer of {item.bit_length()} bits, beyond the 64 bits the lake stores and searches" \
            if max_int is not None and abs(item) > max_int else None
    return f"a {type(item).__name__} is not a JSON value"


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
