"""Who may act (API tokens, hashed at rest) and what they did (the hash-chained audit log)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.tables.base import Base, created_at_column


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, index=True)  # the user the token acts as
    role: Mapped[str] = mapped_column(Text, nullable=False)
    secret_sha256: Mapped[str] = mapped_column(Text, nullable=False, unique=True)  # never the secret itself
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at_column()


class AuditEntry(Base):
    """One state change. `entry_hash` covers every other column and `prev_hash`, chaining the log."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor: Mapped[str] = mapped_column(Text, nullable=False)
    action: Mapped[str] = mapped_column(Text, nullable=False)
    target: Mapped[str] = mapped_column(Text, nullable=False)
    before_digest: Mapped[str | None] = mapped_column(Text)
    after_digest: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSONB, nullable=False)
    prev_hash: Mapped[str] = mapped_column(Text, nullable=False)
    entry_hash: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
