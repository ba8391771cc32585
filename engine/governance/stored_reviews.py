"""Reading governance reviews back from the lake: one version's review, the review queue, a Review for the renderers."""
from __future__ import annotations

from sqlalchemy import BigInteger, func, literal, select, true
from sqlalchemy.dialects.postgresql import JSONPATH, array
from sqlalchemy.orm import Session

from engine.governance.decisions import latest_review
from engine.governance.stored import review_now
from engine.governance.review import Finding, Review
from engine.search.pages import DEFAULT_PAGE, Order, keyset_rows, read_integer, read_timestamp, stored_counts
from engine.store.database import Lake
from engine.store.tables import ModelVersion, ReviewRecord, SearchDocument
from engine.store.versions import get_version

DOCS, VERSIONS = SearchDocument.__table__, ModelVersion.__table__
QUEUE_ORDER = Order((DOCS.c.submitted_at, DOCS.c.version_id), (read_timestamp, read_integer))
REVIEWS = ReviewRecord.__table__
# the findings a verdict stands on: failed and errored ones (waived failures are kept apart, under "waived")
FAILED_FINDINGS = '$.findings[*] ? (@.outcome == "fail" || @.outcome == "error")'


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


def review_queue(lake: Lake, *, verdict: str | None = None, after: str | None = None, before: str | None = None,
                 limit: int = DEFAULT_PAGE) -> dict:
    """One page of the versions no human has decided on yet, oldest first, each with its latest automated verdict;
    the total and the count per verdict (keyset pages over the search documents, like the catalog)."""
    conditions = [DOCS.c.awaiting_decision] + ([DOCS.c.verdict == verdict] if verdict else [])
    query = select(DOCS.c.submitted_at, DOCS.c.version_id, DOCS.c.name, DOCS.c.version, DOCS.c.verdict, VERSIONS.c.status,
                   VERSIONS.c.submitted_by).join(VERSIONS, VERSIONS.c.id == DOCS.c.version_id).where(*conditions)
    with lake.transaction() as session:
        rows, following, preceding = keyset_rows(session, query, QUEUE_ORDER, limit=limit, after=after, before=before)
        total, facets = stored_counts(session, "queue", ["verdict"])  # kept by a trigger: no scan of the queue
        reasons = verdict_reasons(session, [row.version_id for row in rows])
    if verdict:
        facets = {"verdict": [pair for pair in facets["verdict"] if pair[0] == verdict]}
        total = sum(count for _, count in facets["verdict"])
    items = [{"ref": f"{row.name}@{row.version}", "name": row.name, "version": row.version, "status": row.status, "verdict": row.verdict,
              "submitted_by": row.submitted_by, "created_at": row.submitted_at.isoformat()} | reasons.get(row.version_id, NO_REASONS)
             for row in rows]
    return {"items": items, "total": total, "limit": limit, "next": following, "previous": preceding, "facets": facets}


NO_REASONS = {"verdict_reason": None, "failed": []}


def verdict_reasons(session: Session, version_ids: list[int]) -> dict[int, dict]:
    """version id -> {verdict_reason, failed: [{rule_id, severity, title}] by rule id} of its latest automated review.

    One query for a page's versions: the JSON path picks the failed findings inside Postgres, so a page never
    loads whole reviews (40-odd findings each, with their evidence)."""
    if not version_ids:
        return {}
    failed = func.jsonb_path_query_array(REVIEWS.c.review, literal(FAILED_FINDINGS).cast(JSONPATH))
    # one index probe per version of the page (LATERAL ... LIMIT 1), not a grouped scan of every review in the lake
    page = func.unnest(array(version_ids, type_=BigInteger)).table_valued("version_id").render_derived()
    newest = select(REVIEWS.c.id).where(REVIEWS.c.version_id == page.c.version_id).order_by(REVIEWS.c.id.desc()).limit(1).lateral()
    latest = select(REVIEWS.c.version_id, REVIEWS.c.review["verdict_reason"].astext.label("reason"), failed.label("failed")) \
        .where(REVIEWS.c.id.in_(select(newest.c.id).select_from(page).join(newest, true())))
    return {row.version_id: {"verdict_reason": row.reason,
                             "failed": sorted(({key: finding.get(key) for key in ("rule_id", "severity", "title")} for finding in row.failed or []),
                                              key=lambda finding: finding["rule_id"])}
            for row in session.execute(latest)}
