"""Search: behaviour signatures (probe-similarity vectors, HNSW) and the latest-version flag.

Revision ID: 0002_search
"""
import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision = "0002_search"
down_revision = "0001"
branch_labels = None
depends_on = None

BEHAVIOUR_DIM = 276  # 24 probes: the upper triangle of their similarity matrix (engine/store/tables/search.py)


def upgrade() -> None:
    op.add_column("search_documents", sa.Column("behaviour", Vector(BEHAVIOUR_DIM)))
    op.add_column("search_documents", sa.Column("is_latest", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_index("ix_search_behaviour_hnsw", "search_documents", ["behaviour"], postgresql_using="hnsw",
                    postgresql_ops={"behaviour": "vector_cosine_ops"})


def downgrade() -> None:
    op.drop_index("ix_search_behaviour_hnsw", table_name="search_documents")
    op.drop_column("search_documents", "is_latest")
    op.drop_column("search_documents", "behaviour")
