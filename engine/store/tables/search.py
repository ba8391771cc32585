"""One search document per model version: text, embedding (pgvector), full-text vector and facet columns.

`behaviour` is the model's own behaviour signature (engine/search/behaviour.py) when its weights could be run
offline; `is_latest` marks the latest version of each model so search can default to one row per model;
`review_id` is the stored review the findings facets (failed_rule, unverified_rule, waived_rule) were read from.

The catalog and the review queue page over this table too (engine/search/pages.py): the catalog facets are
generated columns copied out of `facets`, so narrow covering indexes serve the pages and filtered counts by
index-only scans; `verdict`, `awaiting_decision` and `submitted_at` order the review queue. `list_counts` holds
each list's total and facet counts, kept exact by a trigger on this table (migration 0005).
"""
from __future__ import annotations

import datetime as dt

from pgvector.sqlalchemy import Vector
from sqlalchemy import BigInteger, Boolean, Computed, DateTime, ForeignKey, Index, Text, text, true
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.tables.base import Base

EMBEDDING_DIM = 384
BEHAVIOUR_PROBES = 24
BEHAVIOUR_DIM = BEHAVIOUR_PROBES * (BEHAVIOUR_PROBES - 1) // 2  # the probe-similarity matrix's upper triangle
# catalog facet -> the facets JSON expression its generated column copies (owner: the first owner, as the catalog shows it)
CATALOG_FACETS = {"status": "facets->>'status'", "task": "facets->>'task'", "domain": "facets->>'domain'",
                  "license": "facets->>'license'", "owner": "facets->'owner'->>0"}


class SearchDocument(Base):
    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_embedding_hnsw", "embedding", postgresql_using="hnsw", postgresql_ops={"embedding": "vector_cosine_ops"}),
        Index("ix_search_tsv", "tsv", postgresql_using="gin"),
        Index("ix_search_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
        Index("ix_search_facets", "facets", postgresql_using="gin", postgresql_ops={"facets": "jsonb_path_ops"}),
        Index("ix_search_behaviour_hnsw", "behaviour", postgresql_using="hnsw", postgresql_ops={"behaviour": "vector_cosine_ops"}),
        Index("ix_search_catalog", "name", "version_id", postgresql_include=[*CATALOG_FACETS, "name_folded"], postgresql_where=text("is_latest")),
        Index("ix_search_queue", "submitted_at", "version_id", postgresql_include=["verdict"], postgresql_where=text("awaiting_decision")),
        *(Index(f"ix_search_catalog_{name}", name, "name", "version_id", postgresql_include=[*(f for f in CATALOG_FACETS if f != name), "name_folded"],
                postgresql_where=text("is_latest")) for name in CATALOG_FACETS),
        Index("ix_search_catalog_name_trgm", "name_folded", postgresql_using="gin", postgresql_ops={"name_folded": "gin_trgm_ops"},
              postgresql_where=text("is_latest")),
        Index("ix_search_updated_at", "updated_at"),  # the vocabulary cache's freshness check: max(updated_at)
    )

    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[str] = mapped_column(Text, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    tsv = mapped_column(TSVECTOR, Computed("to_tsvector('english', coalesce(name, '') || ' ' || body)", persisted=True))
    embedding = mapped_column(Vector(EMBEDDING_DIM))
    facets: Mapped[dict] = mapped_column(JSONB, nullable=False, server_default="{}")
    behaviour = mapped_column(Vector(BEHAVIOUR_DIM))
    is_latest: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=true())
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status = mapped_column(Text, Computed(CATALOG_FACETS["status"], persisted=True))
    task = mapped_column(Text, Computed(CATALOG_FACETS["task"], persisted=True))
    domain = mapped_column(Text, Computed(CATALOG_FACETS["domain"], persisted=True))
    license = mapped_column(Text, Computed(CATALOG_FACETS["license"], persisted=True))
    owner = mapped_column(Text, Computed(CATALOG_FACETS["owner"], persisted=True))
    name_folded = mapped_column(Text, Computed("lower(name)", persisted=True))  # the catalog's name search: LIKE, no per-row folding
    verdict: Mapped[str | None] = mapped_column(Text)  # the latest automated verdict
    awaiting_decision: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=true())  # no human has decided yet
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ListCount(Base):
    """How many documents a list holds (facet ''), and per facet value: ('catalog', 'license', 'mit') -> n. Trigger-maintained."""

    __tablename__ = "list_counts"

    list: Mapped[str] = mapped_column(Text, primary_key=True)
    facet: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, nullable=False)
