"""Writing lineage edges: declared parents from the card, version order, late parents, accepted suggestions.

`record_declared_edges` is a submission step (engine.governance.submission.SUBMISSION_STEPS): inside the
submission's transaction it links the new version to the previous version of its model, records each
`base_model` of its card (resolved to a lake version when the parent is already in the lake, and verified
from the weights), and resolves the edges of children submitted earlier that named this model as parent.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engine.errors import Conflict, ModelLakeError
from engine.lineage.sketch import is_sketch
from engine.lineage.sources import ModelSource
from engine.lineage.verify import evidence as relation_evidence
from engine.lineage.verify import verify_relation
from engine.store.tables import LineageEdge, ModelVersion
from engine.store.versions import ModelRef, get_version, list_versions

VERSION_RELATION = "version"  # the edge from a version to the previous version of the same model


def declared_parents(card: dict) -> list[ModelRef]:
    """The card's base_model as references (one, or several for merges)."""
    declared = card.get("base_model") or []
    return [ModelRef.parse(ref) for ref in ([declared] if isinstance(declared, str) else declared)]


def record_declared_edges(session: Session, version: ModelVersion, evidence) -> None:
    """Submission step: version order, the card's declared parents, and children waiting for this model."""
    link_versions(session, version)
    relation = version.card.get("base_model_relation")
    for ref in declared_parents(version.card):
        if ref.name == version.model.name and ref.version is None:
            continue  # "my own model" is the version edge, already linked
        _upsert_edge(session, version.id, str(ref), _find_version(session, ref), relation, declared=True, evidence=None)
    session.flush()
    children = resolve_waiting_children(session, version)
    refuse_cycle(session, version)  # before anything is verified, deferred or not: a loop is refused whole
    if getattr(evidence, "deferred", ()):
        return  # verification reads weights: the lineage evidence job does it (engine.governance.evidence_jobs)
    verify_lineage(session, version, children, weights=getattr(evidence, "weights", None))


def verify_lineage(session: Session, version: ModelVersion, children: list[ModelVersion], weights: Path | None = None) -> None:
    """Verify the version's declared relations, and those of the children that were waiting for it, from the weights."""
    verify_edges_of(session, version, weights=weights)
    for child in children:
        verify_edges_of(session, child)


def refuse_cycle(session: Session, version: ModelVersion) -> None:
    """Conflict when the version is among its own ancestors (A names B, then B names A): the submission rolls back.

    Walks base-model edges upward, breadth first; version-order edges do not count (a v2 retrained from scratch does
    not derive from v1).
    """
    came_from: dict[int, int | None] = {version.id: None}
    frontier = [version.id]
    while frontier:
        rows = session.execute(select(LineageEdge.child_version_id, LineageEdge.parent_version_id).where(
            LineageEdge.child_version_id.in_(frontier), LineageEdge.parent_version_id.is_not(None),
            LineageEdge.relation.is_distinct_from(VERSION_RELATION))).all()
        frontier = []
        for child, parent in rows:
            if parent == version.id:
                chain = [child]
                while came_from[chain[-1]] is not None:
                    chain.append(came_from[chain[-1]])
                refs = [session.get(ModelVersion, node).ref for node in [*reversed(chain), version.id]]  # version -> ... -> child -> version
                raise Conflict(f"base_model cycle: {' -> '.join(refs)}; a model cannot descend from itself")
            if parent not in came_from:
                came_from[parent] = child
                frontier.append(parent)


def link_versions(session: Session, version: ModelVersion) -> None:
    """Link the version to its predecessor in version order, and its successor (if submitted earlier) to it."""
    ordered = list_versions(session, version.model.name)
    index = next(i for i, v in enumerate(ordered) if v.id == version.id)
    if index > 0:
        _upsert_edge(session, version.id, version.model.name, ordered[index - 1].id, VERSION_RELATION, declared=True, evidence=None)
    if index + 1 < len(ordered):
        _upsert_edge(session, ordered[index + 1].id, version.model.name, version.id, VERSION_RELATION, declared=True, evidence=None)


