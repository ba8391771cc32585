"""Chat latency over HTTP on the demo lake, LLM path included, next to POST /search of the same questions' expected queries.

`modellake serve` runs against the built demo lake ($MODELLAKE_HOME) with the default LLM; --clients threads ask the
development questions (benchmarks/nlq_dev.jsonl, each as a new conversation) through POST /chat, then send their
hand-written expected queries through POST /search on the same server: the baseline, measured in the same run. One
warm-up question first loads the LLM and the embedding model in the server. Prints p50 / p95 / max per endpoint and
how many chat answers used the LLM (a choice or a whole-query proposal).
Usage: MODELLAKE_HOME=... python benchmarks/chat_http.py [--clients 4] [--questions 80]
Goal (issue 17): /chat p50 <= 0.5 s and p95 <= 2 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.api import start  # noqa: E402
from benchmarks.nlq import DEV, load_cases, resolve_dates  # noqa: E402
from tests.http.conftest import free_port  # noqa: E402


def timed(client: httpx.Client, path: str, body: dict) -> tuple[float, dict]:
    began = time.perf_counter()
    response = client.post(path, json=body)
    elapsed = time.perf_counter() - began
    if response.status_code >= 300:
        raise SystemExit(f"POST {path}: {response.status_code} {response.text[:300]}")
    return elapsed, response.json()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--questions", type=int, default=80)
    args = parser.parse_args()

    from engine.store.database import open_lake
    from engine.tokens import create_token

    lake = open_lake()
    token = create_token(lake, name="chat-benchmark", role="reader", by="benchmark")[1]
    url = lake.url
    lake.dispose()
    port = free_port()
    env = os.environ | {"DATABASE_URL": url, "HF_HUB_OFFLINE": "1"}
    server = start([str(Path(sys.executable).parent / "modellake"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/health")
    cases = [c for c in load_cases(DEV) if not c.get("conversation")][:args.questions]
    today = dt.date.today()
    try:
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, timeout=300, limits=limits) as client:
            began = time.perf_counter()
            timed(client, "/chat", {"question": "gemma models that write poems about the sea"})
            cold = time.perf_counter() - began
            with ThreadPoolExecutor(args.clients) as pool:
                chats = list(pool.map(lambda c: timed(client, "/chat", {"question": c["question"]}), cases))
                searches = list(pool.map(lambda c: timed(client, "/search", resolve_dates(c["expect"], today) | {"limit": 10}), cases))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a request still inside the LLM: do not leave the server behind
            server.kill()
            server.wait()
    used_llm = sum(bool(answer["provenance"]["llm"]) or "proposal" in answer["provenance"] for _, answer in chats)
    won = sum(answer["provenance"]["winner"] == "llm" for _, answer in chats)
    print(f"{len(cases)} development questions, {args.clients} concurrent clients, demo lake over HTTP (loopback); "
          f"cold start (first question, loads the LLM and MiniLM): {cold:.2f} s")
    print(f"{'endpoint':38}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for name, runs in (("POST /chat (question -> answer)", chats), ("POST /search (expected DSL, baseline)", searches)):
        latencies = [elapsed for elapsed, _ in runs]
        print(f"{name:38}{statistics.median(latencies):8.3f}{percentile(latencies, 0.95):8.3f}{max(latencies):8.3f}")
    print(f"chat answers that asked the LLM: {used_llm}/{len(cases)} (its proposal won {won}); "
          f"ratio of medians chat/search: {statistics.median(e for e, _ in chats) / statistics.median(e for e, _ in searches):.1f}x")
    print(json.dumps({"chat_p50": statistics.median(e for e, _ in chats), "chat_p95": percentile([e for e, _ in chats], 0.95)}))


if __name__ == "__main__":
    main()
