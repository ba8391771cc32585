"""Reading the lineage graph with recursive SQL: ancestors, descendants, path to root, siblings.

Each walk is one parameterised WITH RECURSIVE query over lineage_edges built with SQLAlchemy Core; a depth
limit keeps a cycle someone managed to declare from running forever. Parents that are not in the lake
appear as external nodes named as the card declared them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import BigInteger, and_, literal, or_, select, true
from sqlalchemy.orm import Session, selectinload

from engine.lineage.edges import VERSION_RELATION
from engine.store.tables import LineageEdge, ModelVersion
from engine.store.versions import ModelRef, get_version, list_versions

MAX_DEPTH = 64
EDGES = LineageEdge.__table__
DIRECTIONS = ("up", "down", "both")


@dataclass(frozen=True)
class Node:
    key: str  # name@version for lake versions, the declared reference for external parents
    name: str
    version: str | None
    status: str | None  # None: not in the lake

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "version": self.version, "status": self.status, "in_lake": self.status is not None}


@dataclass(frozen=True)
class Edge:
    child: str
    parent: str
    relation: str | None
    declared: bool
    evidence: dict | None

    @property
    def verified(self) -> bool | None:
        return (self.evidence or {}).get("verified")

    def to_dict(self) -> dict:
        return {"child": self.child, "parent": self.parent, "relation": self.relation, "declared": self.declared,
                "verified": self.verified, "reason": (self.evidence or {}).get("reason"), "evidence": self.evidence}


@dataclass
class LineageGraph:
    focus: str
    direction: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    path_to_root: list[str] = field(default_factory=list)
    siblings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"focus": self.focus, "direction": self.direction, "nodes": [n.to_dict() for n in self.nodes.values()],
                "edges": [e.to_dict() for e in self.edges], "path_to_root": self.path_to_root, "siblings": self.siblings}


def ancestor_edge_ids(start_ids: list[int]):
    """SELECT of the ids of every edge above the given versions (recursive on child -> parent)."""
    walk = select(EDGES.c.id, EDGES.c.parent_version_id, literal(1).label("depth")).where(EDGES.c.child_version_id.in_(start_ids)) \
        .cte("ancestors", recursive=True)
    walk = walk.union_all(select(EDGES.c.id, EDGES.c.parent_version_id, walk.c.depth + 1)
                          .join(walk, EDGES.c.child_version_id == walk.c.parent_version_id).where(walk.c.depth < MAX_DEPTH))
    return select(walk.c.id).distinct()


def descendant_edge_ids(start_ids: list[int]):
    """SELECT of the ids of every edge below the given versions (recursive on parent -> child)."""
    walk = select(EDGES.c.id, EDGES.c.child_version_id, literal(1).label("depth")).where(EDGES.c.parent_version_id.in_(start_ids)) \
        .cte("descendants", recursive=True)
    walk = walk.union_all(select(EDGES.c.id, EDGES.c.child_version_id, walk.c.depth + 1)
                          .join(walk, EDGES.c.parent_version_id == walk.c.child_version_id).where(walk.c.depth < MAX_DEPTH))
    return select(walk.c.id).distinct()


def path_to_root_ids(session: Session, start_id: int) -> list[int]:
    """Version ids from start to its root, following at each step the declared base before the previous version."""
    path = select(literal(start_id, BigInteger).label("version_id"), literal(0).label("depth")).cte("path", recursive=True)
    step = select(EDGES.c.parent_version_id).where(EDGES.c.child_version_id == path.c.version_id, EDGES.c.parent_version_id.is_not(None)) \
        .order_by(EDGES.c.relation.is_not_distinct_from(VERSION_RELATION), EDGES.c.declared.desc(), EDGES.c.id).limit(1).lateral("step")
    path = path.union_all(select(step.c.parent_version_id, path.c.depth + 1).select_from(path.join(step, true())).where(path.c.depth < MAX_DEPTH))
    return list(session.execute(select(path.c.version_id).order_by(path.c.depth)).scalars())


def sibling_ids(session: Session, version_id: int) -> list[int]:
    """Versions sharing a (non-version) parent with this one, in the lake or declared by the same external name."""
    mine, theirs = EDGES.alias("mine"), EDGES.alias("theirs")
    same_parent = or_(theirs.c.parent_version_id == mine.c.parent_version_id,
                      and_(mine.c.parent_version_id.is_(None), theirs.c.parent_version_id.is_(None), theirs.c.parent_name == mine.c.parent_name))
    query = select(theirs.c.child_version_id).distinct().join(mine, same_parent).where(
        mine.c.child_version_id == version_id, theirs.c.child_version_id != version_id,
        mine.c.relation.is_distinct_from(VERSION_RELATION), theirs.c.relation.is_distinct_from(VERSION_RELATION))
    return list(session.execute(query).scalars())


def lineage_graph(session: Session, ref: str, direction: str = "both") -> LineageGraph:
    """The graph around NAME[@VERSION]: ancestors (up), descendants (down) or both, with path to root and siblings.

    Without a version, ancestors start at the latest version and descendants at every version of the model.
    """
    parsed = ModelRef.parse(ref)
    focus = get_version(session, parsed)
    down_start = [focus.id] if parsed.version else [v.id for v in list_versions(session, parsed.name)]
    edge_ids = []
    if direction in ("up", "both"):
        edge_ids += session.execute(ancestor_edge_ids([focus.id])).scalars().all()
    if direction in ("down", "both"):
        edge_ids += session.execute(descendant_edge_ids(down_start)).scalars().all()
    rows = session.execute(select(LineageEdge).where(LineageEdge.id.in_(set(edge_ids))).order_by(LineageEdge.id)).scalars().all()
    path, siblings = path_to_root_ids(session, focus.id), sibling_ids(session, focus.id)
    linked = {r.child_version_id for r in rows} | {r.parent_version_id for r in rows if r.parent_version_id}
    versions = _versions(session, {focus.id} | linked | set(path) | set(siblings))
    graph = LineageGraph(focus=focus.ref, direction=direction)
    for version in versions.values():
        graph.nodes[version.ref] = Node(version.ref, version.model.name, version.version, version.status)
    for row in rows:
        parent = versions[row.parent_version_id].ref if row.parent_version_id else row.parent_name
        if row.parent_version_id is None:
            graph.nodes.setdefault(parent, Node(parent, ModelRef.parse(parent).name, ModelRef.parse(parent).version, None))
        graph.edges.append(Edge(versions[row.child_version_id].ref, parent, row.relation, row.declared, row.evidence))
    graph.path_to_root = [versions[i].ref for i in path]
    graph.siblings = sorted(versions[i].ref for i in siblings)
    return graph


def lineage_context(session: Session, version: ModelVersion) -> dict:
    """The review's lineage evidence: {"parents": [...]}, one entry per declared or accepted parent (not version order).

    A parent that is not in the lake has no status the lake knows (null, `in_lake: false`): rules on it are
    unverified, not failed."""
    rows = session.execute(select(LineageEdge).where(LineageEdge.child_version_id == version.id,
                                                     LineageEdge.relation.is_distinct_from(VERSION_RELATION)).order_by(LineageEdge.id)).scalars().all()
    parents = _versions(session, {r.parent_version_id for r in rows if r.parent_version_id})
    entries = []
    for row in rows:
        parent = parents.get(row.parent_version_id)
        evidence = row.evidence or {}
        entries.append({"name": parent.model.name if parent else ModelRef.parse(row.parent_name).name,
                        "version": parent.version if parent else ModelRef.parse(row.parent_name).version,
                        "status": parent.status if parent else None, "in_lake": parent is not None, "relation": row.relation, "declared": row.declared,
                        "verified": evidence.get("verified"), "reason": evidence.get("reason"), "measured": evidence.get("measured", {})})
    return {"parents": entries}


def _versions(session: Session, ids: set[int]) -> dict[int, ModelVersion]:
    rows = session.execute(select(ModelVersion).where(ModelVersion.id.in_(ids)).options(selectinload(ModelVersion.model))).scalars()
    return {version.id: version for version in rows}
