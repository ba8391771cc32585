"""Pages in SQL: catalog facets as generated columns, review-queue columns, and one covering index per list.

The catalog (latest version of each model, by name) and the review queue (versions no human has decided on,
oldest first) each get a partial btree index holding exactly what their pages read. Whole-list counts (the
total and each facet value) are kept exact by a trigger in `list_counts`, because at 100,000 models counting
them by scanning took 200 ms; a filtered list counts its matching rows through one covering index per filter
column (index-only, proportional to the rows that match).

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


# list_counts rows a document contributes to: ('catalog', facet, value) while it is the latest version, ('queue', 'verdict',
# value) while no human has decided; facet '' is the list's total. The advisory lock is the audit chain's (engine/audit.py):
# every writer takes it before the count rows, and an audited change takes it anyway, so counts never deadlock.
_COUNTS = """
CREATE TABLE list_counts (list text NOT NULL, facet text NOT NULL, value text NOT NULL, n bigint NOT NULL, PRIMARY KEY (list, facet, value));
CREATE FUNCTION list_counts_add(doc search_documents, delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT doc.is_latest AND NOT doc.awaiting_decision THEN RETURN; END IF;
  PERFORM pg_advisory_xact_lock(7240302);
  INSERT INTO list_counts AS c (list, facet, value, n)
  SELECT list, facet, value, delta FROM (VALUES
      ('catalog', '', '', doc.is_latest), ('catalog', 'status', doc.status, doc.is_latest), ('catalog', 'task', doc.task, doc.is_latest),
      ('catalog', 'domain', doc.domain, doc.is_latest), ('catalog', 'license', doc.license, doc.is_latest),
      ('catalog', 'owner', doc.owner, doc.is_latest),
      ('queue', '', '', doc.awaiting_decision), ('queue', 'verdict', doc.verdict, doc.awaiting_decision)) AS t(list, facet, value, counted)
  WHERE counted AND value IS NOT NULL
  ON CONFLICT (list, facet, value) DO UPDATE SET n = c.n + EXCLUDED.n;
END $$;
CREATE FUNCTION search_documents_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.is_latest, OLD.awaiting_decision, OLD.status, OLD.task, OLD.domain, OLD.license, OLD.owner, OLD.verdict)
      IS NOT DISTINCT FROM (NEW.is_latest, NEW.awaiting_decision, NEW.status, NEW.task, NEW.domain, NEW.license, NEW.owner, NEW.verdict) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM list_counts_add(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM list_counts_add(NEW, 1); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_documents_count AFTER INSERT OR UPDATE OR DELETE ON search_documents FOR EACH ROW EXECUTE FUNCTION search_documents_count();
"""
_FILL = """
INSERT INTO list_counts (list, facet, value, n)
SELECT 'catalog', facet, value, count(*) FROM search_documents d,
  LATERAL (VALUES ('', ''), ('status', d.status), ('task', d.task), ('domain', d.domain), ('license', d.license), ('owner', d.owner)) AS t(facet, value)
  WHERE d.is_latest AND value IS NOT NULL GROUP BY facet, value
UNION ALL
SELECT 'queue', facet, value, count(*) FROM search_documents d, LATERAL (VALUES ('', ''), ('verdict', d.verdict)) AS t(facet, value)
  WHERE d.awaiting_decision AND value IS NOT NULL GROUP BY facet, value
"""


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
    for name in CATALOG_FACETS:  # a filter on one facet counts the others from its own index range
        op.create_index(f"ix_search_catalog_{name}", "search_documents", [name], postgresql_include=[f for f in CATALOG_FACETS if f != name],
                        postgresql_where=sa.text("is_latest"))
    op.execute(_COUNTS)
    op.execute(_FILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER search_documents_count ON search_documents")
    op.execute("DROP FUNCTION search_documents_count(), list_counts_add(search_documents, integer)")
    op.drop_table("list_counts")
    for name in CATALOG_FACETS:
        op.drop_index(f"ix_search_catalog_{name}", table_name="search_documents")
    op.drop_index("ix_search_queue", table_name="search_documents")
    op.drop_index("ix_search_catalog", table_name="search_documents")
    for name in ("submitted_at", "awaiting_decision", "verdict", *CATALOG_FACETS):
        op.drop_column("search_documents", name)
