"""Submitting a card: evidence is gathered outside the transaction, then everything is written in one.

The steps that run inside the transaction (search indexing, lineage edges, review) are listed in
SUBMISSION_STEPS; each takes (session, version, evidence) and writes only through that session, so a
failure in any of them rolls the whole submission back.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from engine.audit import record as record_change
from engine.cards import Card
from engine.decisions import latest_review
from engine.governance import review_summary
from engine.store.database import Lake
from engine.store.tables import ModelVersion
from engine.store.versions import insert_version

# "module:function" of each step run, in order, on a newly created version.
SUBMISSION_STEPS: list[str] = [
    "engine.lineage.edges:record_declared_edges",
    "engine.governance:review_submission",
    "engine.search.index:index_version",  # after the review: the document's status facet is the reviewed status
]


@dataclass
class Evidence:
    """What the lake learned about a submission before writing it."""

    weights: Path | None = None
    facts: dict | None = None
    fingerprint: dict | None = None
    evals: list[dict] | None = None  # rerun results made before the transaction (submit --rerun)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SubmitResult:
    ref: str
    created: bool
    version_id: int
    status: str
    review: dict | None = None  # the automated review's summary (engine.governance.review_summary)

    def to_dict(self) -> dict:
        return {"ref": self.ref, "created": self.created, "version_id": self.version_id, "status": self.status, "review": self.review}


def weights_path_for(card: Card, weights: str | Path | None = None) -> Path | None:
    """The weights to inspect: the explicit path, else the card's local artifacts (relative to the card)."""
    if weights is not None:
        return Path(weights)
    base = Path(card.source).parent
    paths = [base / artifact["path"] for artifact in card.data.get("artifacts", []) if "path" in artifact]
    if not paths:
        return None
    return paths[0] if len(paths) == 1 else Path(os.path.commonpath(paths))


def gather_evidence(card: Card, weights: str | Path | None = None, *, rerun: bool = False, progress=None) -> Evidence:
    """Everything slow, before the transaction: facts and fingerprint from the model's files, the search vectors,
    and with `rerun` the card's evaluations re-run."""
    from engine.search.index import search_vectors

    path = weights_path_for(card, weights)
    evals = None
    if rerun:
        from engine.evals import rerun_evaluations

        evals = rerun_evaluations(card, path, progress=progress)
    facts = fingerprint = None
    if path is not None:
        from engine.facts import compute_fingerprint, extract_facts

        facts, fingerprint = extract_facts(path).to_dict(), compute_fingerprint(path)
    return Evidence(weights=path, facts=facts, fingerprint=fingerprint, evals=evals, extra={"search": search_vectors(card.name, card.data, path)})


def submit(lake: Lake, card: Card, evidence: Evidence | None = None, *, submitted_by: str | None = None) -> SubmitResult:
    """Store a validated card (and its evidence) as a new version, in one transaction."""
    evidence = evidence or Evidence()
    with lake.transaction() as session:
        version, created = insert_version(session, card, facts=evidence.facts, fingerprint=evidence.fingerprint, submitted_by=submitted_by)
        if created:
            for step in _steps():
                step(session, version, evidence)
            record_change(session, actor=submitted_by or "unknown", action="version.submit", target=version.ref,
                          after={"card_digest": version.card_digest, "status": version.status, "facts": version.facts})
        record = latest_review(session, version.id)
        review = review_summary(record.review) if record is not None and record.review else None
        return SubmitResult(ref=card.ref, created=created, version_id=version.id, status=version.status, review=review)


def _steps() -> list[Callable[[Session, ModelVersion, Evidence], None]]:
    steps = []
    for dotted in SUBMISSION_STEPS:
        module, _, function = dotted.partition(":")
        steps.append(getattr(importlib.import_module(module), function))
    return steps
