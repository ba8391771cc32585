"""Re-running a stored version's evaluations: read its card, rerun outside any transaction (registered data, after the
scan), store the runs, review again."""
from __future__ import annotations

from pathlib import Path

from engine.audit import record as record_change
from engine.cards import card_from_dict
from engine.evals.isolation import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT_S
from engine.evals.lake_runs import record_eval_runs
from engine.evals.rerun import RerunProgress, rerun_evaluations
from engine.governance.stored import review_stored_version, review_summary
from engine.store.database import Lake
from engine.store.tables import ModelVersion
from engine.store.versions import get_version


def rerun_stored_version(lake: Lake, ref: str, *, weights: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                         memory_limit: int | None = DEFAULT_MEMORY_LIMIT, progress: RerunProgress | None = None, actor: str = "unknown") -> dict:
    """Rerun the evaluations of NAME[@VERSION], store them and review the version again; returns {ref, version_id, evals, review}.

    Weights default to the card's artifact paths relative to the card file it was submitted from.
    """
    from engine.evals.lake_datasets import lake_catalog

    with lake.transaction() as session:
        version = get_version(session, ref)
        version_id, card, submitter = version.id, card_from_dict(version.card, source=version.source), version.submitted_by
    evals = rerun_evaluations(card, weights, timeout=timeout, memory_limit=memory_limit, progress=progress, datasets=lake_catalog(lake),
                              submitter=submitter)  # the files are scanned again: they may have changed since the submission
    with lake.transaction() as session:
        record_eval_runs(session, version_id, evals)
        version = session.get(ModelVersion, version_id)
        before = version.status
        record = review_stored_version(session, version)
        review = review_summary(record.review)
        record_change(session, actor=actor, action="version.rerun", target=card.ref, before={"status": before},
                      after={"status": version.status, "evals": [{"metric": e["metric"], "status": e["status"]} for e in evals]})
    return {"ref": card.ref, "version_id": version_id, "evals": evals, "review": review}
