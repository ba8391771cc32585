"""Chat latency over HTTP on the demo lake, LLM path included, next to POST /search of the same structured queries.

`modellake serve` runs against the built demo lake ($MODELLAKE_HOME) with the default LLM; --clients threads ask
--questions development questions (benchmarks/nlq_dev.jsonl, spread over its styles, each a new conversation)
through POST /chat. The baseline, in the same run on the same server: POST /search of the very queries the chat
produced, so the difference is the translation (rules, MiniLM, the LLM when the rules leave words unexplained).
One warm-up question first loads the LLM and the embedding model in the server. A request slower than --timeout
is counted at the timeout and named, so the run always completes. Prints p50 / p95 / max per endpoint, the chat
latency apart for answers that asked the LLM, and the machine's load average.
Usage: MODELLAKE_HOME=... python benchmarks/chat_http.py [--clients 4] [--questions 24] [--timeout 120]
Goal (issue 17): /chat p50 <= 0.5 s and p95 <= 2 s.
"""
from __future__ import annotations

import argparse
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
from benchmarks.nlq import DEV, load_cases  # noqa: E402
from tests.http.conftest import free_port  # noqa: E402


def timed(client: httpx.Client, path: str, body: dict, timeout: float) -> tuple[float, dict | None]:
    """(seconds, JSON answer); a request slower than `timeout` is (timeout, None): counted, not waited for."""
    began = time.perf_counter()
    try:
        response = client.post(path, json=body, timeout=timeout)
    except httpx.TimeoutException:
        return timeout, None
    elapsed = time.perf_counter() - began
    if response.status_code >= 300:
        raise SystemExit(f"POST {path}: {response.status_code} {response.text[:300]}")
    return elapsed, response.json()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def spread(cases: list[dict], n: int) -> list[dict]:
    """n cases taken at even steps through the file, so every style is represented."""
    step = max(1, len(cases) // max(n, 1))
    return cases[::step][:n]


def used_llm(answer: dict) -> bool:
    return bool(answer["provenance"].get("llm")) or "proposal" in answer["provenance"]


def row(name: str, latencies: list[float]) -> str:
    if not latencies:
        return f"{name:44}{'-':>8}{'-':>8}{'-':>8}{0:>6}"
    return f"{name:44}{statistics.median(latencies):8.3f}{percentile(latencies, 0.95):8.3f}{max(latencies):8.3f}{len(latencies):>6}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--questions", type=int, default=24)
    parser.add_argument("--timeout", type=float, default=120.0, help="Seconds after which a request is counted as timed out.")
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
    cases = spread([c for c in load_cases(DEV) if not c.get("conversation")], args.questions)
    load_before = os.getloadavg()
    try:
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, limits=limits) as client:
            cold = timed(client, "/chat", {"question": "gemma models that write poems about the sea"}, 600)[0]
            with ThreadPoolExecutor(args.clients) as pool:
                chats = list(pool.map(lambda c: timed(client, "/chat", {"question": c["question"]}, args.timeout), cases))
                answered = [answer for _, answer in chats if answer is not None]
                searches = list(pool.map(lambda a: timed(client, "/search", a["query"], args.timeout), answered))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a request still inside the LLM: do not leave the server behind
            server.kill()
            server.wait()
    timed_out = [c["question"] for c, (_, answer) in zip(cases, chats) if answer is None]
    with_llm = [elapsed for elapsed, answer in chats if answer is not None and used_llm(answer)]
    rules_only = [elapsed for elapsed, answer in chats if answer is not None and not used_llm(answer)]
    won = sum(answer["provenance"].get("winner") == "llm" for answer in answered)
    chat_latencies = [elapsed for elapsed, _ in chats]
    search_latencies = [elapsed for elapsed, _ in searches]
    print(f"{len(cases)} development questions, {args.clients} concurrent clients, demo lake over HTTP (loopback); "
          f"cold start (first question, loads the LLM and MiniLM): {cold:.2f} s; load average before "
          f"{load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'endpoint':44}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'n':>6}")
    print(row("POST /chat (question -> answer)", chat_latencies))
    print(row("  of which the rules alone answered", rules_only))
    print(row("  of which asked the LLM", with_llm))
    print(row("POST /search (the chat's own queries, baseline)", search_latencies))
    print(f"timed out after {args.timeout:.0f} s (counted at the timeout): {len(timed_out)}" + "".join(f"\n  {q}" for q in timed_out))
    print(f"chat answers that asked the LLM: {len(with_llm)}/{len(answered)} (its proposal won {won}); "
          f"ratio of medians chat/search: {statistics.median(chat_latencies) / statistics.median(search_latencies):.1f}x")
    print(json.dumps({"chat_p50": statistics.median(chat_latencies), "chat_p95": percentile(chat_latencies, 0.95),
                      "search_p50": statistics.median(search_latencies), "search_p95": percentile(search_latencies, 0.95)}))


if __name__ == "__main__":
    main()
