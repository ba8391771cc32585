"""Chat conversations: the last turns of each conversation, so a follow-up refines the query before it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.tables.base import Base, created_at_column


class ChatTurn(Base):
    __tablename__ = "chat_turns"
    __table_args__ = (UniqueConstraint("conversation_id", "turn"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    turn: Mapped[int] = mapped_column(Integer, nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    query: Mapped[dict] = mapped_column(JSONB, nullable=False)  # the validated DSL this turn ran
    created_at: Mapped[dt.datetime] = created_at_column()
