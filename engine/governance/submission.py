"""Submitting a card: evidence is gathered outside the transaction, then everything is written in one.

Evidence (engine.governance.evidence) is gathered first. The steps that run inside the transaction
(lineage edges, the review, search indexing) are the functions listed in SUBMISSION_STEPS; each takes
(session, version, evidence) and writes only through that session, so a failure in any of them rolls the
whole submission back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from engine.audit import record as record_change
from engine.cards import Card
from engine.governance.decisions import latest_review
from engine.governance.evidence import Evidence
from engine.governance.evidence_jobs import enqueue_evidence
from engine.governance.stored import review_submission, review_summary
from engine.lineage.edges import record_declared_edges
from engine.search.index import index_version
from engine.store.database import Lake
from engine.store.tables import ModelVersion
from engine.store.versions import insert_version

# Each step runs, in order, on a newly created version: (session, version, evidence) -> None.
SUBMISSION_STEPS: list[Callable[[Session, ModelVersion, Evidence], None]] = [
    record_declared_edges,
    review_submission,
    index_version,  # after the review: the document's status facet is the reviewed status
    enqueue_evidence,  # deferred evidence (POST /models, submit --async): its jobs commit with the version
]


@dataclass(frozen=True)
class SubmitResult:
    ref: str
    created: bool
    version_id: int
    status: str
    review: dict | None = None  # the automated review's summary (engine.governance.review_summary)
    evidence: dict | None = None  # {state, jobs} while jobs gather evidence; None when it was gathered before

    @property
    def pending(self) -> bool:
        return (self.evidence or {}).get("state") == "pending"

    def to_dict(self) -> dict:
        return {"ref": self.ref, "created": self.created, "version_id": self.version_id, "status": self.status, "review": self.review,
                "evidence": self.evidence}


def submit(lake: Lake, card: Card, evidence: Evidence | None = None, *, submitted_by: str | None = None) -> SubmitResult:
    """Store a validated card (and its evidence) as a new version, in one transaction."""
    with lake.transaction() as session:
        return submit_in(session, card, evidence or Evidence(), submitted_by=submitted_by)


def submit_batch(lake: Lake, batch: list[tuple[Card, Evidence]], *, submitted_by: str | None = None) -> list[SubmitResult]:
    """Bulk loading: several submissions, each exactly as `submit` makes it, in one transaction (all stored or none)."""
    with lake.transaction() as session:
        return [submit_in(session, card, evidence, submitted_by=submitted_by) for card, evidence in batch]


def submit_in(session: Session, card: Card, evidence: Evidence, *, submitted_by: str | None) -> SubmitResult:
    """One submission inside the caller's transaction: the version, SUBMISSION_STEPS, the audit entry."""
    version, created = insert_version(session, card, facts=evidence.facts, fingerprint=evidence.fingerprint, submitted_by=submitted_by)
    if created:
        for step in SUBMISSION_STEPS:
            step(session, version, evidence)
        record_change(session, actor=submitted_by or "unknown", action="version.submit", target=version.ref,
                      after={"card_digest": version.card_digest, "status": version.status, "facts": version.facts})
    record = latest_review(session, version.id)
    review = review_summary(record.review) if record is not None and record.review else None
    return SubmitResult(ref=card.ref, created=created, version_id=version.id, status=version.status, review=review, evidence=version.evidence)
