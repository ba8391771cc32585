"""Read side for people and scripts: catalog pages and one version's detail, as JSON-able dicts.

The catalog is the latest version of each model in name order, one keyset page at a time, with facet counts
under the same filters; both are SQL over the search documents (engine.search.pages), so a page of 50 costs
the same in a lake of 100 models and of 100,000.
"""
from __future__ import annotations

from sqlalchemy import func, select

from engine.errors import UsageError
from engine.governance.decisions import latest_review
from engine.evals.records import rerun_summary
from engine.governance.stored import latest_eval_results, review_summary
from engine.governance.stored_reviews import NO_REASONS, verdict_reasons
from engine.search.dsl import normalize_value
from engine.search.pages import DEFAULT_PAGE, Order, facet_counts, keyset_rows, read_integer, read_text, stored_counts
from engine.store.database import Lake, open_lake
from engine.store.tables import ModelVersion, SearchDocument
from engine.store.tables.search import CATALOG_FACETS
from engine.store.versions import get_version, list_versions, version_order_key

DOCS, VERSIONS = SearchDocument.__table__, ModelVersion.__table__
CATALOG_FILTERS = tuple(CATALOG_FACETS)  # status, task, domain, license, owner: what a caller filters on and the UI counts
CATALOG_ORDER = Order((DOCS.c.name, DOCS.c.version_id), (read_text, read_integer))


def split_filters(text: str) -> tuple[str, dict[str, str]]:
    """(the words, {field: value}) of a search box's text: each `FIELD:VALUE` word naming a catalog filter is a filter
    (a later one of the same field wins); every other word, `vendor:acme` or a URL included, stays a word."""
    words, filters = [], {}
    for word in text.split():
        field, colon, value = word.partition(":")
        if colon and value and field.lower() in CATALOG_FILTERS:
            filters[field.lower()] = value
        else:
            words.append(word)
    return " ".join(words), filters


def summarize(version: ModelVersion) -> dict:
    card = version.card
    owners = card.get("owners") or [{}]
    return {
        "name": version.model.name, "version": version.version, "status": version.status,
        "task": card.get("pipeline_tag"), "domain": card.get("domain"), "license": card.get("license"),
        "owner": owners[0].get("name"), "created_at": version.created_at.isoformat(),
    }


def catalog_page(lake: Lake | None = None, *, filters: dict[str, str | None] | None = None, name_contains: str | None = None,
                 after: str | None = None, before: str | None = None, limit: int = DEFAULT_PAGE) -> dict:
    """One page of the catalog (latest version of each model, by name) with the total and facet counts under the filters.

    `filters` map catalog fields to a value (any spelling the search index accepts: "MIT" is "mit"); `name_contains`
    matches part of the name, case-insensitively; `after`/`before` are the `next`/`previous` cursors of a page.
    Each row names the rules its latest automated review failed (`failed`), so a list leads to its findings.
    """
    unknown = sorted(set(filters or {}) - set(CATALOG_FILTERS))
    if unknown:
        raise UsageError(f"cannot filter the catalog on {', '.join(unknown)}; filters: {', '.join(CATALOG_FILTERS)}")
    conditions = [DOCS.c.is_latest] + [DOCS.c[key] == normalize_value(key, value) for key, value in (filters or {}).items() if value]
    if name_contains and name_contains.strip():
        # the stored lower(name) with a plain LIKE, folded by Postgres' own lower() on both sides: no per-row case folding in
        # the covering indexes' scans, and its trigram index serves a pattern that matches few names
        pattern = name_contains.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(DOCS.c.name_folded.like(func.lower(f"%{pattern}%"), escape="\\"))
    lake = lake or open_lake()
    with lake.transaction() as session:
        rows, following, preceding = keyset_rows(session, _catalog_rows().where(*conditions), CATALOG_ORDER, limit=limit, after=after,
                                                 before=before)
        if len(conditions) == 1:  # the whole catalog: its counts are kept by a trigger
            total, facets = stored_counts(session, "catalog", list(CATALOG_FILTERS))
        else:
            total, facets = facet_counts(session, conditions, {key: DOCS.c[key] for key in CATALOG_FILTERS})
        failed = verdict_reasons(session, [row.version_id for row in rows])
    items = [{"name": row.name, "version": row.version, "status": row.status, "task": row.task, "domain": row.domain, "license": row.license,
              "owner": row.owner, "created_at": row.created_at.isoformat(), "versions": row.versions,
              "failed": failed.get(row.version_id, NO_REASONS)["failed"]} for row in rows]
    return {"items": items, "total": total, "limit": limit, "next": following, "previous": preceding, "facets": facets}


def _catalog_rows():
    """The catalog row of each search document, as the card wrote it (facets hold normalised values), with its version count."""
    other = VERSIONS.alias("other")
    versions = select(func.count()).select_from(other).where(other.c.model_id == VERSIONS.c.model_id).scalar_subquery()
    card = VERSIONS.c.card
    # every search-document column read here is in the catalog indexes (the version string is the version row's), so a page
    # is an index-only range of ix_search_catalog or of a filter's facet index, checked against further filters in the index
    return select(DOCS.c.name, DOCS.c.version_id, VERSIONS.c.version, VERSIONS.c.status, VERSIONS.c.created_at, versions.label("versions"),
                  card["pipeline_tag"].astext.label("task"), card["domain"].astext.label("domain"), card["license"].astext.label("license"),
                  card[("owners", 0, "name")].astext.label("owner")).join(VERSIONS, VERSIONS.c.id == DOCS.c.version_id)


def version_detail(ref: str, lake: Lake | None = None) -> dict:
    """A version's card, status, facts, latest automated review summary, latest rerun of each claim and its model's version list."""
    lake = lake or open_lake()
    with lake.transaction() as session:
        version = get_version(session, ref)
        versions = [v.version for v in sorted(version.model.versions, key=version_order_key)]  # loaded by get_version
        record = latest_review(session, version.id)
        return summarize(version) | {
            "versions": versions, "card": version.card, "card_text": version.card_text,
            "card_digest": version.card_digest, "facts": version.facts, "source": version.source,
            "review": review_summary(record.review) if record is not None and record.review else None,
            "evidence": version.evidence or {"state": "complete", "jobs": {}},  # None: gathered before the submission
            "reruns": [rerun_summary(run) for run in latest_eval_results(session, version.id)],
        }


def version_rows(lake: Lake, name: str) -> list[dict]:
    """Every version of model `name`, oldest first in version order, as catalog rows."""
    with lake.transaction() as session:
        return [summarize(version) | {"ref": version.ref, "submitted_by": version.submitted_by} for version in list_versions(session, name)]
