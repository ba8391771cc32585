"""Filtered catalog pages at 100,000 models: a folded name in the covering indexes, and facet indexes in page order.

Measured at 100,000 documents (benchmarks/catalog_counts.py): a name search's counts evaluated `name ILIKE '%w%'`
on each of the 90,000 entries of ix_search_catalog (about 120 ms; case-insensitive matching folds every character
of every name), and a page under two or three facet filters fetched thousands of wide rows from the heap (the
facet indexes did not hold the name the page is ordered by). So:
- `name_folded` (lower(name), stored) is matched with a plain LIKE, included in every catalog index, and has its
  own trigram index (partial, latest versions only) for searches that match few names;
- each facet index is keyed (facet, name, version_id): a page filtered on a facet is an ordered range of it, and
  further filters are checked inside the index, never on the heap.

Revision ID: 0009_catalog_search
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_catalog_search"
down_revision = "0008_search_findings"
branch_labels = None
depends_on = None

# copied from engine/store/tables/search.py: a migration must not change when the code does
FACETS = ("status", "task", "domain", "license", "owner")


def _catalog_indexes(folded: bool) -> None:
    extra = ["name_folded"] if folded else []
    op.create_index("ix_search_catalog", "search_documents", ["name", "version_id"], postgresql_include=[*FACETS, *extra],
                    postgresql_where=sa.text("is_latest"))
    for name in FACETS:
        keys = [name, "name", "version_id"] if folded else [name]
        op.create_index(f"ix_search_catalog_{name}", "search_documents", keys, postgresql_include=[f for f in FACETS if f != name] + extra,
                        postgresql_where=sa.text("is_latest"))


def _drop_catalog_indexes() -> None:
    for name in ("ix_search_catalog", *(f"ix_search_catalog_{facet}" for facet in FACETS)):
        op.drop_index(name, table_name="search_documents")


def upgrade() -> None:
    _drop_catalog_indexes()
    op.add_column("search_documents", sa.Column("name_folded", sa.Text, sa.Computed("lower(name)", persisted=True)))
    _catalog_indexes(folded=True)
    op.create_index("ix_search_catalog_name_trgm", "search_documents", ["name_folded"], postgresql_using="gin",
                    postgresql_ops={"name_folded": "gin_trgm_ops"}, postgresql_where=sa.text("is_latest"))


def downgrade() -> None:
    op.drop_index("ix_search_catalog_name_trgm", table_name="search_documents")
    _drop_catalog_indexes()
    op.drop_column("search_documents", "name_folded")
    _catalog_indexes(folded=False)
