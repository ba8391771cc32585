"""The DSL's lineage conditions: one recursive walk over lineage_edges, at the level of models.

A model's versions are one node: version edges (a version -> its predecessor) are walked freely, without
counting a generation and without the query's `relation`; every other edge is one generation (`depth`) and,
when the query names a `relation`, must have it. The answer is models (their documents), so the latest
version of a descendant is found even when only an older version declared the parent. A parent outside the
lake is matched by the name its children's cards declared.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, ColumnElement, Select, case, func, literal, or_, select, union
from sqlalchemy.orm import Session

from engine.lineage.edges import VERSION_RELATION
from engine.lineage.graph import EDGES, MAX_DEPTH
from engine.search.compile import DOCS
from engine.search.dsl import LINEAGE_KEYS
from engine.store.tables import Model, ModelVersion
from engine.store.versions import ModelRef, get_version

UP, DOWN = "up", "down"


def lineage_condition(session: Session, lineage: dict) -> ColumnElement:
    """Documents of the models the lineage clause reaches (never the model it names)."""
    key = next(k for k in LINEAGE_KEYS if k in lineage)
    ref = ModelRef.parse(lineage[key])
    relation, depth = lineage.get("relation"), lineage.get("depth") or MAX_DEPTH
    if key == "descendant_of":
        reached = _walk(DOWN, _model_versions(ref), _external_children(_declares(ref), relation), relation, depth)
    elif key == "ancestor_of":
        reached = _walk(UP, select(literal(get_version(session, ref).id, BigInteger).label("version_id")), None, relation, depth)
    else:
        reached = _siblings(get_version(session, ref), relation)
    models = select(ModelVersion.model_id).where(ModelVersion.id.in_(reached))
    return DOCS.c.version_id.in_(select(ModelVersion.id).where(ModelVersion.model_id.in_(models))) & (DOCS.c.name != ref.name)


def _walk(direction: str, starts: Select, external: Select | None, relation: str | None, depth: int, *, include_starts: bool = False,
          name: str = "lineage") -> Select:
    """SELECT of the version ids `direction` of `starts` within `depth` generations (external: more starts at generation 1);
    with `include_starts`, generation 0 too (the starts and their model's other versions)."""
    anchors = [select(starts.subquery().c.version_id, literal(0).label("depth"), literal(0).label("steps"))]
    if external is not None:
        anchors.append(select(external.subquery().c.version_id, literal(1).label("depth"), literal(1).label("steps")))
    if len(anchors) > 1:
        both = union(*anchors).subquery()
        anchors = [select(both.c.version_id, both.c.depth, both.c.steps)]
    walk = anchors[0].cte(f"{name}_{direction}", recursive=True)
    here, there = (EDGES.c.parent_version_id, EDGES.c.child_version_id) if direction == DOWN else (EDGES.c.child_version_id, EDGES.c.parent_version_id)
    same_model = EDGES.c.relation == VERSION_RELATION
    allowed = or_(same_model, (walk.c.depth < depth) & (EDGES.c.relation == relation if relation else literal(True)))
    step = select(there, walk.c.depth + case((same_model, 0), else_=1), walk.c.steps + 1) \
        .join(walk, here == walk.c.version_id).where(there.is_not(None), walk.c.steps < MAX_DEPTH, allowed)
    walk = walk.union(step)
    return select(walk.c.version_id).where(walk.c.depth >= (0 if include_starts else 1))


def _model_versions(ref: ModelRef) -> Select:
    """Every version of the model (or the one named): descendants of any of them count."""
    query = select(ModelVersion.id.label("version_id")).join(Model, Model.id == ModelVersion.model_id).where(Model.name == ref.name)
    return query.where(ModelVersion.version == ref.version) if ref.version else query


def _declares(ref: ModelRef) -> ColumnElement:
    """An edge whose declared parent name is this reference (any version of it when the reference has none)."""
    if ref.version:
        return EDGES.c.parent_name == str(ref)
    return func.split_part(EDGES.c.parent_name, "@", 1) == ref.name


def _external_children(names_parent: ColumnElement, relation: str | None) -> Select:
    """Children of edges to a parent outside the lake that `names_parent` matches."""
    return select(EDGES.c.child_version_id.label("version_id")).where(
        EDGES.c.parent_version_id.is_(None), names_parent, *([EDGES.c.relation == relation] if relation else []))


def _siblings(version: ModelVersion, relation: str | None) -> Select:
    """Versions of the models sharing a direct parent with `version`'s model: children of its parents, in or outside the lake."""
    start = select(literal(version.id, BigInteger).label("version_id"))
    mine = _walk(UP, start, None, None, 0, include_starts=True, name="own_versions")  # the version and its model's earlier versions
    parents = _walk(UP, start, None, relation, 1, name="parents")
    parent_models = select(ModelVersion.id.label("version_id")).where(
        ModelVersion.model_id.in_(select(ModelVersion.model_id).where(ModelVersion.id.in_(parents))))
    external_names = select(func.split_part(EDGES.c.parent_name, "@", 1)).where(
        EDGES.c.child_version_id.in_(mine), EDGES.c.parent_version_id.is_(None), EDGES.c.relation.is_distinct_from(VERSION_RELATION),
        *([EDGES.c.relation == relation] if relation else []))
    external = _external_children(func.split_part(EDGES.c.parent_name, "@", 1).in_(external_names), relation)
    return _walk(DOWN, parent_models, external, relation, 1, name="siblings")
