"""Pages in SQL: catalog facets as generated columns, review-queue columns, and one covering index per list.

The catalog (latest version of each model, by name) and the review queue (versions no human has decided on,
oldest first) each get a partial btree index holding exactly what their pages and facet counts read, so both
are index-only scans that never touch the wide rows (text, embeddings) of search_documents.

Revision ID: 0005_pages
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_pages"
down_revision = "0004_chat"
branch_labels = None
depends_on = None

# copied from engine/store/tables/search.py CATALOG_FACETS: a migration must not change when the code does
CATALOG_FACETS = {"status": "facets->>'status'", "task": "facets->>'task'", "domain": "facets->>'domain'",
                  "license": "facets->>'license'", "owner": "facets->'owner'->>0"}


def upgrade() -> None:
    for name, expression in CATALOG_FACETS.items():
        op.add_column("search_documents", sa.Column(name, sa.Text, sa.Computed(expression, persisted=True)))
    op.add_column("search_documents", sa.Column("verdict", sa.Text))
    op.add_column("search_documents", sa.Column("awaiting_decision", sa.Boolean, nullable=False, server_default=sa.true()))
    op.add_column("search_documents", sa.Column("submitted_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE search_documents d SET submitted_at = v.created_at FROM model_versions v WHERE v.id = d.version_id")
    op.execute("""UPDATE search_documents d SET verdict = latest.verdict
                  FROM (SELECT DISTINCT ON (version_id) version_id, verdict FROM reviews ORDER BY version_id, id DESC) latest
                  WHERE latest.version_id = d.version_id""")
    op.execute("""UPDATE search_documents d SET awaiting_decision = NOT EXISTS (
                  SELECT 1 FROM reviews r WHERE r.version_id = d.version_id AND r.decision IS NOT NULL)""")
    op.alter_column("search_documents", "submitted_at", nullable=False)
    op.create_index("ix_search_catalog", "search_documents", ["name", "version_id"], postgresql_include=list(CATALOG_FACETS),
                    postgresql_where=sa.text("is_latest"))
    op.create_index("ix_search_queue", "search_documents", ["submitted_at", "version_id"], postgresql_include=["verdict"],
                    postgresql_where=sa.text("awaiting_decision"))


def downgrade() -> None:
    op.drop_index("ix_search_queue", table_name="search_documents")
    op.drop_index("ix_search_catalog", table_name="search_documents")
    for name in ("submitted_at", "awaiting_decision", "verdict", *CATALOG_FACETS):
        op.drop_column("search_documents", name)
