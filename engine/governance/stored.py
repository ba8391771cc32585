"""The automated governance review of stored versions, at submission and again after reruns.

It is the same `review_card` the CI gate runs, fed from the lake: the stored card (re-parsed from its text
so findings keep their card lines), the stored facts, the latest rerun of each evaluation, the lineage
evidence and the waivers table. The Review is stored as a ReviewRecord in the caller's transaction and
moves the version's status until a human has decided; after that only a human changes it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cards import Card
from engine.cards.hf_import import stored_card
from engine.policy.waivers import Waiver
from engine.governance.review import Review, review_card
from engine.search.index import refresh_document
from engine.store.tables import EvalRun, ModelVersion, ReviewRecord
from engine.store.tables import Waiver as WaiverRow

# automated verdict -> the status it gives a version no human has decided on yet
STATUS_AFTER_VERDICT = {
    "rejected": "rejected",
    "changes_requested": "changes_requested",
    "needs_human_review": "pending",
    "approved": "pending",  # policies passing is not an approval: a reviewer still decides
}


@dataclass(frozen=True)
class StoredEvidence:
    """Everything the lake knows about one version, in the shapes review_card and the reports take."""

    card: Card
    facts: dict | None
    evals: list[dict]
    lineage: dict


def stored_evidence(session: Session, version: ModelVersion) -> StoredEvidence:
    from engine.lineage.graph import lineage_context

    card = stored_card(version.card_text, version.card, version.source)  # re-read so findings keep their card (or README) lines
    return StoredEvidence(card, version.facts, latest_eval_results(session, version.id), lineage_context(session, version))


def review_now(session: Session, version: ModelVersion, *, now: dt.date | None = None) -> Review:
    """The Review `version` gets from the default policy packs and everything the lake knows; nothing is stored."""
    known = stored_evidence(session, version)
    return review_card(known.card, known.facts, known.evals, known.lineage, waivers=stored_waivers(session), now=now)


def review_stored_version(session: Session, version: ModelVersion, *, now: dt.date | None = None) -> ReviewRecord:
    """Review `version` (review_now), store the record and move the status unless a human has decided."""
    review = review_now(session, version, now=now)
    record = ReviewRecord(version_id=version.id, verdict=review.verdict, review=review.to_dict(), inputs_digest=review.inputs_digest)
    session.add(record)
    if not human_decided(session, version.id):
        version.status = STATUS_AFTER_VERDICT[review.verdict]
    session.flush()
    refresh_document(session, version)  # status, findings and rerun-aware metrics follow every stored review
    return record


def review_submission(session: Session, version: ModelVersion, evidence) -> None:
    """Submission step: store the reruns made before the transaction (submit --rerun), then review."""
    from engine.evals.lake_runs import record_eval_runs

    if evidence.evals:
        record_eval_runs(session, version.id, evidence.evals)
    review_stored_version(session, version)


def latest_eval_results(session: Session, version_id: int) -> list[dict]:
    """The newest rerun result of each of the card's evaluations."""
    rows = session.execute(select(EvalRun).where(EvalRun.version_id == version_id).order_by(EvalRun.evaluation_index, EvalRun.id.desc())).scalars()
    latest: dict[int, dict] = {}
    for row in rows:
        latest.setdefault(row.evaluation_index, row.result)
    return list(latest.values())


def stored_waivers(session: Session) -> list[Waiver]:
    return [Waiver(rule_id=row.rule_id, target=row.target, reason=row.reason, approved_by=row.approved_by, ticket=row.ticket,
                   expires_at=row.expires_at.date().isoformat() if row.expires_at else None, source=f"waivers table #{row.id}")
            for row in session.execute(select(WaiverRow).order_by(WaiverRow.id)).scalars()]


def human_decided(session: Session, version_id: int) -> bool:
    return session.execute(select(ReviewRecord.id).where(ReviewRecord.version_id == version_id, ReviewRecord.decision.is_not(None))
                           .limit(1)).first() is not None


def review_summary(review: dict | Review, fail_on: str = "info") -> dict:
    """Verdict, outcome counts, the failures and the unverified rules at or above `fail_on`, from a stored review dict."""
    from engine.policy.severity import rank

    data = review.to_dict() if isinstance(review, Review) else review

    def listed(outcomes: tuple[str, ...], *extra: str) -> list[dict]:
        return [{"rule_id": f["rule_id"], "severity": f["severity"], "outcome": f["outcome"], "message": f["message"],
                 **{key: f["evidence"].get(key) for key in extra}}
                for f in data.get("findings", []) if f["outcome"] in outcomes and rank(f["severity"]) >= rank(fail_on)]

    return {"verdict": data.get("verdict"), "verdict_reason": data.get("verdict_reason"), "summary": data.get("summary"),
            "violations": listed(("fail", "warn", "error")), "unverified": listed(("unverified",), "missing", "settled_by")}