def resolve_waiting_children(session: Session, parent: ModelVersion) -> list[ModelVersion]:
    """Edges that named this model before it was in the lake now point at it; returns their children."""
    name = parent.model.name
    edges = session.execute(select(LineageEdge).where(
        LineageEdge.parent_version_id.is_(None), LineageEdge.relation.is_distinct_from(VERSION_RELATION),
        or_(LineageEdge.parent_name == name, LineageEdge.parent_name == f"{name}@{parent.version}"))).scalars().all()
    for edge in edges:
        edge.parent_version_id = parent.id
    session.flush()
    return [session.get(ModelVersion, child_id) for child_id in sorted({edge.child_version_id for edge in edges})]


def verify_edges_of(session: Session, child: ModelVersion, weights: Path | None = None) -> None:
    """Verify the child's declared relation against its lake parents; store the evidence on each edge."""
    edges = [e for e in parent_edges(session, child.id) if e.relation != VERSION_RELATION and e.declared]
    if not edges:
        return
    relation = edges[0].relation
    missing = [e.parent_name for e in edges if e.parent_version_id is None]
    if relation is None:
        result = relation_evidence("unknown", None, "the card declares no base_model_relation")
    elif missing:
        result = relation_evidence(relation, None, f"parent not in the lake yet: {', '.join(missing)}")
    else:
        result = _verify(child, [session.get(ModelVersion, e.parent_version_id) for e in edges], relation, weights)
    for edge in edges:
        edge.evidence = result
    session.flush()


def accept_parent(session: Session, child: ModelVersion, parent: ModelVersion, relation: str | None, evidence: dict) -> LineageEdge:
    """Write a recovered parent the owner accepted: an undeclared edge (declared=false) carrying its evidence."""
    return _upsert_edge(session, child.id, parent.ref, parent.id, relation, declared=False, evidence=evidence)


def model_source(version: ModelVersion, weights: Path | None = None) -> ModelSource | None:
    """The version's files (given, or its card's artifacts) when they exist, else its stored sketch, else None."""
    from engine.cards.artifacts import weights_path_for

    try:
        path = weights or weights_path_for(SimpleNamespace(source=version.source, data=version.card))  # a stored card reads like a Card here
        if path is not None and Path(path).exists():
            return ModelSource.of(path, label=version.ref)
    except (ModelLakeError, OSError):  # files gone, unreadable or never findable: fall back to the stored sketch
        pass
    return ModelSource.of(version.fingerprint, label=version.ref) if is_sketch(version.fingerprint) else None


def _verify(child: ModelVersion, parents: list[ModelVersion], relation: str, weights: Path | None) -> dict:
    child_source = model_source(child, weights)
    parent_sources = [model_source(p) for p in parents]
    unavailable = [v.ref for v, s in zip([child, *parents], [child_source, *parent_sources]) if s is None]
    if unavailable:
        return relation_evidence(relation, None, f"no weights to compare for {', '.join(unavailable)}")
    if relation != "merge" and len(parents) != 1:
        return relation_evidence(relation, None, f"{relation} names {len(parents)} parents; only a merge has several")
    return verify_relation(child_source, parent_sources if relation == "merge" else parent_sources[0], relation)


def _find_version(session: Session, ref: ModelRef) -> int | None:
    try:
        return get_version(session, ref).id
    except ModelLakeError:
        return None


def parent_edges(session: Session, child_id: int) -> list[LineageEdge]:
    return list(session.execute(select(LineageEdge).where(LineageEdge.child_version_id == child_id).order_by(LineageEdge.id)).scalars())


def _upsert_edge(session: Session, child_id: int, parent_name: str, parent_id: int | None, relation: str | None, *,
                 declared: bool, evidence: dict | None) -> LineageEdge:
    values = {"child_version_id": child_id, "parent_name": parent_name, "parent_version_id": parent_id, "relation": relation,
              "declared": declared, "evidence": evidence}
    statement = insert(LineageEdge).values(**values).on_conflict_do_update(
        constraint="uq_lineage_child_parent", set_={k: v for k, v in values.items() if k not in ("child_version_id", "parent_name")})
    session.execute(statement)
    return session.execute(select(LineageEdge).where(LineageEdge.child_version_id == child_id, LineageEdge.parent_name == parent_name)).scalar_one()
