"""Writing search documents: one per model version, built from its card, facts, status, latest review and reruns.

`index_version` is a submission step (engine.governance.submission.SUBMISSION_STEPS): it runs inside the submission's
transaction and writes only through that session. `refresh_document` rewrites the facets that follow the
lake's later state (a reviewer's decision, a review stored after a rerun) in the caller's transaction.
Facet values are normalised with the DSL's own `normalize_value`, so a query and the index always spell a
value the same way; which facts and findings become facets is read from the DSL's field table.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engine.search.dsl import FACT, FIELDS, NUMBER, REVIEW, normalize_value
from engine.store.tables import EvalRun, ModelVersion, ReviewRecord, SearchDocument
from engine.store.versions import latest, list_versions

SHORT_DESCRIPTION = 200


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _texts(field: str, values: list) -> list[str]:
    """Normalised, de-duplicated text values in first-seen order."""
    seen: dict[str, None] = {}
    for value in values:
        if value not in (None, "") and not isinstance(value, (dict, list, bool)):
            seen.setdefault(normalize_value(field, str(value)), None)
    return list(seen)


def _number(value: Any) -> float | int | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class StoredState:
    """What the lake learned about a version after its card: the latest automated review and the latest rerun of each evaluation."""

    review_id: int | None = None
    review: dict | None = None  # the stored Review.to_dict()
    runs: dict[int, dict] = field(default_factory=dict)  # evaluation index -> rerun result (status, claimed, observed)


def stored_state(session: Session, version_id: int) -> StoredState:
    """The newest stored automated review (a decision-only record has no review) and the newest rerun per evaluation."""
    record = session.execute(select(ReviewRecord.id, ReviewRecord.review).where(ReviewRecord.version_id == version_id, ReviewRecord.review != {})
                             .order_by(ReviewRecord.id.desc()).limit(1)).first()
    runs: dict[int, dict] = {}
    for index, result in session.execute(select(EvalRun.evaluation_index, EvalRun.result).where(EvalRun.version_id == version_id)
                                         .order_by(EvalRun.id.desc())):
        runs.setdefault(index, result)
    return StoredState(record.id if record else None, record.review if record else None, runs)


def metric_facets(card: dict, runs: dict[int, dict]) -> dict[str, dict[str, float]]:
    """{"metrics": claimed values by metric name (the first claim of a name wins, as the card orders them), where a rerun that
    contradicted the claim replaces it with what it observed; "verified": the observed value of each claim a rerun agreed with}."""
    metrics: dict[str, float] = {}
    verified: dict[str, float] = {}
    for index, evaluation in enumerate(card.get("evaluations") or []):
        name = str(evaluation.get("metric")).lower()
        if _number(evaluation.get("value")) is None or name in metrics:
            continue
        run = runs.get(index) or {}
        observed = _number(run.get("observed"))
        metrics[name] = observed if run.get("status") == "fail" and observed is not None else evaluation["value"]
        if run.get("status") == "pass" and observed is not None:
            verified[name] = observed
    return {"metrics": metrics, "verified": verified}


def review_facets(review: dict | None) -> dict[str, list[str]]:
    """Rule ids by the outcome their finding had in the review, one list per REVIEW field of the DSL (empty lists left out)."""
    findings = [] if not review else (review.get("findings") or []) + (review.get("waived") or [])
    facets = {}
    for spec in FIELDS.values():
        if spec.source == REVIEW:
            ids = sorted({f["rule_id"] for f in findings if f.get("outcome") in spec.outcomes})
            if ids:
                facets[spec.name] = ids
    return facets


def document_facets(version: ModelVersion, state: StoredState | None = None) -> dict:
    """The filterable facets of a version; facts from the weights win over the card's claims; findings and metrics follow `state`."""
    card, facts, state = version.card, version.facts or {}, state or StoredState()
    claims, governance = card.get("claims") or {}, card.get("governance") or {}

    def observed(key: str) -> Any:
        return facts.get(key) if facts.get(key) is not None else claims.get(key)

    created = card.get("created") or (version.created_at or dt.datetime.now(dt.timezone.utc)).date().isoformat()
    datasets = _as_list(card.get("datasets")) + [entry.get("name") for entry in card.get("training_data") or []]
    facets = {
        "status": _texts("status", [version.status]),
        "license": _texts("license", [card.get("license")]),
        "task": _texts("task", [card.get("pipeline_tag")]),
        "domain": _texts("domain", [card.get("domain")]),
        "language": _texts("language", _as_list(card.get("language"))),
        "base_model": _texts("base_model", _as_list(card.get("base_model"))),
        "relation": _texts("relation", [card.get("base_model_relation")]),
        "dataset": _texts("dataset", datasets),
        "owner": _texts("owner", [owner.get("name") for owner in card.get("owners") or []]),
        "risk_tier": _texts("risk_tier", [governance.get("risk_tier")]),
    } | {name: _texts(name, [observed(name)]) for name, spec in FIELDS.items() if spec.source == FACT and spec.kind != NUMBER}
    # Single-valued fields are stored as scalars (so eq is JSON containment of a string), list fields as lists.
    single = {"status", "license", "task", "domain", "architecture", "quantization", "dtype", "relation", "risk_tier"}
    document = {key: (values[0] if key in single else values) for key, values in facets.items() if values}
    numbers = {name: _number(observed(name)) for name, spec in FIELDS.items() if spec.source == FACT and spec.kind == NUMBER}
    return (document | {k: v for k, v in numbers.items() if v is not None} | {"created": str(created)[:10]}
            | metric_facets(card, state.runs) | review_facets(state.review))


