"""Search: the query DSL, the search documents written at submission, and hybrid ranking.

Engine API for the doors (HTTP, CLI, chat): `search(session, query) -> SearchPage`, `lake_vocabulary(session)`,
`index_version(session, version, evidence)` (a submission step), `refresh_status(session, version)`,
`query_json_schema(vocabulary)`, `parse_query`, `describe`. Importing this package does not import torch;
the embedding model loads on the first query with text.
"""
from engine.search.dsl import FIELDS, OPERATORS, Query, QueryInvalid, SearchQuery, describe, parse_query, query_json_schema
from engine.search.hybrid import SearchPage, SearchResult, search
from engine.search.index import index_version, refresh_status
from engine.search.vocabulary import lake_vocabulary

__all__ = ["FIELDS", "OPERATORS", "Query", "QueryInvalid", "SearchPage", "SearchQuery", "SearchResult", "describe", "index_version",
           "lake_vocabulary", "parse_query", "query_json_schema", "refresh_status", "search"]
