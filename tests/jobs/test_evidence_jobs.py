"""Evidence as procrastinate jobs: deferred with the submission, run by workers in time-limited children, the review
recomputed and audited when they finish, failures shown, and a worker killed mid-job losing nothing."""
from __future__ import annotations

import json
import os
import signal

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from api.cli import main
from engine.audit import list_entries
from engine.catalog import version_detail
from engine.errors import Conflict
from engine.governance.decisions import decide
from engine.governance.evidence import gather_evidence
from engine.governance.submission import submit
from engine.jobs.limits import JobTimedOut, run_limited
from engine.store.tables import ModelVersion
from tests.http.conftest import bearer
from tests.jobs.conftest import drain, job_rows, start_worker, wait_for
from tests.store.test_submit import make_card


def test_http_submission_answers_202_and_a_worker_completes_the_evidence(lake, client, tokens, small_model):
    card = {"schema_version": "1", "name": "acme/weighted", "version": "1.0", "owners": [{"name": "Jane"}], "license": "mit"}
    response = client.post("/models", json={"card": card, "weights": str(small_model)}, headers=bearer(tokens["submitter"]))
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["ref"], body["created"], body["evidence"]["state"]) == ("acme/weighted@1.0", True, "pending")
    assert {name: job["state"] for name, job in body["evidence"]["jobs"].items()} == {"facts": "pending", "behaviour": "pending"}
    assert response.headers["location"] == "/models/acme/weighted@1.0"
    pending = client.get("/models/acme/weighted", headers=bearer(tokens["reader"])).json()
    assert (pending["evidence"]["state"], pending["facts"]) == ("pending", {"missing_artifacts": []})
    assert "evidence: pending" in CliRunner().invoke(main, ["show", "acme/weighted"], env={"DATABASE_URL": lake.url}).output

    drain(lake)
    done = client.get("/models/acme/weighted", headers=bearer(tokens["reader"])).json()
    assert done["evidence"]["state"] == "complete"
    assert {name: job["state"] for name, job in done["evidence"]["jobs"].items()} == {"facts": "done", "behaviour": "done", "lineage": "done"}
    assert (done["facts"]["format"], done["facts"]["parameters"]) == ("safetensors", 36)
    assert len(done["facts"]["files"][0]["sha256"]) == 64
    recomputed = [entry for entry in list_entries(lake) if entry["action"] == "version.evidence"]
    assert [(entry["actor"], entry["target"]) for entry in recomputed] == [("modellake-worker", "acme/weighted@1.0")]
    assert {row["status"] for row in job_rows(lake, body["version_id"])} == {"succeeded"}


def test_a_card_without_files_has_nothing_to_wait_for(client, tokens):
    card = {"schema_version": "1", "name": "acme/paper", "version": "1.0", "owners": [{"name": "Jane"}], "license": "mit"}
    response = client.post("/models", json={"card": card}, headers=bearer(tokens["submitter"]))
    assert (response.status_code, response.json()["evidence"]) == (201, None)


def test_decisions_wait_for_the_evidence(lake, small_model):
    card = make_card("acme/waiting")
    submit(lake, card, gather_evidence(card, small_model, defer=True), submitted_by="sam")
    with pytest.raises(Conflict) as refused:
        decide(lake, "acme/waiting", "approve", by="rita", comment="looks fine")
    assert str(refused.value) == "acme/waiting@1.0 is still waiting for evidence (behaviour, facts jobs); decide once it is in"
    drain(lake)
    assert decide(lake, "acme/waiting", "approve", by="rita", comment="looks fine")["status"] == "approved"


def test_a_corrupt_file_fails_its_job_once_and_the_version_shows_it(lake_env, corrupt_model):
    card = make_card("acme/broken")
    result = submit(lake_env, card, gather_evidence(card, corrupt_model, defer=True), submitted_by="sam")
    drain(lake_env)
    detail = version_detail("acme/broken", lake_env)
    assert detail["evidence"]["state"] == "failed"
    facts_job = detail["evidence"]["jobs"]["facts"]
    assert facts_job["state"] == "failed" and facts_job["error"].startswith("JobInputRejected: CorruptFile: ")
    assert "outside the file" in facts_job["error"]  # the reader names the lie
    assert detail["review"]["verdict"] is not None  # reviewed again with what is known
    rows = {row["task_name"]: row for row in job_rows(lake_env, result.version_id)}
    assert (rows["lake:evidence.facts"]["status"], rows["lake:evidence.facts"]["starts"]) == ("failed", 1)  # input errors are not retried
    listed = json.loads(CliRunner().invoke(main, ["jobs", "--state", "failed", "--json"]).output)
    assert [(row["task_name"], row["ref"]) for row in listed] == [("lake:evidence.facts", "acme/broken@1.0")]
    shown = CliRunner().invoke(main, ["show", "acme/broken"]).output
    assert "evidence: failed" in shown and "facts: failed (JobInputRejected: CorruptFile:" in shown


