"""Pages that read only the rows they show: keyset pagination and facet counts in SQL over the search documents.

A page is the first `limit` rows after (or before) a cursor in one total order; the cursor carries the sort key of
the row at the page's edge, so the thousandth page costs what the first does (no OFFSET, nothing loaded to skip).
A whole list's counts (its total, each facet value) are read from `list_counts`, which a trigger keeps exact; a
filtered list's counts are one GROUP BY GROUPING SETS over the same conditions, one index-only pass over the rows
that match (the covering index of a filter column), however many facets are counted.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import Session

from engine.errors import UsageError
from engine.store.tables import ListCount

MAX_PAGE = 200
DEFAULT_PAGE = 50


@dataclass(frozen=True)
class Order:
    """A list's total order: key columns (the last one unique), each with how its cursor value is read back from JSON."""

    columns: tuple[ColumnElement, ...]
    readers: tuple[Callable[[object], object], ...]

    def encode(self, row) -> str:
        values = [row._mapping[column] for column in self.columns]
        plain = [value.isoformat() if isinstance(value, dt.datetime) else value for value in values]
        return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple:
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(values, list) or len(values) != len(self.readers):
                raise ValueError("wrong shape")
            return tuple(read(value) for read, value in zip(self.readers, values))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise UsageError(f"bad page cursor {cursor[:80]!r}: pass back the next or previous value of a page") from None


def read_text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def read_integer(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def read_timestamp(value: object) -> dt.datetime:
    return dt.datetime.fromisoformat(read_text(value))


def check_page_request(limit: int, after: str | None, before: str | None) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be between 1 and {MAX_PAGE}, not {limit}")
    if after and before:
        raise UsageError("give after or before, not both")


def keyset_rows(session: Session, query: Select, order: Order, *, limit: int, after: str | None = None,
                before: str | None = None) -> tuple[list, str | None, str | None]:
    """(rows, next cursor, previous cursor): `limit` rows of `query` after `after`, or before `before`, in `order`."""
    check_page_request(limit, after, before)
    key = tuple_(*order.columns)
    if before:
        rows = session.execute(query.where(key < tuple_(*order.decode(before))).order_by(*(c.desc() for c in order.columns))
                               .limit(limit + 1)).all()
        more_before, rows = len(rows) > limit, rows[:limit][::-1]
        more_after = True  # the row the cursor came from
    else:
        if after:
            query = query.where(key > tuple_(*order.decode(after)))
        rows = session.execute(query.order_by(*order.columns).limit(limit + 1)).all()
        more_after, rows = len(rows) > limit, rows[:limit]
        more_before = after is not None
    if not rows:
        return rows, None, None
    return rows, order.encode(rows[-1]) if more_after else None, order.encode(rows[0]) if more_before else None


def facet_counts(session: Session, conditions: list[ColumnElement], facets: dict[str, ColumnElement]) -> tuple[int, dict[str, list[list]]]:
    """(rows matching `conditions`, {facet: [[value, count], ...] most common first}) in one grouped scan."""
    columns = list(facets.values())
    flags = [func.grouping(column).label(f"grouped_{i}") for i, column in enumerate(columns)]
    query = select(*columns, *flags, func.count().label("n")).where(*conditions) \
        .group_by(func.grouping_sets(*(tuple_(column) for column in columns), tuple_()))
    total, counts = 0, {name: [] for name in facets}
    for row in session.execute(query):
        grouped = [row[len(columns) + i] for i in range(len(columns))]
        if all(grouped):
            total = row.n
            continue
        index = grouped.index(0)
        if row[index] is not None:
            counts[list(facets)[index]].append([row[index], row.n])
    return total, {name: sorted(values, key=lambda pair: (-pair[1], pair[0])) for name, values in counts.items()}


def stored_counts(session: Session, list_name: str, facets: list[str]) -> tuple[int, dict[str, list[list]]]:
    """(total, {facet: [[value, count], ...] most common first}) of a whole list, from the trigger-kept list_counts."""
    rows = session.execute(select(ListCount.facet, ListCount.value, ListCount.n).where(ListCount.list == list_name, ListCount.n > 0)).all()
    total = next((row.n for row in rows if row.facet == ""), 0)
    return total, {name: sorted(([row.value, row.n] for row in rows if row.facet == name), key=lambda pair: (-pair[1], pair[0]))
                   for name in facets}
