"""Filtered catalog pages at 100,000 documents: the page and its facet counts under filters, next to the unfiltered page.

`benchmarks/catalog.py` measures the catalog through HTTP on lakes grown through the submission steps, which takes
hours at 100,000. This script measures the SQL side alone at that size: benchmarks/search.py's synthetic documents
(4 statuses, 8 licenses, 12 tasks, 12 domains, 40 owners; every tenth model with two versions) loaded by COPY into a
fresh embedded Postgres, without the HNSW index (no page reads it) and with the count trigger off (filtered counts
never read list_counts; the whole list's rows are filled once by the migration's own fill query), then VACUUM ANALYZE.
`engine.catalog.catalog_page` is called in-process at random filter values, the workloads taking turns call by call
so background load hits them alike; the unfiltered first page (counts from list_counts) is the baseline. EXPLAIN
ANALYZE of each statement of one call per workload with --explain.
Usage: python benchmarks/catalog_counts.py [--docs 100000] [--requests 40]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.search import DOMAINS, LICENSES, TASKS, copy_documents, synthetic_rows  # noqa: E402
from engine.catalog import catalog_page  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.store.database import open_lake  # noqa: E402

console = Console(highlight=False, width=160)
WORDS = ["legal", "medical", "bert", "retail", "org12/"]  # name parts: domains and architectures in the synthetic names


def counts_fill() -> str:
    """Migration 0005's own query that fills list_counts from the documents (one recount after the COPY)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pages_migration", REPO / "engine/store/migrations/versions/0005_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._FILL


def load(lake, count: int) -> None:
    from pgvector.psycopg import register_vector

    models, versions, documents = synthetic_rows(count)
    raw = lake.engine.raw_connection()
    try:
        connection = raw.driver_connection
        register_vector(connection)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("DROP INDEX ix_search_embedding_hnsw")
            cursor.execute("ALTER TABLE search_documents DISABLE TRIGGER search_documents_count")
            copy_documents(cursor, models, versions, documents)
            cursor.execute("DELETE FROM list_counts")
            cursor.execute(counts_fill())
            cursor.execute("ALTER TABLE search_documents ENABLE TRIGGER search_documents_count")
            console.print(f"COPY of {count:,} documents and the counts' fill: {time.perf_counter() - started:.1f}s")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
        connection.autocommit = False
    finally:
        raw.close()


def workloads(rng: random.Random) -> dict[str, callable]:
    return {
        "unfiltered first page (baseline)": lambda lake: catalog_page(lake, limit=50),
        "license": lambda lake: catalog_page(lake, filters={"license": rng.choice(LICENSES)}, limit=50),
        "license + task": lambda lake: catalog_page(lake, filters={"license": rng.choice(LICENSES), "task": rng.choice(TASKS)}, limit=50),
        "domain + task + license": lambda lake: catalog_page(lake, filters={"domain": rng.choice(DOMAINS), "task": rng.choice(TASKS),
                                                                            "license": rng.choice(LICENSES)}, limit=50),
        "name contains": lambda lake: catalog_page(lake, name_contains=rng.choice(WORDS), limit=50),
    }


def explain(lake, label: str, call) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement one call makes (the page, then its counts)."""
    from benchmarks.catalog import captured_statements

    statements = captured_statements(lake, lambda: call(lake))
    raw = lake.engine.raw_connection()
    try:
        for statement, parameters in statements:
            with raw.driver_connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
            console.print(f"[bold]{label}[/]:")
            for line in plan:
                console.print("  " + line)
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each workload's statements")
    parser.add_argument("--home", type=Path, help="keep the lake here and reuse it when it is already loaded (default: a new temp dir)")
    args = parser.parse_args()
    console.print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    home = args.home or Path(tempfile.mkdtemp(prefix="modellake-bench-counts-"))
    lake = open_lake(Settings(home=home, database_url=None))
    with lake.transaction() as session:
        loaded = session.execute(text("SELECT count(*) FROM search_documents")).scalar_one()
    if loaded == 0:
        load(lake, args.docs)
    elif loaded != args.docs:
        raise SystemExit(f"{home} holds {loaded:,} documents, not {args.docs:,}")
    rng = random.Random(11)
    calls = workloads(rng)
    for call in calls.values():  # warm caches
        for _ in range(3):
            call(lake)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(args.requests):
        for name, call in calls.items():
            started = time.perf_counter()
            call(lake)
            times[name].append((time.perf_counter() - started) * 1000)
    baseline = statistics.median(times["unfiltered first page (baseline)"])
    table = Table("catalog_page at %s documents" % f"{args.docs:,}", "p50 ms", "p95 ms", "p50 / baseline")
    for name, values in times.items():
        ordered = sorted(values)
        table.add_row(name, f"{statistics.median(values):.1f}", f"{ordered[int(0.95 * (len(ordered) - 1))]:.1f}",
                      f"{statistics.median(values) / baseline:.2f}x")
    console.print(table)
    console.print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if args.explain:
        for name, call in calls.items():
            explain(lake, name, call)


if __name__ == "__main__":
    main()
