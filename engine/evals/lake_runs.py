"""Rerun results in the lake: one eval_runs row per result (engine.governance.reruns re-runs stored versions)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.store.tables import EvalRun


def record_eval_runs(session: Session, version_id: int, evals: list[dict]) -> list[EvalRun]:
    """One eval_runs row per rerun result: the numbers search reads as columns, the whole record (evidence included) as JSONB."""
    rows = [
        EvalRun(version_id=version_id, evaluation_index=result["evidence"]["evaluation_index"], harness=result["evidence"]["harness"],
                metric=result["metric"], status=result["status"], claimed=result["claimed"], observed=result["observed"],
                tolerance=result["tolerance"], dataset=_dataset_ref(result), result=result)
        for result in evals
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _dataset_ref(result: dict) -> str | None:
    """NAME@VERSION of the registered set the rerun read (None when it read none)."""
    dataset = (result.get("evidence") or {}).get("dataset")
    return f"{dataset['name']}@{dataset['version']}" if dataset else None
