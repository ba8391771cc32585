"""`ask`: a question (in a conversation) -> translated, validated, searched -> ChatAnswer with provenance."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.chat.conversation import last_query, new_conversation_id, record_turn
from engine.chat.translate import Translation, check_question, translate

_NAMED_RESULTS = 3


@dataclass(frozen=True)
class ChatAnswer:
    conversation_id: str
    query: dict
    description: str
    results: list[dict]
    total: int
    answer: str
    provenance: dict

    def to_dict(self) -> dict:
        return {"conversation_id": self.conversation_id, "query": self.query, "description": self.description,
                "results": self.results, "total": self.total, "answer": self.answer, "provenance": self.provenance}


def summarize(translation: Translation, results: list[dict], total: int) -> str:
    """A short answer from the results alone (never from card text, which the LLM does not see either)."""
    if total == 0:
        sentence = f"No models match: {translation.description}."
    else:
        named = ", ".join(r["ref"] for r in results[:_NAMED_RESULTS])
        more = f" and {total - _NAMED_RESULTS} more" if total > _NAMED_RESULTS else ""
        sentence = f"{total} model{'s' if total != 1 else ''} match {translation.description}: {named}{more}."
    if translation.provenance.get("follow_up") in ("refine", "replace"):
        sentence = "Refining the previous question: " + sentence[0].lower() + sentence[1:]
    for words in translation.unexpressed:
        sentence += f" I could not express \"{words}\" as a filter, so it was left out."
    return sentence


def _session_scope(lake_or_session):
    return nullcontext(lake_or_session) if isinstance(lake_or_session, Session) else lake_or_session.transaction()


def ask(lake_or_session, question: str, conversation_id: str | None = None) -> ChatAnswer:
    """Answer a question about the lake; with a conversation id it refines that conversation's last query."""
    from engine.search import lake_vocabulary, search

    question = check_question(question)
    with _session_scope(lake_or_session) as session:
        previous = last_query(session, conversation_id) if conversation_id else None
        translation = translate(question, lake_vocabulary(session), previous=previous)
        page = search(session, translation.query).to_dict()
        conversation_id = conversation_id or new_conversation_id()
        record_turn(session, conversation_id, question, translation.query)
    return ChatAnswer(conversation_id, translation.query, translation.description, page["results"], page["total"],
                      summarize(translation, page["results"], page["total"]), translation.provenance)
