"""Evidence gathered by jobs after the submission: facts and digests, behaviour signatures, reruns, lineage.

A submission with deferred evidence (`POST /models`, `modellake submit --async`) is stored at once with
`evidence: pending` and, in the same transaction, one job per kind of evidence its files call for
(`enqueue_evidence`, the last submission step). A worker (`modellake worker`) runs each job's work in a child
process under the job's time limit (engine.jobs.limits): the child gathers the evidence outside any transaction,
then stores it and marks its job done in one. The facts job enqueues the lineage job (verification and parent
suggestions need the facts). Whichever job completes the set reviews the version again, audited as
`version.evidence`. A job whose retries are spent, or whose files cannot give the evidence, is marked failed,
and the review is computed again with what is known: the rules then see the evidence missing (fail closed).
"""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.audit import record as record_change
from engine.cards import Card, card_from_dict
from engine.cards.artifacts import CardFiles
from engine.jobs.limits import JobCrashed, JobTimedOut, run_limited, serve_child
from engine.jobs.queue import QUEUE, defer_in, job_app
from engine.store.database import Lake
from engine.storage import Location, as_location
from engine.store.tables import LineageEdge, ModelVersion

CHILD_MODULE = "engine.governance.evidence_jobs"
WORKER = "modellake-worker"  # the actor of the audit entries jobs write
PENDING, DONE, FAILED, COMPLETE = "pending", "done", "failed", "complete"


@dataclass(frozen=True)
class Snapshot:
    """What a job's gathering step knows of its version (read before the work, outside any transaction)."""

    version_id: int
    ref: str
    card: Card
    weights: Location | None  # a local path or a URI
    submitter: str | None = None
    datasets: object = None  # the lake's DatasetCatalog (engine.evals.lake_datasets.lake_catalog)


@dataclass(frozen=True)
class EvidenceJob:
    name: str
    gather: Callable[[Snapshot], dict]  # the heavy part, in the child, no transaction open
    store: Callable[[Session, ModelVersion, Snapshot, dict], None]  # in the job's one transaction
    timeout_s: float


def gather_facts(snapshot: Snapshot) -> dict:
    from engine.facts import compute_fingerprint
    from engine.governance.evidence import file_facts

    files, facts = file_facts(snapshot.card, snapshot.weights)
    return {"facts": facts, "fingerprint": compute_fingerprint(files.root) if files.root is not None else None}


def store_facts(session: Session, version: ModelVersion, snapshot: Snapshot, gathered: dict) -> None:
    version.facts, version.fingerprint = gathered["facts"], gathered["fingerprint"]
    _add_job(session, version, "lineage", snapshot.weights)  # lineage compares weights and needs the facts


def gather_behaviour(snapshot: Snapshot) -> dict:
    from engine.search.behaviour import behaviour_signature

    signature, provenance = behaviour_signature(snapshot.weights)
    return {"signature": signature, "provenance": provenance}


def store_behaviour(session: Session, version: ModelVersion, snapshot: Snapshot, gathered: dict) -> None:
    from engine.search.index import refresh_evidence

    refresh_evidence(session, version, behaviour=(gathered["signature"], gathered["provenance"]))


def gather_reruns(snapshot: Snapshot) -> dict:
    from engine.governance.evidence import rerun_claims

    # No facts passed: the rerun scans the files it is about to hand a harness (they may have changed since the facts job).
    return {"evals": rerun_claims(snapshot.card, snapshot.weights, None, datasets=snapshot.datasets, submitter=snapshot.submitter)}


def store_reruns(session: Session, version: ModelVersion, snapshot: Snapshot, gathered: dict) -> None:
    from engine.evals.lake_runs import record_eval_runs

    record_eval_runs(session, version.id, gathered["evals"])


def gather_nothing(snapshot: Snapshot) -> dict:
    return {}


