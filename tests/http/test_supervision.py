"""`modellake serve` supervises its embedded Postgres: the postmaster is killed (SIGKILL) during a burst of concurrent
submissions; the server restarts it, /ready recovers within 10 s, clients get 503 with Retry-After meanwhile, and
every submission either fully landed or was refused whole (retried, it lands exactly once)."""
from __future__ import annotations

import os
import signal
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
from engine.store.tables import AuditEntry, ModelVersion, ReviewRecord, SearchDocument
from engine.tokens import create_token
from tests.http.conftest import bearer, serve_subprocess, tiny_card_yaml

pytestmark = pytest.mark.slow
RECOVERY_S = 10
SUBMISSIONS = 48
KILL_AFTER = 12


def postmaster(pgdata: Path) -> tuple[int, str]:
    """(pid, SQLAlchemy URL) of the running embedded Postgres, from its postmaster.pid."""
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info.pid, info.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


def count(lake, query) -> int:
    with lake.transaction() as session:
        return session.execute(query).scalar_one()


@pytest.mark.timeout(900)
def test_killed_postmaster_is_restarted_during_a_burst_of_submissions(tmp_path):
    home = tmp_path / "home"
    with serve_subprocess(None, home, tmp_path) as base:
        pid, url = postmaster(home / "pgdata")
        setup = open_lake(Settings(home=tmp_path, database_url=url), migrate=False)
        token = create_token(setup, name="sam", role="submitter", by="test")[1]
        setup.dispose()
        with httpx.Client(base_url=base, headers=bearer(token), timeout=120) as client:
            warm = client.post("/models", json={"card": tiny_card_yaml("burst/warm-up")})
            assert warm.status_code == 201, warm.text  # the embedding model is loaded before the clock starts
            cards = {f"burst/m{i}@1.0": tiny_card_yaml(f"burst/m{i}", "1.0", description=f"burst model {i}") for i in range(SUBMISSIONS)}
            killed, answered, lock = threading.Event(), [], threading.Lock()

            def submit(item: tuple[str, str]) -> tuple[str, httpx.Response]:
                ref, card = item
                response = client.post("/models", json={"card": card})
                with lock:
                    answered.append(ref)
                    if len(answered) == KILL_AFTER:  # some have landed; the others are in flight or queued
                        os.kill(pid, signal.SIGKILL)
                        killed.set()
                return ref, response

            with ThreadPoolExecutor(max_workers=8) as pool:
                burst = pool.submit(lambda: list(pool.map(submit, cards.items())))
                assert killed.wait(120)
                down_at = time.monotonic()
                ready, outage = None, []
                while time.monotonic() - down_at < 60:
                    probe = httpx.get(f"{base}/ready", timeout=10)
                    if probe.status_code == 200:
                        ready = time.monotonic() - down_at
                        break
                    outage.append(probe)
                    time.sleep(0.1)
                responses = dict(burst.result(timeout=600))
            assert ready is not None and ready <= RECOVERY_S, f"/ready did not recover within {RECOVERY_S} s (after {ready})"
            assert all(p.status_code == 503 and p.headers.get("retry-after") for p in outage), [(p.status_code, dict(p.headers)) for p in outage]
            statuses = Counter(r.status_code for r in responses.values())
            assert set(statuses) <= {201, 503} and statuses[201] >= KILL_AFTER and statuses[503], statuses
            assert all(r.headers.get("retry-after") for r in responses.values() if r.status_code == 503)
            refused = [ref for ref, r in responses.items() if r.status_code == 503]
            retried = {ref: client.post("/models", json={"card": cards[ref]}).status_code for ref in refused}
        _, url = postmaster(home / "pgdata")  # the restarted server: same socket directory, new process
        lake = open_lake(Settings(home=tmp_path, database_url=url), migrate=False)
        stored = {f"{v.model.name}@{v.version}" for v in _versions(lake)}
        landed = {ref for ref, r in responses.items() if r.status_code == 201}
        assert landed <= stored, "a 201 was answered for a submission that is not stored"
        # A 503 means the transaction rolled back; retried, the same card lands exactly once (201, or 200 if the commit
        # had reached the disk before the connection died: submissions are idempotent, so the client cannot double them).
        assert set(retried.values()) <= {200, 201}, retried
        assert set(cards) <= stored, "a submission was lost"
        versions = count(lake, select(func.count()).select_from(ModelVersion))
        assert versions == SUBMISSIONS + 1
        # nothing half-written: each version has its review, its search document and its audit entry
        assert count(lake, select(func.count(func.distinct(ReviewRecord.version_id)))) == versions
        assert count(lake, select(func.count()).select_from(SearchDocument)) == versions
        assert count(lake, select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "version.submit")) == versions
        assert verify_chain(lake).ok
        print(f"postmaster killed mid-burst: /ready back after {ready:.1f} s; {dict(statuses)}; retried {len(retried)}: {Counter(retried.values())}")
        lake.dispose()


def _versions(lake) -> list[ModelVersion]:
    from sqlalchemy.orm import selectinload

    with lake.transaction() as session:
        return list(session.execute(select(ModelVersion).options(selectinload(ModelVersion.model))).scalars())
