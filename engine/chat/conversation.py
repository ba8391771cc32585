"""Conversations: an id, and the last MAX_TURNS turns (question + validated query) kept in the lake."""
from __future__ import annotations

import re
import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound, UsageError
from engine.store.tables import ChatTurn

MAX_TURNS = 8  # older turns are deleted: a follow-up only ever needs the last query
_ID = re.compile(r"^[0-9a-f]{32}$")


def new_conversation_id() -> str:
    return uuid.uuid4().hex


def _checked(conversation_id: str) -> str:
    if not isinstance(conversation_id, str) or not _ID.fullmatch(conversation_id):  # fullmatch: `$` also matches before a final newline
        raise UsageError(f"a conversation id is 32 hex characters, got {conversation_id!r}")
    return conversation_id


def _unknown(conversation_id: str) -> NotFound:
    return NotFound(f"no conversation {conversation_id}; omit the id to start a new one")


def last_query(session: Session, conversation_id: str) -> dict:
    """The query of the conversation's latest turn; NotFound for an id the lake does not know."""
    query = session.scalars(select(ChatTurn.query).where(ChatTurn.conversation_id == _checked(conversation_id))
                            .order_by(ChatTurn.turn.desc()).limit(1)).first()
    if query is None:
        raise _unknown(conversation_id)
    return query


def turns(session: Session, conversation_id: str) -> list[dict]:
    """The kept turns of a conversation, oldest first: {turn, question, query, asked_at}; NotFound for an unknown id."""
    rows = session.execute(select(ChatTurn.turn, ChatTurn.question, ChatTurn.query, ChatTurn.created_at)
                           .where(ChatTurn.conversation_id == _checked(conversation_id)).order_by(ChatTurn.turn)).all()
    if not rows:
        raise _unknown(conversation_id)
    return [{"turn": row.turn, "question": row.question, "query": row.query, "asked_at": row.created_at.isoformat()} for row in rows]


def record_turn(session: Session, conversation_id: str, question: str, query: dict) -> int:
    """Append a turn and forget turns older than MAX_TURNS; returns the turn number."""
    turn = (session.scalar(select(func.max(ChatTurn.turn)).where(ChatTurn.conversation_id == conversation_id)) or 0) + 1
    try:
        with session.begin_nested():  # a savepoint: two simultaneous turns of one conversation collide here
            session.add(ChatTurn(conversation_id=conversation_id, turn=turn, question=question, query=query))
    except IntegrityError as error:
        raise Conflict(f"conversation {conversation_id} received two questions at once; ask again") from error
    session.execute(delete(ChatTurn).where(ChatTurn.conversation_id == conversation_id, ChatTurn.turn <= turn - MAX_TURNS))
    return turn
