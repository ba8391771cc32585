"""Chat: the bounded history of each conversation (question and validated query per turn).

Revision ID: 0004_chat
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_chat"
down_revision = "0003_http"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_turns",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("conversation_id", sa.Text, nullable=False, index=True),
        sa.Column("turn", sa.Integer, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("query", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("conversation_id", "turn"),
    )


def downgrade() -> None:
    op.drop_table("chat_turns")
