"""Rerun results in the lake: one eval_runs row per result (engine.governance.reruns re-runs stored versions)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.store.tables import EvalRun


def record_eval_runs(session: Session, version_id: int, evals: list[dict]) -> list[EvalRun]:
    """One eval_runs row per rerun result (the whole result dict, evidence included, as JSONB)."""
    rows = [
        EvalRun(version_id=version_id, evaluation_index=result["evidence"]["evaluation_index"], harness=result["evidence"]["harness"],
                metric=result["metric"], status=result["status"], result=result)
        for result in evals
    ]
    session.add_all(rows)
    session.flush()
    return rows
