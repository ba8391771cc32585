"""Catalog, review queue and UI pages at 1,000 and at 100,000 models, and what one submission costs at each size.

One embedded Postgres per size (its own MODELLAKE_HOME: lake-SIZE under --lakes, kept for later runs, or a temporary
folder), loaded from empty to that many models, every version stored through the submission steps themselves
(engine.governance.submission.submit_batch: insert the version, SUBMISSION_STEPS, the audit entry, --batch submissions
per transaction; a stopped load resumes after its last committed batch). The cards are the demo
lake's synthetic cards (examples/synthetic_cards.py: tasks, domains, licenses, owners, flaws, lineage, second
versions), the same 1,000-card set cloned under a per-copy name suffix. Embeddings: the 1,000 distinct card texts
are embedded for real with MiniLM in batches of 64; a clone reuses its original's vector plus Gaussian noise
(sigma 0.02, renormalised), so the HNSW index holds 100,000 distinct, realistically clustered vectors without
embedding 100,000 texts on a shared 2-core machine (MiniLM runs about 20 card texts/s there). Pages never read
embeddings; the cost of embedding one card is printed separately and is the same at any lake size.
After loading, 1% of the models get a reviewer's decision, then VACUUM ANALYZE (the state autovacuum keeps a
lake in). Then every size is measured in the same run, the sizes taking turns request by request, so the machine's
load falls on each alike: over HTTP against one `modellake serve` per lake (uvicorn, loopback, one client,
keep-alive), p50/p95 of GET /models, GET /reviews and GET /ui: first pages, pages deep in the list (keyset cursors),
filters and facets, the catalog's chips with and without search words (the words run the hybrid search, embedding
them on the server); then --submissions single submissions into each (one transaction each, vectors precomputed),
timed in total and per step. At the end: EXPLAIN ANALYZE of the page and facet queries, and the size of each index.
Goals: p95 <= 50 ms at 100k for every page; submission cost at 100k / at 1k <= 1.2.
Usage: python benchmarks/catalog.py [--sizes 1000,100000] [--lakes DIR] [--load-only] [--requests 60] [--submissions 40] [--batch 250]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import event, func, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.cards import card_from_dict  # noqa: E402
from engine.catalog import CATALOG_ORDER, catalog_page  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.governance import submission  # noqa: E402
from engine.governance.decisions import decide  # noqa: E402
from engine.governance.evidence import Evidence  # noqa: E402
from engine.governance.stored_reviews import QUEUE_ORDER, review_queue  # noqa: E402
from engine.search.index import document_body, embedding_text  # noqa: E402
from engine.store.database import open_lake  # noqa: E402
from engine.store.tables import SearchDocument  # noqa: E402
from engine.tokens import create_token  # noqa: E402
from examples.synthetic_cards import synthetic_cards  # noqa: E402
from tests.http.conftest import free_port  # noqa: E402

console = Console(highlight=False, width=150)
DOCS = SearchDocument.__table__
TEMPLATE_CARDS = int(os.environ.get("BENCH_TEMPLATE_CARDS", 1000))
NOISE = 0.02


class CardSource:
    """Cards for models number start.. in order: copy k of the template set has every name suffixed with -copyk."""

    def __init__(self) -> None:
        self.templates = [{key: value for key, value in card.items() if key != "_flaw"} for card in synthetic_cards(TEMPLATE_CARDS)]
        started = time.perf_counter()
        from engine.search.embeddings import embed_texts

        texts = [embedding_text(card["name"], document_body(card)) for card in self.templates]
        cache = Path(tempfile.gettempdir()) / f"modellake-bench-catalog-vectors-{len(texts)}.npy"  # re-runs skip the embedding
        if cache.exists():
            self.vectors = np.load(cache)
            self.embed_seconds = None
        else:
            self.vectors = np.concatenate([embed_texts(texts[i:i + 64]) for i in range(0, len(texts), 64)])
            self.embed_seconds = time.perf_counter() - started
            np.save(cache, self.vectors)
        self.names = {card["name"] for card in self.templates}
        self.noise = np.random.default_rng(7)

    def card(self, index: int):
        """(card, evidence) of the index-th version of the lake."""
        copy, template = divmod(index, len(self.templates))
        data = dict(self.templates[template])
        if copy:
            data["name"] = f"{data['name']}-copy{copy}"
            if data.get("base_model") in self.names:
                data["base_model"] = f"{data['base_model']}-copy{copy}"
        vector = self.vectors[template] + (self.noise.normal(0, NOISE, self.vectors.shape[1]) if copy else 0)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        card = card_from_dict(data, f"/bench/cards/{data['name'].replace('/', '_')}-{data['version']}.yaml")
        return card, Evidence(extra={"search": {"embedding": vector.tolist(), "behaviour": None, "behaviour_provenance": {}}})


def model_count(lake) -> int:
    with lake.transaction() as session:
        return session.execute(select(func.count()).select_from(DOCS).where(DOCS.c.is_latest)).scalar_one()


def grow(lake, source: CardSource, models: int, batch: int, position: int, marker: Path) -> int:
    """Submit versions from `position` on until the lake holds `models` models; returns the next position (also kept in `marker`)."""
    have, started, versions, pending = model_count(lake), time.perf_counter(), 0, []

    def flush() -> None:
        nonlocal versions
        submission.submit_batch(lake, pending, submitted_by="bench-loader")
        versions += len(pending)
        marker.write_text(str(position))
        pending.clear()
        if versions % (batch * 40) == 0:
            console.print(f"  {have:,} models, {versions / (time.perf_counter() - started):.0f} versions/s", style="dim")

    while True:
        card, evidence = source.card(position)
        if card.version == "1.0":  # every model's first version; second versions follow their first
            if have == models:
                break
            have += 1
        pending.append((card, evidence))
        position += 1
        if len(pending) == batch:
            flush()
    if pending:
        flush()
    elapsed = time.perf_counter() - started
    console.print(f"loaded {versions:,} versions to {model_count(lake):,} models in {elapsed:.0f}s: {versions / max(elapsed, 1e-9):.0f} versions/s")
    return position


def decide_some(lake, share: float = 0.01) -> None:
    """A reviewer decides on `share` of the models still waiting (approve, reject, request changes in turn)."""
    with lake.transaction() as session:
        waiting = session.execute(select(DOCS.c.name, DOCS.c.version).where(DOCS.c.awaiting_decision, DOCS.c.is_latest)).all()
    chosen = waiting[:: max(1, int(1 / share))]
    for i, row in enumerate(chosen):
        decide(lake, f"{row.name}@{row.version}", ("approve", "reject", "request_changes")[i % 3], by="bench-reviewer", comment="benchmark")
    console.print(f"{len(chosen):,} reviewer decisions")


def vacuum(lake) -> None:
    raw = lake.engine.raw_connection()
    try:
        raw.driver_connection.autocommit = True
        raw.driver_connection.execute("VACUUM ANALYZE")
        raw.driver_connection.autocommit = False
    finally:
        raw.close()


def cursors(lake, order, condition, count: int) -> list[str]:
    """Keyset cursors at `count` random places of a list, as a reader paging deep into it would hold."""
    with lake.transaction() as session:
        rows = session.execute(select(*order.columns).where(condition).order_by(func.random()).limit(count)).all()
    return [order.encode(row) for row in rows]


def workloads(lake, requests: int) -> dict[str, list[str]]:
    rng = random.Random(3)
    deep = cursors(lake, CATALOG_ORDER, DOCS.c.is_latest, requests)
    queue = cursors(lake, QUEUE_ORDER, DOCS.c.awaiting_decision, requests)
    facets = catalog_page(lake, limit=1)["facets"]
    licenses, tasks = [v for v, _ in facets["license"]], [v for v, _ in facets["task"]]
    verdicts = [v for v, _ in review_queue(lake, limit=1)["facets"]["verdict"]]

    def pick(values):
        return rng.choice(values)

    return {
        "GET /models (first page)": ["/models?limit=50"] * requests,
        "GET /models (deep page, cursor)": [f"/models?limit=50&after={c}" for c in deep],
        "GET /models (2 filters)": [f"/models?limit=50&license={pick(licenses)}&task={pick(tasks)}" for _ in range(requests)],
        "GET /models (name contains)": [f"/models?limit=50&q={pick(['legal', 'contract', 'triage', 'xray', 'fraud'])}" for _ in range(requests)],
        "GET /reviews (first page)": ["/reviews?limit=50"] * requests,
        "GET /reviews (deep page)": [f"/reviews?limit=50&after={c}" for c in queue],
        "GET /reviews (by verdict)": [f"/reviews?limit=50&verdict={pick(verdicts)}" for _ in range(requests)],
        "GET /ui (catalog page)": [f"/ui?after={c}" if i % 2 else "/ui" for i, c in enumerate(deep)],
        "GET /ui (2 chips)": [f"/ui?license={pick(licenses)}&task={pick(tasks)}" for _ in range(requests)],
        "GET /ui (words + 2 chips)": [f"/ui?q={pick(['legal contracts', 'fraud alerts', 'xray triage'])}&license={pick(licenses)}"
                                      f"&task={pick(tasks)}" for _ in range(requests)],
        "GET /ui/reviews": [f"/ui/reviews?after={c}" for c in queue],
    }


def measure_pages(clients: dict, lakes: dict, requests: int) -> dict[int, dict[str, tuple[float, float]]]:
    """p50/p95 per page kind and lake size; the sizes take turns request by request, so machine load falls on all alike."""
    plans = {size: workloads(lake, requests) for size, lake in lakes.items()}
    latencies: dict[int, dict[str, list[float]]] = {size: defaultdict(list) for size in lakes}
    for name in next(iter(plans.values())):
        for size in lakes:
            for path in plans[size][name][:5]:
                clients[size].get(path)
        for i in range(requests):
            for size, client in clients.items():
                path = plans[size][name][i]
                began = time.perf_counter()
                response = client.get(path)
                latencies[size][name].append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: {response.status_code} {response.text[:300]}")
    return {size: {name: (float(np.percentile(values, 50)), float(np.percentile(values, 95))) for name, values in by_name.items()}
            for size, by_name in latencies.items()}


def measure_submissions(lakes: dict, source: CardSource, count: int) -> tuple[dict[int, list[float]], dict[int, dict[str, list[float]]]]:
    """Single submissions (one transaction each, as `modellake submit` makes them), the sizes taking turns: total ms each, and ms per step."""
    steps: dict[int, dict[str, list[float]]] = {size: defaultdict(list) for size in lakes}
    current = [None]

    def timed(step):
        def run(session, version, evidence):
            began = time.perf_counter()
            step(session, version, evidence)
            steps[current[0]][step.__name__].append((time.perf_counter() - began) * 1000)
        run.__name__ = step.__name__
        return run

    original = list(submission.SUBMISSION_STEPS)
    submission.SUBMISSION_STEPS[:] = [timed(step) for step in original]
    totals: dict[int, list[float]] = {size: [] for size in lakes}
    run = time.strftime("%Y%m%d%H%M%S")  # reused lakes: every run's submissions are new models
    try:
        for i in range(count):
            card, evidence = source.card(i % TEMPLATE_CARDS)
            card = card_from_dict(card.data | {"name": f"bench/new-{run}-{i}", "version": "1.0"}, card.source)
            for size, lake in lakes.items():
                current[0] = size
                began = time.perf_counter()
                submission.submit(lake, card, evidence, submitted_by="bench-submitter")
                totals[size].append((time.perf_counter() - began) * 1000)
    finally:
        submission.SUBMISSION_STEPS[:] = original
    return totals, steps


def captured_statements(lake, call) -> list[tuple[str, dict]]:
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(lake.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(lake.engine, "before_cursor_execute", capture)
    return statements


def explain(lake, label: str, call) -> None:
    """EXPLAIN ANALYZE of every SELECT `call` runs: the plan's top nodes and its execution time."""
    raw = lake.engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()
        for statement, parameters in captured_statements(lake, call):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
            plan = cursor.fetchone()[0][0]
            nodes, node = [], plan["Plan"]
            while node is not None and len(nodes) < 4:
                nodes.append(node["Node Type"] + (f" on {node['Index Name']}" if "Index Name" in node else ""))
                node = (node.get("Plans") or [None])[0]
            buffers = plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
            console.print(f"  {label:<28} {plan['Execution Time']:7.2f} ms  {buffers:6d} buffers  {' > '.join(nodes)}")
        raw.driver_connection.rollback()
    finally:
        raw.close()


