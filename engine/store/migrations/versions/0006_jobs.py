"""Evidence jobs: procrastinate's queue schema in the lake's own Postgres, and each version's evidence state.

The queue tables, types and functions are procrastinate's own schema (procrastinate.schema.SchemaManager,
the version pinned in pyproject.toml), applied here so that they migrate with the lake, under the same
advisory lock. A later procrastinate release is adopted with a migration applying its migration scripts
(`procrastinate schema --migrations-path`), pre ones before the code and post ones after.

Revision ID: 0006_jobs
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006_jobs"
down_revision = "0005_pages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from procrastinate.schema import SchemaManager

    with op.get_bind().connection.dbapi_connection.cursor() as cursor:  # psycopg without parameters: its % and :: stay SQL
        cursor.execute(SchemaManager.get_schema())
    op.add_column("model_versions", sa.Column("evidence", JSONB))  # {state: pending|complete|failed, jobs: {name: {id, state, error}}}


def downgrade() -> None:
    op.drop_column("model_versions", "evidence")
    op.execute("DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_workers, procrastinate_jobs CASCADE")
    op.execute("""DO $$ DECLARE item record; BEGIN
        FOR item IN SELECT oid::regprocedure AS signature FROM pg_proc WHERE proname LIKE 'procrastinate\\_%' LOOP
            EXECUTE 'DROP FUNCTION ' || item.signature || ' CASCADE'; END LOOP;
        FOR item IN SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate\\_%' AND typtype IN ('e', 'c') LOOP
            EXECUTE 'DROP TYPE ' || quote_ident(item.typname) || ' CASCADE'; END LOOP;
        END $$""")
