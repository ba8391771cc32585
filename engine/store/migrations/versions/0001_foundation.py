"""Foundation: extensions, models, versions, reviews, waivers, lineage edges, search documents.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "models",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        _created_at(),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("model_id", sa.BigInteger, sa.ForeignKey("models.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("card", JSONB, nullable=False),
        sa.Column("card_text", sa.Text, nullable=False),
        sa.Column("card_digest", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending", index=True),
        sa.Column("facts", JSONB),
        sa.Column("fingerprint", JSONB),
        sa.Column("submitted_by", sa.Text),
        _created_at(),
        sa.UniqueConstraint("model_id", "version", name="uq_model_versions_model_version"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("version_id", sa.BigInteger, sa.ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("verdict", sa.Text, nullable=False),
        sa.Column("review", JSONB, nullable=False),
        sa.Column("inputs_digest", sa.Text, nullable=False),
        sa.Column("decision", sa.Text),
        sa.Column("decided_by", sa.Text),
        sa.Column("comment", sa.Text),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        _created_at(),
    )
    op.create_table(
        "waivers",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("rule_id", sa.Text, nullable=False, index=True),
        sa.Column("target", sa.Text, nullable=False, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("approved_by", sa.Text),
        sa.Column("ticket", sa.Text),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        _created_at(),
    )
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("version_id", sa.BigInteger, sa.ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("evaluation_index", sa.Integer, nullable=False),
        sa.Column("harness", sa.Text, nullable=False),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("result", JSONB, nullable=False),
        _created_at(),
    )
    op.create_table(
        "lineage_edges",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("child_version_id", sa.BigInteger, sa.ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("parent_name", sa.Text, nullable=False, index=True),
        sa.Column("parent_version_id", sa.BigInteger, sa.ForeignKey("model_versions.id", ondelete="SET NULL"), index=True),
        sa.Column("relation", sa.Text),
        sa.Column("declared", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("evidence", JSONB),
        _created_at(),
        sa.UniqueConstraint("child_version_id", "parent_name", name="uq_lineage_child_parent"),
    )
    op.create_table(
        "search_documents",
        sa.Column("version_id", sa.BigInteger, sa.ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("tsv", TSVECTOR, sa.Computed("to_tsvector('english', coalesce(name, '') || ' ' || body)", persisted=True)),
        sa.Column("embedding", Vector(384)),
        sa.Column("facets", JSONB, nullable=False, server_default="{}"),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_search_embedding_hnsw", "search_documents", ["embedding"], postgresql_using="hnsw", postgresql_ops={"embedding": "vector_cosine_ops"})
    op.create_index("ix_search_tsv", "search_documents", ["tsv"], postgresql_using="gin")
    op.create_index("ix_search_name_trgm", "search_documents", ["name"], postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"})
    op.create_index("ix_search_facets", "search_documents", ["facets"], postgresql_using="gin", postgresql_ops={"facets": "jsonb_path_ops"})


def downgrade() -> None:
    for table in ("search_documents", "lineage_edges", "eval_runs", "waivers", "reviews", "model_versions", "models"):
        op.drop_table(table)