def store_lineage(session: Session, version: ModelVersion, snapshot: Snapshot, gathered: dict) -> None:
    """Verify declared relations from the weights (this version's, and its waiting children's); suggest parents when none is declared."""
    from engine.errors import UsageError
    from engine.lineage.edges import declared_parents, verify_lineage
    from engine.lineage.suggestions import suggest_parents

    children_ids = session.execute(select(LineageEdge.child_version_id).where(LineageEdge.parent_version_id == version.id,
                                                                             LineageEdge.declared, LineageEdge.relation != "version")).scalars()
    verify_lineage(session, version, [session.get(ModelVersion, child) for child in sorted(set(children_ids))], weights=snapshot.weights)
    if not declared_parents(version.card):
        try:
            suggestions = suggest_parents(session, version.ref)["suggestions"]
        except UsageError as error:  # nothing to recover a parent from: say so rather than fail the job
            suggestions = {"unavailable": str(error)}
        version.evidence = version.evidence | {"suggested_parents": suggestions}


EVIDENCE_JOBS = {job.name: job for job in (
    EvidenceJob("facts", gather_facts, store_facts, timeout_s=1800),  # digests of every file: minutes for tens of GB
    EvidenceJob("behaviour", gather_behaviour, store_behaviour, timeout_s=900),  # loads and runs the model on 24 probes
    EvidenceJob("reruns", gather_reruns, store_reruns, timeout_s=3600),  # each harness also has its own limit
    EvidenceJob("lineage", gather_nothing, store_lineage, timeout_s=900),
)}


def jobs_wanted(files: CardFiles, *, rerun: bool) -> tuple[str, ...]:
    """The jobs a submission enqueues: facts when it has files, behaviour when they are on this disk (the signature runs the
    model from local files), reruns when asked (lineage follows facts)."""
    return (("facts",) if files.root is not None else ()) + (("behaviour",) if files.local_root is not None else ()) + \
        (("reruns",) if rerun else ())


def enqueue_evidence(session: Session, version: ModelVersion, evidence) -> None:
    """Submission step: enqueue the deferred evidence jobs in the submission's transaction; the version shows `evidence: pending`."""
    for name in getattr(evidence, "deferred", ()):
        _add_job(session, version, name, evidence.weights)


def _add_job(session: Session, version: ModelVersion, name: str, weights: Location | None) -> None:
    url = session.get_bind().url.render_as_string(hide_password=False)
    job_id = defer_in(session, evidence_app(url), f"lake:evidence.{name}", version_id=version.id, weights=str(weights) if weights else None)
    current = version.evidence or {"state": PENDING, "jobs": {}}
    version.evidence = current | {"state": PENDING, "jobs": current["jobs"] | {name: {"id": job_id, "state": PENDING}}}


def run_job(url: str, name: str, version_id: int, weights: str | None) -> dict:
    """One evidence job, start to end (the child process runs this): gather, then store and mark done in one transaction."""
    from engine.config import Settings
    from engine.evals.lake_datasets import lake_catalog
    from engine.store.database import open_lake

    job = EVIDENCE_JOBS[name]
    lake = open_lake(Settings(home=Path(tempfile.gettempdir()), database_url=url), migrate=False)
    try:
        with lake.transaction() as session:
            version = session.get(ModelVersion, version_id)
            if version is None or _job_state(version, name) != PENDING:
                return {"skipped": "the version is gone" if version is None else f"{name} is already {_job_state(version, name)}"}
            snapshot = Snapshot(version.id, version.ref, card_from_dict(version.card, source=version.source),
                                as_location(weights) if weights else None, version.submitted_by, lake_catalog(lake))
        gathered = job.gather(snapshot)
        with lake.transaction() as session:
            version = _locked(session, version_id)
            if version is None or _job_state(version, name) != PENDING:  # another run of this job got here first
                return {"skipped": "finished meanwhile"}
            job.store(session, version, snapshot, gathered)
            _settle(session, version, name, {"state": DONE})
        return {"ref": snapshot.ref, "job": name, "state": DONE}
    finally:
        lake.dispose()


def record_failure(lake: Lake, version_id: int, name: str, error: Exception) -> None:
    """A job failed for good: say so on the version; if it was the last one pending, review with what is known."""
    with lake.transaction() as session:
        version = _locked(session, version_id)
        if version is not None and _job_state(version, name) == PENDING:
            _settle(session, version, name, {"state": FAILED, "error": f"{type(error).__name__}: {error}"[:1000]})


