"""Filtering, facets and pages over the catalog rows (engine/catalog.py), for the HTTP list and the web catalog."""
from __future__ import annotations

from collections import Counter

# the catalog row fields a caller may filter on and the web catalog shows as facets
CATALOG_FILTERS = ("status", "task", "domain", "license", "owner")
MAX_PAGE = 200


def filter_rows(rows: list[dict], filters: dict[str, str | None], text: str | None = None) -> list[dict]:
    """Rows whose fields equal every given filter (case-insensitive) and whose name contains `text`."""
    wanted = {key: value.lower() for key, value in filters.items() if value}
    needle = (text or "").strip().lower()
    return [row for row in rows
            if all(str(row.get(key) or "").lower() == value for key, value in wanted.items()) and needle in row["name"].lower()]


def facet_counts(rows: list[dict]) -> dict[str, list[tuple[str, int]]]:
    """For each filterable field, its values and how many rows have each, most common first."""
    return {key: Counter(str(row[key]) for row in rows if row.get(key)).most_common() for key in CATALOG_FILTERS}


def page(rows: list[dict], limit: int, offset: int) -> dict:
    return {"items": rows[offset:offset + limit], "total": len(rows), "limit": limit, "offset": offset}


def version_rows(lake, name: str) -> list[dict]:
    """Every version of model `name`, oldest first in version order, as catalog rows."""
    from engine.catalog import summarize
    from engine.store.versions import list_versions

    with lake.transaction() as session:
        return [summarize(version) | {"ref": version.ref, "submitted_by": version.submitted_by} for version in list_versions(session, name)]
