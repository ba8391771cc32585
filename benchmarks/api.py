"""HTTP throughput and latency on loopback: GET a model, search and submit, next to a bare Litestar hello-world.

Both servers run the same way in the same run (uvicorn, one process each, loopback, HTTP/1.1 keep-alive),
driven by the same client: CONCURRENCY threads sharing one httpx connection pool. Per endpoint and round:
requests/s over the round's wall time and the p95 latency; printed as medians of --rounds rounds.
The lake is a fresh embedded Postgres (or DATABASE_URL) seeded with --seed models.
Usage: python benchmarks/api.py [--rounds 3] [--requests 200] [--submits 60] [--seed 50]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.http.conftest import free_port, tiny_card_yaml  # noqa: E402

CONCURRENCY = 8


def start(command: list[str], env: dict[str, str], url: str) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server did not start: {command}")


def measure(client: httpx.Client, requests: list[tuple[str, str, dict | None]]) -> tuple[float, float]:
    """(requests/s, p95 ms) for running `requests` CONCURRENCY at a time; any non-2xx aborts the benchmark."""
    def one(request):
        method, path, body = request
        began = time.perf_counter()
        response = client.request(method, path, json=body)
        elapsed = time.perf_counter() - began
        if response.status_code >= 300:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return elapsed

    began = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        latencies = sorted(pool.map(one, requests))
    wall = time.perf_counter() - began
    return len(requests) / wall, latencies[int(0.95 * (len(latencies) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="GET and search requests per round")
    parser.add_argument("--submits", type=int, default=60, help="submissions per round")
    parser.add_argument("--seed", type=int, default=50, help="models in the lake before measuring")
    args = parser.parse_args()

    from engine.config import load_settings
    from engine.store.database import open_lake
    from engine.tokens import create_token

    home = Path(tempfile.mkdtemp(prefix="modellake-bench-api-"))
    env = os.environ | {"MODELLAKE_HOME": str(home)}
    lake = open_lake(load_settings(env))
    token = create_token(lake, name="bench", role="admin", by="benchmark")[1]
    env["DATABASE_URL"] = env.get("DATABASE_URL") or lake.url
    lake_port, hello_port = free_port(), free_port()
    bin_dir = Path(sys.executable).parent
    servers = [
        start([str(bin_dir / "modellake"), "serve", "--port", str(lake_port)], env, f"http://127.0.0.1:{lake_port}/health"),
        start([str(bin_dir / "uvicorn"), "--app-dir", str(REPO / "benchmarks"), "_hello_app:app", "--port", str(hello_port), "--log-level", "warning"],
              env, f"http://127.0.0.1:{hello_port}/hello"),
    ]
    console = Console()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        with httpx.Client(base_url=f"http://127.0.0.1:{lake_port}", headers=headers, timeout=120, limits=limits) as lake_client, \
                httpx.Client(base_url=f"http://127.0.0.1:{hello_port}", timeout=60, limits=limits) as hello_client:
            for i in range(args.seed):
                lake_client.post("/models", json={"card": tiny_card_yaml(f"bench/seed-{i}", description=f"seed model {i} for summarising contracts")})
            queries = ["contract summariser", "sentiment of news headlines", "small model for legal text", "image retrieval"]
            workloads = {
                "hello world (baseline)": (hello_client, lambda r: [("GET", "/hello", None)] * args.requests),
                "GET /models/{ref}": (lake_client, lambda r: [("GET", f"/models/bench/seed-{i % args.seed}", None) for i in range(args.requests)]),
                "POST /search": (lake_client, lambda r: [("POST", "/search", {"text": queries[i % 4], "limit": 10}) for i in range(args.requests)]),
                "POST /models (submit)": (lake_client, lambda r: [("POST", "/models", {"card": tiny_card_yaml(f"bench/new-{r}-{i}", description="new")})
                                                                   for i in range(args.submits)]),
            }
            for client, requests in workloads.values():  # warm-up: connections, caches, the embedding model
                measure(client, requests(-1)[:CONCURRENCY * 2])
            results = {name: [] for name in workloads}
            for round_ in range(args.rounds):
                for name, (client, requests) in workloads.items():
                    results[name].append(measure(client, requests(round_)))
                console.print(f"round {round_ + 1}/{args.rounds} done", style="dim")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        lake.dispose()
    table = Table("endpoint", "requests/s (median)", "p95 ms (median)", "vs hello world",
                  title=f"HTTP on loopback, {CONCURRENCY} concurrent clients, medians of {args.rounds} rounds")
    baseline = statistics.median(rps for rps, _ in results["hello world (baseline)"])
    for name, runs in results.items():
        rps, p95 = statistics.median(r for r, _ in runs), statistics.median(p for _, p in runs)
        table.add_row(name, f"{rps:,.0f}", f"{p95:,.1f}", f"{rps / baseline:.2f}x")
    console.print(table)


if __name__ == "__main__":
    main()
