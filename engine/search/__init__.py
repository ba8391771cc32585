"""Search: the query DSL, the search documents written at submission, and hybrid ranking.

Engine API for the doors (HTTP, CLI, chat): `search(session, query) -> SearchPage`, `lake_vocabulary(session)`,
`index_version(session, version, evidence)` (a submission step), `refresh_document(session, version)`,
`query_json_schema(vocabulary)`, `parse_query`, `describe`. Importing this package does not import torch;
the embedding model loads on the first query with text. The names load on first use (PEP 562): a policy check
that only needs the DSL's value spellings (engine.search.dsl) does not pay for SQLAlchemy and the store.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    **dict.fromkeys(("FIELDS", "OPERATORS", "Query", "QueryInvalid", "SearchQuery", "describe", "parse_query", "query_json_schema"),
                    "engine.search.dsl"),
    **dict.fromkeys(("SearchPage", "SearchResult", "search"), "engine.search.hybrid"),
    **dict.fromkeys(("index_version", "refresh_document"), "engine.search.index"),
    **dict.fromkeys(("cached_vocabulary", "lake_vocabulary"), "engine.search.vocabulary"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'engine.search' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
