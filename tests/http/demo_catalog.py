"""The demo lake's catalog for the catalog and queue pages, built once per test session into its own database.

It is the demo lake of examples/build_lake.py without the heavy part: the 170 synthetic cards (their planted flaws,
owners as submitters, the reviewer following the automated verdict and leaving every seventh pending) and the
planted `demo/ticket-embedder` (claims 33,000,000 parameters). Its weights here are the packaged all-MiniLM-L6-v2
(recipe `minilm`, 22,713,216 parameters, like the family member the full demo derives), so nothing is trained.
A database of its own keeps it from being emptied by the per-test `lake` fixture.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.config import Settings
from engine.store.database import Lake, open_lake
from examples.build_lake import DemoModel, build_lake, load_plan
from examples.synthetic_cards import synthetic_cards

DATABASE = "modellake_demo_catalog"
PLANTED = "demo/ticket-embedder@1.0"
PLANTED_RULE = "claims.parameters"
CLAIMED, OBSERVED = 33_000_000, 22_713_216
PLANTED_ROW = DemoModel(card="planted/ticket-embedder.yaml", weights={"recipe": "minilm"}, planted=PLANTED_RULE)


def build_demo_catalog(session_lake: Lake, home: Path) -> Lake:
    """A fresh database next to the test one, migrated, holding the demo catalog (no decision on the planted card)."""
    url = make_url(session_lake.url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    lake = open_lake(Settings(home=home, database_url=url.set(database=DATABASE).render_as_string(hide_password=False)))
    plan = dataclasses.replace(load_plan(), models=[PLANTED_ROW], waivers=[])
    build_lake(lake, home, plan=plan)
    return lake


def latest_cards() -> dict[str, dict]:
    """name -> the latest synthetic card of that name (a later card of the same name is its newer version)."""
    latest: dict[str, dict] = {}
    for card in synthetic_cards():
        latest[card["name"]] = card
    return latest


def expected_counts(field: str) -> Counter:
    """How many models of the demo catalog (latest versions) have each value of a card field, the planted card included."""
    planted = {"license": "apache-2.0", "domain": "customer-support", "pipeline_tag": "sentence-similarity"}
    counts = Counter(card.get(field) for card in latest_cards().values())
    counts[planted[field]] += 1
    return counts
