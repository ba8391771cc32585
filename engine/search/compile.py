"""DSL -> SQLAlchemy conditions over search_documents. Every value is a bound parameter.

A facet accessor per field kind gives the primitives (`scalar`, `equals`, `differs`, `any_of`, `none_of`,
`has_substring`, `present`); each operator in dsl.OPERATORS says which primitive it is, so the operator table
alone decides the SQL. Text equality is JSONB containment (`facets @> {...}`), which the GIN index serves.
Lineage conditions are one recursive walk over lineage_edges (engine/search/lineage_walk.py).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, func, not_, or_, select

from engine.search.dsl import DATE, NUMBER, OPERATORS, TEXT, TEXT_LIST, Field, Filter, field_spec, metric_family
from engine.store.tables import SearchDocument

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

    def none_of(self, values: list) -> ColumnElement:
        return not_(self.any_of(values))  # containment is never NULL, so a missing value is none of them

    def has_substring(self, value: str) -> ColumnElement:
        return self.scalar.contains(value, autoescape=True)

    @property
    def present(self) -> ColumnElement:
        return self.scalar.is_not(None)


class ListFacet(TextFacet):
    """Several text values stored as a JSON array; a condition holds when some element matches."""

    def equals(self, value: Any) -> ColumnElement:
        return FACETS.contains({self.key: [value]})

    def has_substring(self, value: str) -> ColumnElement:
        element = func.jsonb_array_elements_text(FACETS[self.key]).table_valued("value").render_derived()
        return select(element.c.value).where(element.c.value.contains(value, autoescape=True)).exists()

    @property
    def present(self) -> ColumnElement:
        return func.coalesce(func.jsonb_array_length(FACETS[self.key]) > 0, false())


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

    def none_of(self, values: list) -> ColumnElement:
        return or_(self.scalar.is_(None), self.scalar.not_in(values))


class DateFacet(NumberFacet):
    """An ISO date string (YYYY-MM-DD), which orders correctly as text."""

    @property
    def scalar(self) -> ColumnElement:
        return FACETS[self.key].astext


ACCESSORS = {TEXT: TextFacet, TEXT_LIST: ListFacet, NUMBER: NumberFacet, DATE: DateFacet}


def facet(spec: Field) -> TextFacet:
    """The accessor for a field: metric:<name> reads facets.metrics.<name>, verified:<name> facets.verified.<name>."""
    family = metric_family(spec.name)
    if family is not None:
        return NumberFacet((family.facet, spec.name[len(family.prefix):]))
    return ACCESSORS[spec.kind](spec.name)


def filter_condition(item: Filter) -> ColumnElement:
    """The SQL condition of one validated filter, as its operator's row in the table builds it."""
    return OPERATORS[item.op].sql(facet(item.spec), item.value)


def sort_expression(field: str) -> ColumnElement:
    """The column a non-relevance sort orders by: the name, or any date or number field's value."""
    return DOCS.c.name if field == "name" else facet(field_spec(field)).scalar
