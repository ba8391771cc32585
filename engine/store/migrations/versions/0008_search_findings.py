"""Search findings and verified metrics: each document names the stored review its findings facets come from,
and existing documents get the new facets (fact fields, failed/unverified/waived rule ids, rerun-aware metrics);
an index on updated_at serves the chat's vocabulary cache.

Revision ID: 0008_search_findings
"""
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0008_search_findings"
down_revision = "0007_eval_datasets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("search_documents", sa.Column("review_id", sa.BigInteger, sa.ForeignKey("reviews.id", ondelete="SET NULL")))
    op.create_index("ix_search_updated_at", "search_documents", ["updated_at"])
    _backfill(Session(bind=op.get_bind()))


def _backfill(session: Session) -> None:
    """Facets are derived data: recompute them with the index's own functions, through explicit columns only (so later
    columns of the tables do not break this migration)."""
    from engine.search.index import document_facets, stored_state

    rows = session.execute(sa.text("SELECT d.version_id, d.facets, v.card, v.facts, v.status, v.created_at FROM search_documents d "
                                   "JOIN model_versions v ON v.id = d.version_id")).all()
    for row in rows:
        state = stored_state(session, row.version_id)
        version = SimpleNamespace(card=row.card, facts=row.facts, status=row.status, created_at=row.created_at)
        facets = document_facets(version, state) | ({"behaviour": row.facets["behaviour"]} if "behaviour" in row.facets else {})
        session.execute(sa.text("UPDATE search_documents SET facets = :facets, review_id = :review_id WHERE version_id = :id")
                        .bindparams(sa.bindparam("facets", type_=sa.dialects.postgresql.JSONB)),
                        {"facets": facets, "review_id": state.review_id, "id": row.version_id})


def downgrade() -> None:
    op.drop_index("ix_search_updated_at", table_name="search_documents")
    op.drop_column("search_documents", "review_id")
