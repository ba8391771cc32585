"""Lineage edges: child version -> parent (a lake version when known, else an external id), with evidence."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.tables.base import Base, created_at_column


class LineageEdge(Base):
    __tablename__ = "lineage_edges"
    __table_args__ = (UniqueConstraint("child_version_id", "parent_name", name="uq_lineage_child_parent"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    child_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False, index=True)
    parent_name: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    parent_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id", ondelete="SET NULL"), index=True)
    relation: Mapped[str | None] = mapped_column(Text)
    declared: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="true")
    evidence: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[dt.datetime] = created_at_column()