def index_sizes(lake) -> list[tuple[str, int]]:
    with lake.transaction() as session:
        rows = session.execute(text("SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') ORDER BY 2 DESC LIMIT 16")).all()
    return [(row[0], row[1]) for row in rows]


def start_server(database_url: str, home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "MODELLAKE_HOME": str(home), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([str(Path(sys.executable).parent / "modellake"), "serve", "--port", str(port)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("modellake serve did not start")


def prepare(home: Path, source: CardSource, size: int, batch: int):
    """The lake of `size` models in `home`, loaded through the submission steps where it is not yet (a run that stopped is resumed:
    `bench-position` records how far the committed batches got)."""
    home.mkdir(parents=True, exist_ok=True)
    lake = open_lake(Settings(home=home, database_url=None))
    marker = home / "bench-position"
    position = int(marker.read_text()) if marker.exists() else 0
    if model_count(lake) < size:
        console.print(f"\n[bold]loading {size:,} models into {home}[/] (from version {position:,})")
        grow(lake, source, size, batch, position, marker)
        decide_some(lake)
        vacuum(lake)
    return lake


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="lake sizes (models) to measure, smallest first; the first is the baseline")
    parser.add_argument("--requests", type=int, default=60, help="requests per page kind and size")
    parser.add_argument("--submissions", type=int, default=40, help="single submissions timed per size")
    parser.add_argument("--batch", type=int, default=250, help="submissions per transaction while loading")
    parser.add_argument("--lakes", type=Path, help="keep one lake per size under this folder (lake-SIZE) and reuse it in later runs; "
                                                 "default: fresh lakes in a temporary folder")
    parser.add_argument("--load-only", action="store_true", help="load the lakes and stop")
    args = parser.parse_args()
    console.print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    folder = args.lakes or Path(tempfile.mkdtemp(prefix="modellake-bench-catalog-"))
    source = CardSource()
    if source.embed_seconds is not None:
        console.print(f"embedded {TEMPLATE_CARDS:,} distinct card texts in {source.embed_seconds:.0f}s "
                      f"({TEMPLATE_CARDS / source.embed_seconds:.1f} texts/s, batches of 64): one card's embedding costs "
                      f"{source.embed_seconds / TEMPLATE_CARDS * 1000:.0f} ms at any lake size")
    else:
        console.print(f"card text embeddings read from the cache of an earlier run ({TEMPLATE_CARDS:,} texts)")
    sizes = [int(size) for size in args.sizes.split(",")]
    lakes = {size: prepare(folder / f"lake-{size}", source, size, args.batch) for size in sizes}
    if args.load_only:
        for lake in lakes.values():
            lake.dispose()
        return
    servers, clients = {}, {}
    try:
        for size, lake in lakes.items():
            vacuum(lake)
            token = create_token(lake, name=f"bench-{time.time_ns()}", role="admin", by="benchmark")[1]
            servers[size], url = start_server(lake.url, folder / f"lake-{size}")
            clients[size] = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        console.print(f"\nmeasuring at {', '.join(f'{size:,}' for size in sizes)} models, interleaved (load average {os.getloadavg()[0]:.1f})")
        pages = measure_pages(clients, lakes, args.requests)
        costs, steps = measure_submissions(lakes, source, args.submissions)
        for size in sizes[1:]:
            report(sizes[0], size, pages, costs, steps)
        for size, lake in lakes.items():
            console.print(f"\n[bold]EXPLAIN ANALYZE at {size:,} models[/]")
            deep = cursors(lake, CATALOG_ORDER, DOCS.c.is_latest, 1)[0]
            explain(lake, "catalog deep page + facets", lambda: catalog_page(lake, after=deep, limit=50))
            explain(lake, "catalog, license=mit", lambda: catalog_page(lake, filters={"license": "mit"}, limit=50))
            explain(lake, "catalog, license + task", lambda: catalog_page(lake, filters={"license": "mit", "task": "text-classification"}, limit=50))
            explain(lake, "catalog, name contains", lambda: catalog_page(lake, name_contains="legal", limit=50))
            explain(lake, "review queue first page", lambda: review_queue(lake, limit=50))  # page, counts, failed rules
            console.print(f"\n[bold]largest tables and indexes at {size:,} models[/]")
            for name, bytes_ in index_sizes(lake):
                console.print(f"  {name:<40} {bytes_ / 2**20:8.1f} MiB")
        console.print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        for client in clients.values():
            client.close()
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
        for lake in lakes.values():
            lake.dispose()


def report(small: int, large: int, pages: dict, costs: dict, steps: dict) -> None:
    table = Table("request", f"p50 ms @{small:,}", f"p95 ms @{small:,}", f"p50 ms @{large:,}", f"p95 ms @{large:,}", "p95 ratio",
                  title=f"pages over HTTP at {small:,} and {large:,} models (goal: p95 <= 50 ms)")
    for name in pages[small]:
        (p50a, p95a), (p50b, p95b) = pages[small][name], pages[large][name]
        table.add_row(name, f"{p50a:.1f}", f"{p95a:.1f}", f"{p50b:.1f}", f"{p95b:.1f}", f"{p95b / p95a:.2f}")
    console.print(table)
    table = Table("submission", f"median ms @{small:,}", f"median ms @{large:,}", "ratio", title="one submission, one transaction (goal ratio <= 1.2)")
    a, b = statistics.median(costs[small]), statistics.median(costs[large])
    table.add_row("whole submission (no embedding)", f"{a:.1f}", f"{b:.1f}", f"{b / a:.2f}")
    for step in steps[small]:
        sa, sb = statistics.median(steps[small][step]), statistics.median(steps[large][step])
        table.add_row(f"  step {step}", f"{sa:.1f}", f"{sb:.1f}", f"{sb / sa:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
