"""Settings, read once from the environment. Every knob has a documented variable (docs/configuration.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str | None

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """MODELLAKE_HOME (default ./.modellake) holds the embedded database and caches; DATABASE_URL overrides the database."""
    env = os.environ if environ is None else environ
    home = Path(env.get("MODELLAKE_HOME", ".modellake")).expanduser().resolve()
    return Settings(home=home, database_url=env.get("DATABASE_URL") or None)
