"""Models and their versions: the card as submitted, the facts from its files, its review status."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.store.tables.base import Base, created_at_column


class Model(Base):
    __tablename__ = "models"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True, nullable=False)
    created_at: Mapped[dt.datetime] = created_at_column()
    versions: Mapped[list[ModelVersion]] = relationship(back_populates="model", order_by="ModelVersion.seq")


class ModelVersion(Base):
    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("model_id", "version", name="uq_model_versions_model_version"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), nullable=False, index=True)
    version: Mapped[str] = mapped_column(Text, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)  # submission order within the model
    card: Mapped[dict] = mapped_column(JSONB, nullable=False)
    card_text: Mapped[str] = mapped_column(Text, nullable=False)
    card_digest: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="pending", index=True)
    facts: Mapped[dict | None] = mapped_column(JSONB)
    fingerprint: Mapped[dict | None] = mapped_column(JSONB)
    submitted_by: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_at_column()
    # None: gathered before the submission; else {state: pending|complete|failed, jobs: {name: {id, state, error}}}
    evidence: Mapped[dict | None] = mapped_column(JSONB)

    model: Mapped[Model] = relationship(back_populates="versions")

    @property
    def ref(self) -> str:
        return f"{self.model.name}@{self.version}"