def _settle(session: Session, version: ModelVersion, name: str, outcome: dict) -> None:
    """Record one job's outcome; the last one to settle reviews the version again (audited)."""
    from engine.governance.stored import review_stored_version
    from engine.search.index import refresh_evidence

    evidence = version.evidence
    jobs = evidence["jobs"] | {name: evidence["jobs"][name] | outcome | {"at": dt.datetime.now(dt.timezone.utc).isoformat()}}
    version.evidence = evidence | {"jobs": jobs}
    if any(job["state"] == PENDING for job in jobs.values()):
        return
    state = FAILED if any(job["state"] == FAILED for job in jobs.values()) else COMPLETE
    before = version.status
    version.evidence = version.evidence | {"state": state}
    refresh_evidence(session, version)
    record = review_stored_version(session, version)
    record_change(session, actor=WORKER, action="version.evidence", target=version.ref, before={"status": before, "evidence": PENDING},
                  after={"status": version.status, "evidence": state, "verdict": record.verdict, "review_id": record.id,
                         "jobs": {key: {"id": job["id"], "state": job["state"]} | ({"error": job["error"]} if "error" in job else {})
                                  for key, job in jobs.items()}})


def _locked(session: Session, version_id: int) -> ModelVersion | None:
    """The version, row-locked: jobs of one version settle one at a time, so exactly one of them completes the set."""
    return session.execute(select(ModelVersion).where(ModelVersion.id == version_id).with_for_update()).scalar_one_or_none()


def _job_state(version: ModelVersion, name: str) -> str | None:
    return ((version.evidence or {}).get("jobs") or {}).get(name, {}).get("state")


# --- the worker side: one procrastinate task per evidence job -------------------------------------------------------

def _blueprint():
    import procrastinate

    blueprint = procrastinate.Blueprint()
    retry = procrastinate.RetryStrategy(max_attempts=3, exponential_wait=4, retry_exceptions=[JobTimedOut, JobCrashed])

    def task_for(job: EvidenceJob):
        def run(context, version_id: int, weights: str | None) -> dict:
            lake = context.additional_context["lake"]
            request = {"url": lake.url, "job": job.name, "version_id": version_id, "weights": weights}
            try:
                return run_limited(CHILD_MODULE, request, job.timeout_s)
            except Exception as error:
                if retry.get_retry_decision(exception=error, job=context.job) is None:  # no retry left, or not worth one
                    record_failure(lake, version_id, job.name, error)
                raise

        run.__name__ = run.__qualname__ = f"evidence_{job.name}"
        blueprint.task(name=f"evidence.{job.name}", queue=QUEUE, retry=retry, pass_context=True)(run)

    for job in EVIDENCE_JOBS.values():
        task_for(job)
    return blueprint


def evidence_app(url: str):
    """The procrastinate App of the lake at `url`, with the evidence tasks."""
    return job_app(url, _blueprint)


def list_jobs(lake: Lake, *, status: str | None = None, limit: int = 20) -> list[dict]:
    """The newest evidence jobs (procrastinate's table): id, task, status, attempts, the version they are for."""
    query = text("SELECT j.id, j.task_name, j.status::text AS status, j.attempts, j.scheduled_at, (j.args->>'version_id')::bigint AS version_id, "
                 "m.name || '@' || v.version AS ref FROM procrastinate_jobs j "
                 "LEFT JOIN model_versions v ON v.id = (j.args->>'version_id')::bigint LEFT JOIN models m ON m.id = v.model_id "
                 "WHERE j.queue_name = :queue AND (CAST(:status AS text) IS NULL OR j.status::text = :status) ORDER BY j.id DESC LIMIT :limit")
    with lake.transaction() as session:
        rows = session.execute(query, {"queue": QUEUE, "status": status, "limit": limit}).mappings().all()
    return [dict(row) | {"scheduled_at": row["scheduled_at"].isoformat() if row["scheduled_at"] else None} for row in rows]


def _child_main() -> None:
    serve_child(lambda request: run_job(request["url"], request["job"], request["version_id"], request["weights"]))


if __name__ == "__main__":
    _child_main()