# Postgres holds at most 1 MB in one tsvector; a card may hold 1 MB of prose. The most telling text comes first, and
# the embedding reads only its start, so the body indexed is cut here rather than the submission failing.
MAX_BODY_CHARS = 100_000


def document_body(card: dict) -> str:
    """The searchable prose, most telling first (the embedding model reads only the first ~256 word pieces), at most MAX_BODY_CHARS."""
    uses = card.get("uses") or {}
    parts = [card.get("description"), card.get("pipeline_tag"), card.get("domain"), " ".join(map(str, card.get("tags") or [])),
             *map(str, uses.get("intended") or []), *map(str, card.get("limitations") or []),
             *[f"not for: {use}" for use in uses.get("out_of_scope") or []],
             " ".join(map(str, _as_list(card.get("datasets"))))]
    return "\n".join(str(part).strip() for part in parts if part and str(part).strip())[:MAX_BODY_CHARS]


def embedding_text(name: str, body: str) -> str:
    """Name words first ("acme/contract-summarizer" reads as "acme contract summarizer"), then the body."""
    words = name.replace("/", " ").replace("-", " ").replace("_", " ")
    return f"{words}\n{body}"


def search_vectors(name: str, card: dict, weights: Path | None) -> dict:
    """The costly parts of a search document: the text embedding and the behaviour signature (which may run the model).

    engine.governance.evidence.gather_evidence computes them before the submission's transaction opens, so no
    transaction waits on a model; index_version computes them itself when the evidence lacks them.
    """
    from engine.search.behaviour import behaviour_signature
    from engine.search.embeddings import embed_texts

    signature, provenance = behaviour_signature(weights)
    return {"embedding": embed_texts([embedding_text(name, document_body(card))])[0].tolist(), "behaviour": signature,
            "behaviour_provenance": provenance}


def index_version(session: Session, version: ModelVersion, evidence) -> None:
    """Submission step: write (or rewrite) the version's search document and mark its model's latest version."""
    name = version.model.name
    weights = getattr(evidence, "weights", None)
    vectors = (getattr(evidence, "extra", None) or {}).get("search") or search_vectors(name, version.card, Path(weights) if weights else None)
    provenance = vectors["behaviour_provenance"]
    state = stored_state(session, version.id)
    facets = document_facets(version, state) | ({"behaviour": provenance} if provenance else {})
    values = {"name": name, "version": version.version, "body": document_body(version.card), "embedding": vectors["embedding"],
              "facets": facets, "behaviour": vectors["behaviour"], "review_id": state.review_id, "submitted_at": version.created_at,
              "updated_at": dt.datetime.now(dt.timezone.utc)} | queue_state(session, version.id)
    statement = insert(SearchDocument).values(version_id=version.id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["version_id"], set_=values))
    mark_latest(session, name)


def mark_latest(session: Session, model_name: str) -> None:
    """is_latest = true on the latest version's document of the model, false on the others."""
    versions = list_versions(session, model_name)
    newest = latest(versions).id
    session.execute(update(SearchDocument).where(SearchDocument.version_id.in_([v.id for v in versions]))
                    .values(is_latest=SearchDocument.version_id == newest))


def refresh_document(session: Session, version: ModelVersion) -> None:
    """Make the document follow a new review, decision or rerun: its facets (status, findings, metrics) from the version's
    latest stored review and reruns, and its place in the review queue; the embeddings and the behaviour signature stay."""
    document = session.get(SearchDocument, version.id)
    if document is None:
        return
    state = stored_state(session, version.id)
    behaviour = {"behaviour": document.facets["behaviour"]} if "behaviour" in document.facets else {}
    document.facets = document_facets(version, state) | behaviour
    document.review_id = state.review_id
    for key, value in queue_state(session, version.id).items():
        setattr(document, key, value)
    document.updated_at = dt.datetime.now(dt.timezone.utc)
    session.flush()


def refresh_evidence(session: Session, version: ModelVersion, behaviour: tuple[list[float] | None, dict] | None = None) -> None:
    """Rewrite the facets (and with `behaviour`, the signature) of a document after its evidence arrived from jobs."""
    document = session.get(SearchDocument, version.id)
    if document is None:
        return
    signature, provenance = behaviour if behaviour is not None else (document.behaviour, document.facets.get("behaviour"))
    document.facets = document_facets(version, stored_state(session, version.id)) | ({"behaviour": provenance} if provenance else {})
    if behaviour is not None:
        document.behaviour = signature
    document.updated_at = dt.datetime.now(dt.timezone.utc)
    session.flush()


def queue_state(session: Session, version_id: int) -> dict:
    """{verdict: the latest automated verdict, awaiting_decision: no human has decided yet} of a version, from its review rows."""
    session.flush()  # a review added in this transaction counts
    rows = session.execute(select(ReviewRecord.verdict, ReviewRecord.decision).where(ReviewRecord.version_id == version_id)
                           .order_by(ReviewRecord.id.desc())).all()
    return {"verdict": rows[0].verdict if rows else None, "awaiting_decision": all(row.decision is None for row in rows)}


def short_description(card: dict) -> str:
    text = " ".join(str(card.get("description") or "").split())
    return text if len(text) <= SHORT_DESCRIPTION else text[:SHORT_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"

