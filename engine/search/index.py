"""Writing search documents: one per model version, built from its card, facts and review status.

`index_version` is a submission step (engine.governance.submission.SUBMISSION_STEPS): it runs inside the submission's
transaction and writes only through that session. Facet values are normalised with the DSL's own
`normalize_value`, so a query and the index always spell a value the same way.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engine.search.dsl import normalize_value
from engine.store.tables import ModelVersion, ReviewRecord, SearchDocument
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


def card_metrics(card: dict) -> dict[str, float]:
    """Claimed metric values by metric name (the first claim of a name wins, as the card orders them)."""
    metrics: dict[str, float] = {}
    for evaluation in card.get("evaluations") or []:
        if _number(evaluation.get("value")) is not None:
            metrics.setdefault(str(evaluation["metric"]).lower(), evaluation["value"])
    return metrics


def document_facets(version: ModelVersion) -> dict:
    """The filterable facets of a version; facts from the weights win over the card's claims."""
    card, facts = version.card, version.facts or {}
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
        "architecture": _texts("architecture", [observed("architecture")]),
        "quantization": _texts("quantization", [observed("quantization")]),
        "dtype": _texts("dtype", [observed("dtype")]),
        "base_model": _texts("base_model", _as_list(card.get("base_model"))),
        "relation": _texts("relation", [card.get("base_model_relation")]),
        "dataset": _texts("dataset", datasets),
        "owner": _texts("owner", [owner.get("name") for owner in card.get("owners") or []]),
        "risk_tier": _texts("risk_tier", [governance.get("risk_tier")]),
    }
    # Single-valued fields are stored as scalars (so eq is JSON containment of a string), list fields as lists.
    single = {"status", "license", "task", "domain", "architecture", "quantization", "dtype", "relation", "risk_tier"}
    document = {key: (values[0] if key in single else values) for key, values in facets.items() if values}
    numbers = {"parameters": _number(observed("parameters")), "context_length": _number(observed("context_length"))}
    return document | {k: v for k, v in numbers.items() if v is not None} | {"created": str(created)[:10], "metrics": card_metrics(card)}


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
    facets = document_facets(version) | ({"behaviour": provenance} if provenance else {})
    values = {"name": name, "version": version.version, "body": document_body(version.card), "embedding": vectors["embedding"],
              "facets": facets, "behaviour": vectors["behaviour"], "submitted_at": version.created_at,
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


def refresh_status(session: Session, version: ModelVersion) -> None:
    """Make the document follow a new review or decision: its status facet and its place in the review queue."""
    document = session.get(SearchDocument, version.id)
    if document is not None:
        document.facets = document.facets | {"status": normalize_value("status", version.status)}
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
    document.facets = document_facets(version) | ({"behaviour": provenance} if provenance else {})
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

