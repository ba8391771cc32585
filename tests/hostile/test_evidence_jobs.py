"""Hostile weights submitted over HTTP: the request answers 202 (its files are read by evidence jobs), and the jobs,
run here by a worker in this process, must end the way the synchronous doors do: a refused file fails its facts job
once (an input error is not retried) with a message naming the problem, and the version is reviewed again with the
evidence missing; an accepted file completes; a pickle that would run code is flagged. Never a crashed job."""
from __future__ import annotations

import pytest

from engine.catalog import version_detail
from tests.hostile.corpus import CASES, FLAGGED, REFUSED, UNSAFE_PICKLE_RULE, card_text
from tests.http.conftest import app, bearer, client, http_config, tokens  # noqa: F401 - the HTTP fixtures
from tests.jobs.conftest import drain

pytestmark = pytest.mark.slow
# one refused header, one refused config, the flagged pickle, the control: each job is a child process, so few
SAMPLE = ["st/shape-infinity", "cfg/adapter-config-list", "pkl/os-system", "st/valid"]
BY_ID = {c.id: c for c in CASES}


@pytest.mark.timeout(900)
def test_hostile_weights_through_evidence_jobs(lake, client, tokens, tmp_path):
    submitted = {}
    for index, case_id in enumerate(SAMPLE):
        folder = tmp_path / f"case{index}"
        folder.mkdir()
        weights = BY_ID[case_id].build(folder)
        card = card_text(head=[f"name: hostile/job{index}" if line.startswith("name:") else line for line in card_text().splitlines()])
        response = client.post("/models", json={"card": card, "weights": str(weights)}, headers=bearer(tokens["submitter"]))
        assert response.status_code == 202, (case_id, response.status_code, response.text[:500])
        submitted[case_id] = f"hostile/job{index}@1.0"
    drain(lake)
    for case_id, ref in submitted.items():
        expect, detail = BY_ID[case_id].expect, version_detail(ref, lake)
        jobs = detail["evidence"]["jobs"]
        assert not any("JobCrashed" in str(job.get("error")) or "JobTimedOut" in str(job.get("error")) for job in jobs.values()), (case_id, jobs)
        if expect.outcome == REFUSED:
            assert detail["evidence"]["state"] == "failed", (case_id, detail["evidence"])
            error = jobs["facts"]["error"]
            assert jobs["facts"]["state"] == "failed" and error.startswith("JobInputRejected: "), (case_id, error)
            assert all(s.lower() in error.lower() for s in expect.says), (case_id, expect.says, error)
            assert detail["review"]["verdict"] is not None  # reviewed again with what is known
        else:
            assert detail["evidence"]["state"] == "complete", (case_id, detail["evidence"])
        if expect.outcome == FLAGGED:
            assert UNSAFE_PICKLE_RULE in {v["rule_id"] for v in detail["review"]["violations"]}, (case_id, detail["review"])
