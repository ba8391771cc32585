"""Benchmark reruns and the evaluation datasets they read.

eval_runs: one row per (version, claimed evaluation) run, with the comparison and its evidence; the
numbers search and the UI read (claimed, observed, tolerance) are columns as well as part of `result`.
eval_datasets: the evaluation sets registered in the lake (name, version, digest, license, rows, who).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Double, ForeignKey, Integer, Text, UniqueConstraint
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
    status: Mapped[str] = mapped_column(Text, nullable=False)  # engine.evals.records.RERUN_STATUSES
    claimed: Mapped[float | None] = mapped_column(Double)
    observed: Mapped[float | None] = mapped_column(Double)  # null when nothing ran
    tolerance: Mapped[float | None] = mapped_column(Double)  # null unless claim and rerun were compared
    dataset: Mapped[str | None] = mapped_column(Text)  # NAME@VERSION of the registered set the rerun read
    result: Mapped[dict] = mapped_column(JSONB, nullable=False)  # the whole record: claimed, observed, tolerance, evidence
    created_at: Mapped[dt.datetime] = created_at_column()


class EvalDataset(Base):
    __tablename__ = "eval_datasets"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_eval_datasets_name_version"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    version: Mapped[str] = mapped_column(Text, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)  # registration order within the name: the latest wins
    uri: Mapped[str] = mapped_column(Text, nullable=False)  # where the bytes are read from at every rerun
    format: Mapped[str] = mapped_column(Text, nullable=False)  # jsonl | csv | txt
    sha256: Mapped[str] = mapped_column(Text, nullable=False)  # of the bytes at registration; every rerun checks it
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    license: Mapped[str] = mapped_column(Text, nullable=False)
    rows: Mapped[dict] = mapped_column(JSONB, nullable=False)  # split -> row count
    columns: Mapped[list] = mapped_column(JSONB, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    registered_by: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = created_at_column()
