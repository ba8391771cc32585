"""Hybrid search at 100,000 documents: latency with filters, and recall@10 of the HNSW index vs exact search.

Loads synthetic-but-varied model documents into a fresh embedded Postgres (its own temporary MODELLAKE_HOME)
with COPY: bodies composed from domain/task/phrase pools, facets drawn per field, and embeddings made from
REAL MiniLM embeddings of the phrase pools (a document's vector is the normalised mix of its phrases plus
noise), so neighbourhoods look like real text rather than uniform noise. Then, in the same run:
- p50/p95 of `engine.search.search` (hybrid: vector + full text + name, fused; with filters) using the HNSW
  index, next to the same queries with index scans off (exact vector scan) as the baseline;
- recall@10 of the vector signal under each filter: HNSW (iterative scan) vs exact ORDER BY on a seq scan.
The load is followed by VACUUM ANALYZE, the state autovacuum keeps a lake in; without it the first minutes
after a bulk load are slower (measured: p95 124 ms instead of 26 ms).
Query embeddings are computed once up front (search caches them), so latencies are the database's part;
the one-off embedding cost per query is printed separately. Goals: p95 <= 50 ms, recall@10 >= 0.95.
Usage: python benchmarks/search.py [--docs 100000] [--queries 100]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from psycopg.types.json import Jsonb
from rich.console import Console
from sqlalchemy import func, text

from engine.config import Settings
from engine.search import search
from engine.search.embeddings import embed_query, embed_texts
from engine.search.hybrid import EF_SEARCH, _tune_vector_scan
from engine.store.database import open_lake

console = Console(highlight=False, width=140)
DOMAINS = ["legal", "medical", "finance", "retail", "agriculture", "energy", "education", "security", "telecom", "insurance", "logistics", "media"]
TASKS = ["summarization", "text-classification", "translation", "question-answering", "token-classification", "text-generation",
         "image-classification", "object-detection", "feature-extraction", "automatic-speech-recognition", "tabular-regression", "sentence-similarity"]
VERBS = ["summarises", "classifies", "detects", "translates", "extracts", "forecasts", "ranks", "transcribes", "answers questions about",
         "flags", "segments", "generates", "scores", "clusters", "recommends", "moderates"]
OBJECTS = ["commercial contracts", "card transactions", "MRI scans", "support tickets", "product manuals", "insurance policies", "invoices",
           "electricity demand", "satellite images of farmland", "call centre recordings", "online courses", "network traffic logs",
           "student essays", "parcel deliveries", "marketing copy", "factory camera frames", "news headlines", "job vacancies",
           "chest X-rays", "customer records", "SQL queries", "music tracks", "leaf photos", "hospital discharge notes", "credit applications",
           "forum comments", "earnings calls", "security camera footage", "legal clauses", "helpdesk chats", "turbine sensor data",
           "medical records", "tax returns", "court rulings", "shipping manifests", "weather radar", "retail receipts", "emails",
           "source code", "chat transcripts", "patents", "clinical trial reports", "bank statements", "energy bills", "traffic cameras",
           "podcasts", "scientific papers", "social media posts", "purchase orders", "maintenance logs", "X-ray baggage scans", "menus",
           "real estate listings", "lab results", "drone imagery", "subtitles", "speech commands", "product reviews", "warehouse stock",
           "flight schedules", "sports statistics", "legislation", "pathology slides", "contracts of employment"]
QUALIFIERS = ["in plain language", "for auditors", "in real time", "on edge devices", "for small businesses", "across European languages",
              "with high recall", "for regulators", "at low latency", "for clinicians", "in bulk overnight", "for analysts", "on mobile phones",
              "with explanations", "for call agents", "under strict privacy rules", "for children", "with confidence scores",
              "for field engineers", "in noisy conditions", "for visually impaired users", "on shared GPUs", "for procurement teams",
              "with human review"]
LICENSES = ["mit", "apache-2.0", "cc-by-4.0", "gpl-3.0", "bsd-3-clause", "openrail", "llama3", "other"]
STATUSES = ["approved", "pending", "changes_requested", "rejected"]
ARCHITECTURES = ["bert", "distilbert", "roberta", "t5", "llama", "mistral", "vit", "resnet", "whisper", "xgboost", "clip", "gpt2"]
QUERIES = ["summarise contracts in plain language", "find cancer in medical images", "catch credit card fraud", "translate manuals",
           "speech to text for phone calls", "predict harvests from space photos", "detect hackers in logs", "sentiment of financial news",
           "check factory products for defects", "recommend learning material", "answer questions about policies", "forecast power usage"]
EF_SWEEP = sorted({100, EF_SEARCH, 400, 800})
FILTER_SETS = [
    [{"field": "status", "op": "eq", "value": "approved"}],
    [{"field": "license", "op": "in", "value": ["mit", "apache-2.0"]}, {"field": "parameters", "op": "lt", "value": 1_000_000_000}],
    [{"field": "domain", "op": "eq", "value": "medical"}],
    [{"field": "metric:accuracy", "op": "gt", "value": 0.9}, {"field": "status", "op": "ne", "value": "rejected"}],
    [{"field": "task", "op": "eq", "value": "summarization"}, {"field": "language", "op": "eq", "value": "de"}],  # ~0.3% of documents
    [],
]


def synthetic_rows(count: int, seed: int = 7):
    """(models, versions, documents) rows; each tenth model has two versions, the newer one latest."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    pools = [VERBS, OBJECTS, QUALIFIERS, DOMAINS, TASKS]
    vectors = embed_texts([item for pool in pools for item in pool])
    pool_vectors, start = [], 0
    for pool in pools:
        pool_vectors.append(vectors[start:start + len(pool)])
        start += len(pool)
    weights = (0.2, 0.45, 0.15, 0.12, 0.08)  # what a document is mostly about: its object
    models, versions, documents = [], [], []
    model_id = 0
    for version_id in range(1, count + 1):
        second = version_id % 10 == 0 and models
        if not second:
            model_id += 1
            name = f"org{rng.randrange(500)}/{rng.choice(ARCHITECTURES)}-{rng.choice(DOMAINS)}-{model_id}"
            models.append((model_id, name))
        name = models[-1][1]
        picks = [rng.randrange(len(pool)) for pool in pools]
        vector = sum(w * pv[i] for w, pv, i in zip(weights, pool_vectors, picks)) + noise.normal(0, 0.02, 384)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        v, o, q, d, t = picks
        body = f"A {DOMAINS[d]} model that {VERBS[v]} {OBJECTS[o]} {QUALIFIERS[q]}.\n{TASKS[t]}\n{DOMAINS[d]}\nrelease {rng.randrange(100)}"
        facets = {"status": rng.choice(STATUSES), "license": rng.choice(LICENSES), "task": TASKS[t], "domain": DOMAINS[d],
                  "language": rng.sample(["en", "de", "fr", "es", "it", "nl", "pl", "sv"], rng.randint(1, 2)),
                  "architecture": name.split("/")[1].split("-")[0], "parameters": int(10 ** rng.uniform(3, 11)),
                  "context_length": rng.choice([512, 1024, 2048, 4096, 8192, 32768]), "dtype": rng.choice(["f32", "f16", "bf16", "i8"]),
                  "owner": [f"team {rng.randrange(40)}"], "risk_tier": rng.choice(["minimal", "low", "limited", "high"]),
                  "created": f"202{rng.randrange(3, 7)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                  "metrics": {"accuracy": round(rng.uniform(0.5, 0.99), 3), "f1": round(rng.uniform(0.4, 0.95), 3)}}
        version = "2.0" if second else "1.0"
        card = {"description": body.split("\n")[0], "owners": [{"name": facets["owner"][0]}]}
        versions.append((version_id, model_id, version, 2 if second else 1, json.dumps(card), "", "", "benchmark", facets["status"]))
        documents.append((version_id, name, version, body, vector, Jsonb(facets), True))
        if second:  # the older version of this model is no longer the latest
            documents[-2] = documents[-2][:6] + (False,)
    return models, versions, documents


def load(lake, count: int) -> None:
    from pgvector.psycopg import register_vector

    started = time.perf_counter()
    models, versions, documents = synthetic_rows(count)
    console.print(f"generated {count:,} documents in {time.perf_counter() - started:.1f}s (includes loading the text model)")
    raw = lake.engine.raw_connection()
    try:
        connection = raw.driver_connection
        register_vector(connection)
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX ix_search_embedding_hnsw")
            started = time.perf_counter()
            copy_documents(cursor, models, versions, documents)
            console.print(f"COPY of {len(models):,} models, {count:,} versions and documents: {time.perf_counter() - started:.1f}s")
            started = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("CREATE INDEX ix_search_embedding_hnsw ON search_documents USING hnsw (embedding vector_cosine_ops)")
            console.print(f"HNSW index built in {time.perf_counter() - started:.1f}s (m=16, ef_construction=64)")
        connection.commit()
        # A lake in service has been vacuumed (autovacuum); right after a bulk COPY the visibility map is empty and
        # autovacuum would run during the timed queries. Vacuum once, as autovacuum would, before measuring.
        connection.autocommit = True
        started = time.perf_counter()
        connection.execute("VACUUM ANALYZE")
        connection.autocommit = False  # this connection goes back to the pool: SET LOCAL must keep working on it
        console.print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f}s")
    finally:
        raw.close()


