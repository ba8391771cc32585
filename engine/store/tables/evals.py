"""Benchmark reruns: one row per (version, claimed evaluation) run, with the comparison and its evidence."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.tables.base import Base, created_at_column


class EvalRun(Base):
    __tablename__ = "eval_runs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False, index=True)
    evaluation_index: Mapped[int] = mapped_column(Integer, nullable=False)  # position in the card's evaluations
    harness: Mapped[str] = mapped_column(Text, nullable=False)
    metric: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False)  # pass | fail | not_comparable | error
    result: Mapped[dict] = mapped_column(JSONB, nullable=False)  # claimed, observed, tolerance, evidence
    created_at: Mapped[dt.datetime] = created_at_column()
