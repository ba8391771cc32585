"""DSL -> SQLAlchemy conditions over search_documents. Every value is a bound parameter.

A facet accessor per field kind gives the primitives (`scalar`, `equals`, `differs`, `any_of`,
`has_substring`); each operator in dsl.OPERATORS says which primitive it is, so the operator table alone
decides the SQL. Text equality is JSONB containment (`facets @> {...}`), which the GIN index serves.
Lineage conditions reuse the recursive walks of engine/lineage/graph.py.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, not_, or_, select
from sqlalchemy.orm import Session

from engine.lineage.graph import EDGES, ancestor_edge_ids, descendant_edge_ids
from engine.search.dsl import DATE, METRIC_PREFIX, NUMBER, OPERATORS, TEXT, TEXT_LIST, Field, Filter
from engine.store.tables import Model, ModelVersion, SearchDocument
from engine.store.versions import ModelRef, get_version

DOCS = SearchDocument.__table__
FACETS = DOCS.c.facets


class TextFacet:
    """A single text value stored as a JSON string: facets->>key."""

    def __init__(self, key: str):
        self.key = key

    @property
    def scalar(self) -> ColumnElement:
        return FACETS[self.key].astext

    def equals(self, value: Any) -> ColumnElement:
        return FACETS.contains({self.key: value})

    def differs(self, value: Any) -> ColumnElement:
        return not_(self.equals(value))

    def any_of(self, values: list) -> ColumnElement:
        return or_(*(self.equals(value) for value in values))

    def has_substring(self, value: str) -> ColumnElement:
        return self.scalar.contains(value, autoescape=True)


class ListFacet(TextFacet):
    """Several text values stored as a JSON array; a condition holds when some element matches."""

    def equals(self, value: Any) -> ColumnElement:
        return FACETS.contains({self.key: [value]})

    def has_substring(self, value: str) -> ColumnElement:
        element = func.jsonb_array_elements_text(FACETS[self.key]).table_valued("value").render_derived()
        return select(element.c.value).where(element.c.value.contains(value, autoescape=True)).exists()


class NumberFacet(TextFacet):
    """A number at a key or path (metrics.<name>); missing values never compare, and differ from everything."""

    def __init__(self, key: str | tuple[str, ...]):
        self.key = key

    @property
    def scalar(self) -> ColumnElement:
        return FACETS[self.key].as_float()

    def equals(self, value: Any) -> ColumnElement:
        return self.scalar == value

    def differs(self, value: Any) -> ColumnElement:
        return self.scalar.is_distinct_from(value)

    def any_of(self, values: list) -> ColumnElement:
        return self.scalar.in_(values)


class DateFacet(NumberFacet):
    """An ISO date string (YYYY-MM-DD), which orders correctly as text."""

    @property
    def scalar(self) -> ColumnElement:
        return FACETS[self.key].astext


ACCESSORS = {TEXT: TextFacet, TEXT_LIST: ListFacet, NUMBER: NumberFacet, DATE: DateFacet}


def facet(spec: Field) -> TextFacet:
    """The accessor for a field: metric:<name> reads facets.metrics.<name>."""
    if spec.name.startswith(METRIC_PREFIX):
        return NumberFacet(("metrics", spec.name[len(METRIC_PREFIX):]))
    return ACCESSORS[spec.kind](spec.name)


def filter_condition(item: Filter) -> ColumnElement:
    """The SQL condition of one validated filter, as its operator's row in the table builds it."""
    return OPERATORS[item.op].sql(facet(item.spec), item.value)


def sort_expression(field: str) -> ColumnElement:
    """The column a non-relevance sort orders by."""
    return DOCS.c.name if field == "name" else facet(Field(field, DATE if field == "created" else NUMBER, field)).scalar


def lineage_condition(session: Session, lineage: dict) -> ColumnElement:
    """version_id IN (descendants | ancestors of the model), optionally only over edges of one relation."""
    relation = lineage.get("relation")
    on_relation = [EDGES.c.relation == relation] if relation else []
    if "ancestor_of" in lineage:
        ref = ModelRef.parse(lineage["ancestor_of"])
        start = get_version(session, ref)
        parents = select(EDGES.c.parent_version_id).where(EDGES.c.id.in_(ancestor_edge_ids([start.id])), *on_relation)
        return DOCS.c.version_id.in_(parents) & (DOCS.c.name != start.model.name)
    ref = ModelRef.parse(lineage["descendant_of"])
    # A parent outside the lake is only an edge's declared name: its children start a second walk.
    external = session.execute(select(EDGES.c.id, EDGES.c.child_version_id)
                               .where(EDGES.c.parent_version_id.is_(None), _names_parent(ref))).all()
    starts = _version_ids(session, ref) + [row.child_version_id for row in external]
    walked = or_(EDGES.c.id.in_(descendant_edge_ids(starts)), EDGES.c.id.in_([row.id for row in external]))
    children = select(EDGES.c.child_version_id).where(walked, *on_relation)
    return DOCS.c.version_id.in_(children) & (DOCS.c.name != ref.name)


def _version_ids(session: Session, ref: ModelRef) -> list[int]:
    query = select(ModelVersion.id).join(Model, Model.id == ModelVersion.model_id).where(Model.name == ref.name)
    if ref.version:
        query = query.where(ModelVersion.version == ref.version)
    return list(session.execute(query).scalars())


def _names_parent(ref: ModelRef) -> ColumnElement:
    if ref.version:
        return EDGES.c.parent_name == str(ref)
    return func.split_part(EDGES.c.parent_name, "@", 1) == ref.name
