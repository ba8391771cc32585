"""Reading governance reviews back from the lake: one version's review, the review queue, a Review for the renderers."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine.governance.decisions import latest_review
from engine.governance.stored import review_now
from engine.governance.review import Finding, Review
from engine.store.database import Lake
from engine.store.tables import ModelVersion, ReviewRecord
from engine.store.versions import get_version


def review_from_dict(data: dict) -> Review:
    """The Review a stored `Review.to_dict()` came from (findings and waived findings back in rule order)."""
    findings = sorted((Finding(**finding) for finding in data["findings"] + data["waived"]), key=lambda finding: finding.rule_id)
    return Review(data["name"], data["version"], data["card"], data["verdict"], data["verdict_reason"], data["risk_tier"], data["as_of"],
                  tuple(findings), tuple(data["policies"]), tuple(data["waivers"]), data["lineage"], data["inputs"], data["inputs_digest"])


def version_review(lake: Lake, ref: str) -> tuple[Review, dict]:
    """(the Review, its record: id, stored or not, human decision) of NAME[@VERSION]."""
    with lake.transaction() as session:
        version = get_version(session, ref)
        record = latest_review(session, version.id)
        stored = record is not None and bool(record.review)
        review = review_from_dict(record.review) if stored else review_now(session, version)  # stored before reviews were
        meta = {"ref": version.ref, "status": version.status, "submitted_by": version.submitted_by, "review_id": record.id if record else None,
                "stored": stored, "decision": record.decision if record else None, "decided_by": record.decided_by if record else None,
                "comment": record.comment if record else None,
                "decided_at": record.decided_at.isoformat() if record and record.decided_at else None}
        return review, meta


def review_queue(lake: Lake) -> list[dict]:
    """Versions no human has decided on yet, oldest first, each with its latest automated verdict."""
    decided = select(ReviewRecord.id).where(ReviewRecord.version_id == ModelVersion.id, ReviewRecord.decision.is_not(None)).exists()
    with lake.transaction() as session:
        versions = session.execute(select(ModelVersion).where(~decided).options(selectinload(ModelVersion.model))
                                   .order_by(ModelVersion.created_at, ModelVersion.id)).scalars().all()
        verdicts = dict(session.execute(select(ReviewRecord.version_id, ReviewRecord.verdict).where(ReviewRecord.version_id.in_([v.id for v in versions]))
                                        .order_by(ReviewRecord.id)).all())
        return [{"ref": v.ref, "name": v.model.name, "version": v.version, "status": v.status, "verdict": verdicts.get(v.id),
                 "submitted_by": v.submitted_by, "created_at": v.created_at.isoformat()} for v in versions]
