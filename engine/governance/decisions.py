"""A reviewer's decision on a version: approve, reject or request changes, with a comment.

The automatic review (engine/review.py) proposes a verdict; a human decision sets the version's status.
Separation of duties is enforced here, not only in a transport: nobody decides on a version they submitted.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import record as record_change
from engine.errors import Conflict, Forbidden, UsageError
from engine.search.index import refresh_document
from engine.store.database import Lake
from engine.store.tables import ReviewRecord
from engine.store.versions import get_version

# decision word -> the status it gives the version
DECISIONS = {"approve": "approved", "reject": "rejected", "request_changes": "changes_requested"}


def decide(lake: Lake, ref: str, decision: str, *, by: str, comment: str) -> dict:
    """Record a human decision on NAME[@VERSION]; returns the version's new state."""
    if decision not in DECISIONS:
        raise UsageError(f"unknown decision {decision!r}; valid: {', '.join(DECISIONS)}")
    if not comment.strip():
        raise UsageError("a decision needs a comment saying why")
    with lake.transaction() as session:
        version = get_version(session, ref)
        if decides_own_submission(version.submitted_by, by):
            raise Forbidden(f"{by} submitted {version.ref} and cannot decide on it (separation of duties)")
        if (version.evidence or {}).get("state") == "pending":
            pending = sorted(name for name, job in version.evidence["jobs"].items() if job["state"] == "pending")
            raise Conflict(f"{version.ref} is still waiting for evidence ({', '.join(pending)} jobs); decide once it is in")
        review = latest_review(session, version.id)
        if review is None:
            review = ReviewRecord(version_id=version.id, verdict="needs_human_review", review={}, inputs_digest="")
            session.add(review)
        before = version.status
        review.decision, review.decided_by, review.comment = decision, by, comment
        review.decided_at = dt.datetime.now(dt.timezone.utc)
        version.status = DECISIONS[decision]
        refresh_document(session, version)
        record_change(session, actor=by, action=f"version.{decision}", target=version.ref, before={"status": before},
                      after={"status": version.status, "decision": decision, "comment": comment}, detail={"comment": comment})
        return {"ref": version.ref, "status": version.status, "previous_status": before, "decision": decision, "decided_by": by, "comment": comment}


def decides_own_submission(submitted_by: str | None, by: str) -> bool:
    """Separation of duties: nobody decides on a version they submitted (the UI asks before offering the buttons)."""
    return bool(submitted_by) and submitted_by == by


def latest_review(session: Session, version_id: int) -> ReviewRecord | None:
    return session.execute(select(ReviewRecord).where(ReviewRecord.version_id == version_id).order_by(ReviewRecord.id.desc()).limit(1)).scalar_one_or_none()