def test_cli_submit_is_synchronous_unless_async(lake_env, small_model, tmp_path):
    path = tmp_path / "card.yaml"
    path.write_text("schema_version: '1'\nname: acme/cli\nversion: '1.0'\nowners: [{name: Jane}]\nlicense: mit\n")
    now = json.loads(CliRunner().invoke(main, ["submit", str(path), "--weights", str(small_model), "--by", "sam", "--json"]).output)
    assert (now["evidence"], version_detail("acme/cli", lake_env)["facts"]["parameters"]) == (None, 36)
    path.write_text(path.read_text().replace("'1.0'", "'2.0'"))
    later = CliRunner().invoke(main, ["submit", str(path), "--weights", str(small_model), "--by", "sam", "--async"])
    assert later.exit_code == 0, later.output
    assert "evidence: pending (facts #" in later.output and "modellake worker" in later.output
    assert version_detail("acme/cli@2.0", lake_env)["facts"] == {"missing_artifacts": []}


def test_a_submission_that_rolls_back_enqueues_nothing(lake, small_model, monkeypatch):
    import engine.governance.submission as submission

    card = make_card("acme/rolled-back")
    monkeypatch.setattr(submission, "record_change", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("audit down")))
    with pytest.raises(RuntimeError):
        submit(lake, card, gather_evidence(card, small_model, defer=True), submitted_by="sam")
    with lake.transaction() as session:
        assert session.execute(select(ModelVersion)).first() is None
        queued = session.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE 'lake:evidence.%' AND status = 'todo'")).scalar_one()
    assert queued == 0


def test_work_past_its_time_limit_is_killed():
    with pytest.raises(JobTimedOut) as error:
        run_limited("tests.jobs.sleepy_child", {"seconds": 60}, timeout=1.5)
    assert str(error.value) == "tests.jobs.sleepy_child ran past its 1.5 s time limit and was killed"
    assert run_limited("tests.jobs.sleepy_child", {"seconds": 0}, timeout=30) == {"slept": 0}


def test_a_worker_killed_mid_job_loses_nothing(lake, large_sparse_model):
    """Two real worker processes: the first is SIGKILLed while digesting a 1 GiB file; the second takes the job back."""
    card = make_card("acme/large")
    result = submit(lake, card, gather_evidence(card, large_sparse_model, defer=True), submitted_by="sam")
    fast = ("--heartbeat", "0.5", "--stalled-after", "2")
    first = start_worker(lake.url, *fast, "--name", "first")
    second = None
    try:
        facts = wait_for(lambda: next((row for row in job_rows(lake, result.version_id)
                                       if row["task_name"] == "lake:evidence.facts" and row["status"] == "doing"), None), 90, "the facts job to start")
        wait_for(lambda: digesting(), 30, "the job's child process")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        wait_for(lambda: not digesting(), 10, f"the killed worker's child to exit ({digesting()})")
        second = start_worker(lake.url, *fast, "--name", "second")
        wait_for(lambda: version_detail("acme/large", lake)["evidence"]["state"] != "pending", 120, "the evidence to complete")
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
    detail = version_detail("acme/large", lake)
    assert detail["evidence"]["state"] == "complete", detail["evidence"]
    assert detail["facts"]["files"][0]["size"] > 1 << 30 and len(detail["facts"]["files"][0]["sha256"]) == 64
    rerun = next(row for row in job_rows(lake, result.version_id) if row["id"] == facts["id"])
    assert (rerun["status"], rerun["starts"]) == ("succeeded", 2)  # started by the first worker, finished by the second


def digesting() -> list[str]:
    """The evidence-job child processes running on this machine ("pid state" each)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if b"engine.governance.evidence_jobs" in handle.read():
                    with open(f"/proc/{entry}/stat") as stat:
                        fields = stat.read().split(") ")[1].split()
                        found.append(f"{entry} {fields[0]} ppid {fields[1]}")
        except (FileNotFoundError, NotADirectoryError, PermissionError, ProcessLookupError):
            continue
    return found
