"""Connecting to the lake's Postgres: DATABASE_URL, or an embedded real Postgres (pgserver) under MODELLAKE_HOME.

Opening a lake brings its schema to the newest migration (under an advisory lock, so concurrent processes
do not race), and creates the `vector` and `pg_trgm` extensions on first use.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings, load_settings
from engine.errors import DatabaseUnavailable, UsageError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK_ID = 7_240_301  # arbitrary, constant: serialises migrations across processes
# SQLSTATEs of class 54 (program limit exceeded: a tsvector over 1 MB, too many columns, ...): the input's size, not an outage
_INPUT_TOO_LARGE = frozenset({"54000", "54001", "54011", "54023"})


@dataclass
class Lake:
    """An open connection pool to one lake database."""

    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error (nothing half-written)."""
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, InterfaceError) as error:
            if getattr(error.orig, "sqlstate", None) in _INPUT_TOO_LARGE:  # Postgres files "too large" under operational errors
                raise UsageError(f"a value is too large to store: {str(error.orig).splitlines()[0]}") from error
            raise DatabaseUnavailable(f"database unavailable: {error.orig or error}") from error
        except DataError as error:  # a value Postgres cannot hold (NUL in text, number out of range): the input's fault
            raise UsageError(f"a value cannot be stored: {str(error.orig or error).splitlines()[0]}") from error
        except DBAPIError as error:
            if error.connection_invalidated:  # the server went away mid-statement, whatever the driver called it
                raise DatabaseUnavailable(f"database unavailable: {error.orig or error}") from error
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def embedded_database_url(pgdata: Path) -> str:
    """Start (or reuse) the embedded Postgres for `pgdata` and return its SQLAlchemy URL."""
    with warnings.catch_warnings():  # pgserver keeps its lock file in the runtime dir; /tmp/runtime-UID is fine without XDG
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata)
    return server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


def sqlalchemy_url(url: str) -> str:
    """Accept plain postgres:// URLs and point them at the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def open_lake(settings: Settings | None = None, *, migrate: bool = True) -> Lake:
    """Connect to the configured database and bring its schema up to date."""
    settings = settings or load_settings()
    url = sqlalchemy_url(settings.database_url) if settings.database_url else embedded_database_url(settings.pgdata)
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    lake = Lake(engine=engine, url=url)
    if migrate:
        migrate_to_head(lake)
    return lake


def migrate_to_head(lake: Lake) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with lake.engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
    except OperationalError as error:
        raise DatabaseUnavailable(f"database unavailable: {error.orig or error}") from error
