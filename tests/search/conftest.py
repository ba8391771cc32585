"""A lake built once per module for the read-only search tests (real submissions, real embeddings)."""
from __future__ import annotations

import pytest

from engine.store.tables import Base
from tests.search.cards import build_lake


@pytest.fixture(scope="module")
def search_lake(session_lake):
    """The test database emptied, then filled with tests/search/cards.LAKE_CARDS; yields (lake, {ref: id})."""
    with session_lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    return session_lake, build_lake(session_lake)


@pytest.fixture
def run(search_lake):
    """run(query dict) -> SearchPage.to_dict() against the module's lake."""
    from engine.search import search

    lake, _ = search_lake

    def run_query(query: dict) -> dict:
        with lake.transaction() as session:
            return search(session, query).to_dict()

    return run_query


def refs(page: dict) -> list[str]:
    return [row["ref"] for row in page["results"]]
