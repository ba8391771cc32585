"""Shared fixtures: one real embedded Postgres (pgserver) per test session, emptied between tests."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from engine.config import Settings
from engine.store.database import Lake, open_lake
from engine.store.tables import Base

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def database_url() -> str:
    """A migrated database: the embedded Postgres, or TEST_DATABASE_URL when set."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    home = Path(tempfile.mkdtemp(prefix="modellake-test-"))
    lake = open_lake(Settings(home=home, database_url=None))
    url = lake.url
    lake.dispose()
    return url


@pytest.fixture(scope="session")
def session_lake(database_url: str) -> Lake:
    lake = open_lake(Settings(home=Path(tempfile.gettempdir()), database_url=database_url))
    yield lake
    lake.dispose()


@pytest.fixture
def lake(session_lake: Lake) -> Lake:
    """The test database, emptied before the test (the evidence job queue too)."""
    from sqlalchemy import text

    with session_lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(text("TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, procrastinate_workers"))
    return session_lake


@pytest.fixture
def lake_env(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> Lake:
    """Point CLI commands (which open their own lake from the environment) at the test database."""
    monkeypatch.setenv("DATABASE_URL", lake.url)
    return lake