def timed_search(lake, query: dict, exact: bool) -> tuple[float, dict]:
    with lake.transaction() as session:
        if exact:
            session.execute(text("SET LOCAL enable_indexscan = off"))  # no HNSW: an exact scan for the vector signal
        started = time.perf_counter()
        page = search(session, query).to_dict()
        return (time.perf_counter() - started) * 1000, page


def nearest_ids(lake, vector: list[float], filters: list[dict], exact: bool, ef_search: int | None = None) -> tuple[list[int], float]:
    """The vector signal's top 10 under the filters, built by the engine's own `_nearest` (same SQL, same settings)."""
    from sqlalchemy import select

    from engine.search.compile import DOCS, filter_condition
    from engine.search.dsl import parse_query
    from engine.search.hybrid import MIN_CANDIDATES, _nearest

    conditions = [filter_condition(f) for f in parse_query({"filters": filters}).filters] + [DOCS.c.is_latest]
    ranked = _nearest(DOCS.c.embedding, vector, conditions, depth=MIN_CANDIDATES).subquery()  # as a page of 10 asks
    with lake.transaction() as session:
        _tune_vector_scan(session)
        if ef_search:
            session.execute(select(func.set_config("hnsw.ef_search", str(ef_search), True)))
        if exact:
            session.execute(text("SET LOCAL enable_indexscan = off"))
        started = time.perf_counter()
        ids = list(session.execute(select(ranked.c.version_id).where(ranked.c.rank <= 10).order_by(ranked.c.rank)).scalars())
        return ids, (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def copy_documents(cursor, models, versions, documents) -> None:
    """COPY synthetic models, versions and search documents (binary, with embeddings) in one transaction's cursor."""
    with cursor.copy("COPY models (id, name) FROM STDIN") as copy:
        for row in models:
            copy.write_row(row)
    with cursor.copy("COPY model_versions (id, model_id, version, seq, card, card_text, card_digest, source, status) FROM STDIN") as copy:
        for row in versions:
            copy.write_row(row)
    submitted = dt.datetime.now(dt.timezone.utc)
    with cursor.copy("COPY search_documents (version_id, name, version, body, embedding, facets, is_latest, submitted_at) "
                     "FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "text", "text", "text", "vector", "jsonb", "bool", "timestamptz"])
        for row in documents:
            copy.write_row((*row, submitted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60, help="hybrid queries timed per side (text x filter set)")
    args = parser.parse_args()
    console.print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (latencies scale with it)")
    home = Path(tempfile.mkdtemp(prefix="modellake-bench-search-"))
    lake = open_lake(Settings(home=home, database_url=None))
    try:
        load(lake, args.docs)
        started = time.perf_counter()
        embed_query("warm up the model")
        console.print(f"text model loaded in {time.perf_counter() - started:.1f}s")
        embedding_ms = []
        for query_text in QUERIES:
            started = time.perf_counter()
            embed_query(query_text)
            embedding_ms.append((time.perf_counter() - started) * 1000)
        queries = [{"text": QUERIES[i % len(QUERIES)], "filters": FILTER_SETS[i % len(FILTER_SETS)], "limit": 10} for i in range(args.queries)]
        for query in queries[:10]:  # warm caches on both sides
            timed_search(lake, query, exact=False)
            timed_search(lake, query, exact=True)
        hnsw = [timed_search(lake, query, exact=False)[0] for query in queries]
        exact = [timed_search(lake, query, exact=True)[0] for query in queries]
        per_filter, recalls, sweep = {}, [], {}
        for query_text in QUERIES:
            vector = list(embed_query(query_text))
            for index, filters in enumerate(FILTER_SETS):
                truth, _ = nearest_ids(lake, vector, filters, exact=True)
                for ef in EF_SWEEP:
                    found, ms = nearest_ids(lake, vector, filters, exact=False, ef_search=ef)
                    recall = len(set(truth) & set(found)) / len(truth) if truth else 1.0
                    sweep.setdefault(ef, []).append((recall, ms))
                    if ef == EF_SEARCH:
                        recalls.append(recall)
                        per_filter.setdefault(index, []).append(recall)
        console.print(f"\n[bold]{args.docs:,} documents, {len(queries)} hybrid queries with filters (limit 10), medians over the run[/]")
        console.print(f"hybrid search, HNSW:        p50 {percentile(hnsw, 50):7.1f} ms   p95 {percentile(hnsw, 95):7.1f} ms   (goal p95 <= 50 ms)")
        console.print(f"hybrid search, exact scan:  p50 {percentile(exact, 50):7.1f} ms   p95 {percentile(exact, 95):7.1f} ms   (baseline, same run)")
        console.print(f"speed-up at p50: {statistics.median(exact) / statistics.median(hnsw):.1f}x")
        console.print("by filter set, p50 HNSW / exact (the planner may answer a selective filter exactly, from the facet index):")
        for index, filters in enumerate(FILTER_SETS):
            label = " and ".join(f"{f['field']} {f['op']} {f['value']}" for f in filters) or "no filter"
            pick = [i for i, query in enumerate(queries) if query["filters"] == filters]
            console.print(f"  {label:<70} {statistics.median(hnsw[i] for i in pick):6.1f} / {statistics.median(exact[i] for i in pick):6.1f} ms")
        console.print(f"query embedding (MiniLM, CPU, once per text): p50 {percentile(embedding_ms, 50):.1f} ms")
        console.print(f"load average at end: {os.getloadavg()[0]:.1f}")
        console.print(f"recall@10 of HNSW vs exact: mean {statistics.mean(recalls):.3f}, min {min(recalls):.2f} (goal >= 0.95)")
        console.print("vector signal alone, by hnsw.ef_search (engine default marked *):")
        for ef, pairs in sweep.items():
            mark = "*" if ef == EF_SEARCH else " "
            console.print(f"  {mark}ef_search {ef:4d}: recall@10 mean {statistics.mean(r for r, _ in pairs):.3f} "
                          f"min {min(r for r, _ in pairs):.2f}, p50 {statistics.median(ms for _, ms in pairs):.1f} ms")
        console.print(f"recall@10 by filter at ef_search {EF_SEARCH}:")
        for index, values in per_filter.items():
            label = " and ".join(f"{f['field']} {f['op']} {f['value']}" for f in FILTER_SETS[index]) or "no filter"
            console.print(f"  {label:<70} recall@10 {statistics.mean(values):.3f}")
    finally:
        lake.dispose()


if __name__ == "__main__":
    main()
