"""Parent suggestions for lake models registered without one, and the owner's explicit accept.

A suggestion is only computed and shown; nothing is written until the owner accepts it, and then as an
undeclared edge (declared=false) whose evidence holds the recovery numbers, the weight verification of the
guessed relation and who accepted it.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.audit import record as record_change
from engine.errors import UsageError
from engine.lineage.edges import VERSION_RELATION, accept_parent, model_source, parent_edges
from engine.lineage.recovery import recover_tree
from engine.lineage.verify import verify_relation
from engine.store.tables import ModelVersion, SearchDocument
from engine.store.versions import get_version

MAX_CANDIDATES = 500  # recovery compares every pair: the same-architecture models submitted most recently, bounded


def suggest_parents(session: Session, ref: str) -> dict:
    """The recovered parent(s) of NAME[@VERSION] among the lake's models of the same architecture."""
    focus = get_version(session, ref)
    source = model_source(focus)
    if source is None:
        raise UsageError(f"{focus.ref} has no reachable weights or stored sketch to recover a parent from")
    candidates = {focus.ref: source}
    for version in candidate_versions(session, focus):
        candidate = model_source(version)
        if candidate is not None and not candidate.is_adapter:
            candidates[version.ref] = candidate
    tree = recover_tree(candidates)
    suggestions = [edge.to_dict() for edge in tree if edge.child == focus.ref]
    children = [edge.child for edge in tree if edge.parent == focus.ref]
    declared = [edge.parent_name for edge in parent_edges(session, focus.id) if edge.relation != VERSION_RELATION]
    note = None
    if not suggestions:
        note = "no candidate is close enough to be a parent" + (f"; {focus.ref} looks like the parent of {', '.join(children)}" if children else "")
    return {"model": focus.ref, "declared_parents": declared, "candidates": len(candidates) - 1, "suggestions": suggestions,
            "recovered_children": children, "note": note}


def candidate_versions(session: Session, focus: ModelVersion) -> list[ModelVersion]:
    """The latest version of other models that have a weight sketch, of the focus's architecture when its facts name one.

    Chosen in SQL (the facets index), so a suggestion costs the same in a lake of 100 models and of 100,000."""
    documents = SearchDocument.__table__
    query = (select(ModelVersion).join(documents, documents.c.version_id == ModelVersion.id)
             .where(documents.c.is_latest, ModelVersion.model_id != focus.model_id, ModelVersion.fingerprint.is_not(None)))
    architecture = (focus.facts or {}).get("architecture")
    if isinstance(architecture, str) and architecture.strip():
        query = query.where(documents.c.facets.contains({"architecture": architecture.strip().lower()}))  # as the index spells it
    return list(session.execute(query.options(selectinload(ModelVersion.model)).order_by(ModelVersion.id.desc()).limit(MAX_CANDIDATES)).scalars())


def accept_suggestion(session: Session, ref: str, parent_ref: str, accepted_by: str) -> dict:
    """Write the owner-accepted parent as an undeclared edge with its evidence; the parent must be a current suggestion."""
    result = suggest_parents(session, ref)
    parent = get_version(session, parent_ref)
    match = next((s for s in result["suggestions"] if s["parent"] == parent.ref), None)
    if match is None:
        offered = ", ".join(s["parent"] for s in result["suggestions"]) or "none"
        raise UsageError(f"{parent.ref} is not a suggested parent of {result['model']} (suggested: {offered})")
    child = get_version(session, ref)
    parents = [get_version(session, s["parent"]) for s in result["suggestions"]] if match["relation"] == "merge" else [parent]
    sources = [model_source(p) for p in parents]
    verification = verify_relation(model_source(child), sources if match["relation"] == "merge" else sources[0], match["relation"])
    evidence = verification | {"recovery": match, "accepted_by": accepted_by}
    edges = [accept_parent(session, child, p, match["relation"], evidence) for p in parents]
    record_change(session, actor=accepted_by, action="lineage.accept", target=child.ref,
                  after={"parents": [e.parent_name for e in edges], "relation": match["relation"]}, detail={"recovery": match})
    return {"model": child.ref, "accepted": [e.parent_name for e in edges], "relation": match["relation"], "evidence": evidence}
