"""Reliability against a live `modellake serve` on loopback: concurrency, the database going away, fuzzing the OpenAPI schema."""
from __future__ import annotations

import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from engine.audit import verify_chain
from engine.config import Settings
from engine.store.database import open_lake
from engine.store.tables import AuditEntry, ModelVersion, ReviewRecord
from engine.tokens import create_token
from tests.http.conftest import bearer, serve_subprocess, tiny_card_yaml

pytestmark = pytest.mark.slow


def count(lake, query) -> int:
    with lake.transaction() as session:
        return session.execute(query).scalar_one()


@pytest.mark.timeout(900)
def test_200_concurrent_submissions_and_searches(lake, tmp_path):
    submitter = create_token(lake, name="sam", role="submitter", by="test")[1]
    # 100 submissions: 25 models x 3 versions, plus 25 exact repeats that must not create anything; 100 searches.
    cards = [tiny_card_yaml(f"load/m{i % 25}", f"{i // 25}.0", description=f"model {i % 25} for load") for i in range(75)]
    cards += cards[:25]
    searches = [{"text": f"model {i % 25} for load", "limit": 5} if i % 2 else {"filters": [{"field": "license", "op": "eq", "value": "mit"}]}
                for i in range(100)]
    with serve_subprocess(lake.url, tmp_path, tmp_path) as url, httpx.Client(base_url=url, headers=bearer(submitter), timeout=120) as client:
        jobs = [("POST", "/models", {"card": card}) for card in cards] + [("POST", "/search", query) for query in searches]
        with ThreadPoolExecutor(max_workers=50) as pool:
            responses = list(pool.map(lambda job: (job[1], client.request(job[0], job[1], json=job[2])), jobs))
    statuses = Counter((path, response.status_code) for path, response in responses)
    assert statuses == Counter({("/models", 201): 75, ("/models", 200): 25, ("/search", 200): 100}), statuses
    created = [r.json()["ref"] for path, r in responses if path == "/models" and r.status_code == 201]
    assert len(set(created)) == 75
    assert count(lake, select(func.count()).select_from(ModelVersion)) == 75
    assert count(lake, select(func.count(func.distinct(ReviewRecord.version_id)))) == 75
    assert count(lake, select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "version.submit")) == 75
    assert verify_chain(lake).ok


@pytest.mark.timeout(900)
def test_database_stopped_and_restarted_under_load(tmp_path):
    """Its own Postgres, stopped mid-load: requests get 503 while it is down, succeed after, and nothing is half-written."""
    import pgserver
    from pgserver._commands import pg_ctl

    server = pgserver.get_server(Path(tempfile.mkdtemp(prefix="modellake-restart-")) / "pgdata", cleanup_mode="delete")
    url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    lake = open_lake(Settings(home=tmp_path, database_url=url))
    token = create_token(lake, name="sam", role="submitter", by="test")[1]
    results: list[tuple[float, float, int]] = []  # (sent, answered, status)
    stop = threading.Event()

    def load(worker: int) -> None:
        with httpx.Client(base_url=base, headers=bearer(token), timeout=60) as client:
            n = 0
            while not stop.is_set():
                n += 1
                sent = time.monotonic()
                response = client.post("/models", json={"card": tiny_card_yaml(f"restart/w{worker}", f"{n}.0")})
                results.append((sent, time.monotonic(), response.status_code))
                sent = time.monotonic()
                response = client.get("/models", params={"q": "restart/"})
                results.append((sent, time.monotonic(), response.status_code))

    try:
        with serve_subprocess(url, tmp_path, tmp_path) as base:
            warm = httpx.post(f"{base}/models", json={"card": tiny_card_yaml("restart/warm-up")}, headers=bearer(token), timeout=300)
            assert warm.status_code == 201, warm.text  # the embedding model is loaded before the clock starts
            workers = [threading.Thread(target=load, args=(i,)) for i in range(4)]
            for worker in workers:
                worker.start()
            time.sleep(5)
            pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)
            down_from = time.monotonic()
            time.sleep(5)
            assert httpx.get(f"{base}/ready").status_code == 503
            assert httpx.get(f"{base}/health").status_code == 200
            restart_from = time.monotonic()
            server.ensure_postgres_running()
            up_from = time.monotonic()
            time.sleep(8)
            stop.set()
            for worker in workers:
                worker.join(timeout=120)
            assert httpx.get(f"{base}/ready").status_code == 200
    finally:
        stop.set()
    statuses = Counter(status for _, _, status in results)
    assert set(statuses) <= {200, 201, 503}, statuses
    during = [status for sent, answered, status in results if down_from < sent and answered < restart_from]
    after = [status for sent, _, status in results if sent > up_from + 3]
    assert during and set(during) == {503}
    assert after and set(after) <= {200, 201}
    # Nothing half-written: every stored version has its review and its audit entry, and the chain holds.
    versions = count(lake, select(func.count()).select_from(ModelVersion))
    assert versions > 0
    assert count(lake, select(func.count(func.distinct(ReviewRecord.version_id)))) == versions
    assert count(lake, select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "version.submit")) == versions
    assert verify_chain(lake).ok
    lake.dispose()
    server.cleanup()
