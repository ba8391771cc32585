"""Evaluation datasets registered in the lake; eval_runs gain the numbers search and the UI read as columns.

Revision ID: 0007_eval_datasets
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007_eval_datasets"
down_revision = "0006_jobs"
branch_labels = None
depends_on = None

RUN_NUMBERS = ("claimed", "observed", "tolerance")


def upgrade() -> None:
    op.create_table(
        "eval_datasets",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, index=True),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("uri", sa.Text, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("license", sa.Text, nullable=False),
        sa.Column("rows", JSONB, nullable=False),
        sa.Column("columns", JSONB, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("registered_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("name", "version", name="uq_eval_datasets_name_version"),
    )
    for column in RUN_NUMBERS:
        op.add_column("eval_runs", sa.Column(column, sa.Double))
    op.add_column("eval_runs", sa.Column("dataset", sa.Text))
    # Runs stored before this revision keep their numbers in `result`; copy them out (null stays null).
    op.execute("UPDATE eval_runs SET " + ", ".join(f"{c} = (result->>'{c}')::double precision" for c in RUN_NUMBERS))
    op.create_index("ix_eval_runs_metric_status", "eval_runs", ["metric", "status"])


def downgrade() -> None:
    op.drop_index("ix_eval_runs_metric_status", "eval_runs")
    for column in (*RUN_NUMBERS, "dataset"):
        op.drop_column("eval_runs", column)
    op.drop_table("eval_datasets")
