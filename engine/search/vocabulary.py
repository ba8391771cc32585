"""The values that exist in the lake per enumerable field: enums for the chat grammar and for people.

`cached_vocabulary` keeps one vocabulary per database and rebuilds it only when a search document was written since
(a submission, a stored review, a decision: every write sets `updated_at`, indexed, so the check is one index probe).
"""
from __future__ import annotations

import threading

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from engine.search.compile import DOCS, FACETS
from engine.search.dsl import FIELDS, TEXT, TEXT_LIST


def lake_vocabulary(session: Session) -> dict[str, list[str]]:
    """{field: sorted distinct values} for every text field, plus "model" (names) and "metric" (metric names)."""
    parts = []
    for spec in FIELDS.values():
        if spec.kind == TEXT:
            parts.append(select(literal(spec.name).label("field"), FACETS[spec.name].astext.label("value")))
        elif spec.kind == TEXT_LIST:
            parts.append(select(literal(spec.name).label("field"), func.jsonb_array_elements_text(FACETS[spec.name]).label("value")))
    parts.append(select(literal("model").label("field"), DOCS.c.name.label("value")))
    parts.append(select(literal("metric").label("field"), func.jsonb_object_keys(FACETS["metrics"]).label("value")))
    everything = union_all(*parts).subquery()
    rows = session.execute(select(everything.c.field, everything.c.value).where(everything.c.value.is_not(None)).distinct()
                           .order_by(everything.c.field, everything.c.value)).all()
    vocabulary: dict[str, list[str]] = {spec.name: [] for spec in FIELDS.values() if spec.kind in (TEXT, TEXT_LIST)} | {"model": [], "metric": []}
    for field, value in rows:
        vocabulary[field].append(value)
    return vocabulary


_cache: dict[str, tuple[object, dict[str, list[str]]]] = {}
_cache_lock = threading.Lock()


def cached_vocabulary(session: Session) -> dict[str, list[str]]:
    """lake_vocabulary, rebuilt only after a search document changed (any process may have written it)."""
    stamp = session.execute(select(func.max(DOCS.c.updated_at), func.count()).select_from(DOCS)).one()
    key = str(session.get_bind().url)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == tuple(stamp):
            return cached[1]
    vocabulary = lake_vocabulary(session)
    with _cache_lock:
        _cache[key] = (tuple(stamp), vocabulary)
    return vocabulary
