"""Whole-process time of `modellake submit` / `audit` on N cards: one process per card (the baseline, as before issue 20)
against one process for all of them, measured in the same run against the same Postgres.

Cards: the demo's synthetic generator (examples/synthetic_cards.py), written as YAML files. Each side starts from an
empty lake, so both store the same N versions. The per-card process pays Python start-up, imports, the database
connection, the policy packs and (for submit) torch and the embedding model every time; the batch pays them once.
Usage: python benchmarks/cli_batch.py [--cards 36] [--commands submit,audit]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.config import Settings  # noqa: E402
from engine.store.database import open_lake  # noqa: E402
from engine.store.tables import Base  # noqa: E402
from examples.synthetic_cards import synthetic_cards  # noqa: E402

MODELLAKE = str(Path(sys.executable).parent / "modellake")
EXTRA_ARGS = {"submit": ["--by", "benchmark"], "audit": ["--as-of", "2026-12-01"]}


def write_cards(folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for data in synthetic_cards(count)[:count]:  # the generator adds family members past `count`
        data = {key: value for key, value in data.items() if key != "_flaw"}
        path = folder / f"{data['name'].replace('/', '__')}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        paths.append(str(path))
    return paths


def stored_versions(lake) -> int:
    from sqlalchemy import func, select

    from engine.store.tables import ModelVersion

    with lake.transaction() as session:
        return session.execute(select(func.count()).select_from(ModelVersion)).scalar_one()


def empty(lake) -> None:
    with lake.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run([MODELLAKE, *args], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:  # 1 is a card failing its review; nothing else is
        raise SystemExit(f"{' '.join(args[:3])}... exited {done.returncode}: {done.stderr[-1500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=36)
    parser.add_argument("--commands", default="submit,audit")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="modellake-bench-"))
    lake = open_lake(Settings(home=home, database_url=None))
    env = os.environ | {"DATABASE_URL": lake.url, "MODELLAKE_HOME": str(home), "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    cards = write_cards(home / "cards", args.cards)
    print(f"{args.cards} synthetic cards, {os.cpu_count()} cores; whole-process wall times")
    try:
        for command in args.commands.split(","):
            empty(lake)
            per_process = [timed([command, card, *EXTRA_ARGS[command]], env) for card in cards]
            stored = stored_versions(lake)
            empty(lake)
            batch = timed([command, *cards, "--no-progress", *EXTRA_ARGS[command]], env)
            if stored_versions(lake) != stored:  # both sides did the same work (submit stores every card, audit none)
                raise SystemExit(f"{command}: {stored} versions stored one by one, {stored_versions(lake)} by the batch")
            before = sum(per_process)
            print(f"{command}: {len(cards)} processes {before:.1f} s (median {statistics.median(per_process):.2f} s each)  |  "
                  f"one process {batch:.1f} s ({batch / len(cards):.2f} s a card)  |  {before / batch:.1f}x faster")
    finally:
        lake.dispose()


if __name__ == "__main__":
    main()
