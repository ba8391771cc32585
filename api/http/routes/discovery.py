"""/search (the query DSL) and /chat (a question in plain English or an edited structured query, optionally continuing a
conversation; GET /chat/{id} gives its turns)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import get, post
from litestar.params import FromPath, JSONBody

from api.http.auth import permission
from api.http.config import LakeDep
from engine.errors import UsageError


@dataclass
class ChatRequest:
    question: str | None = None
    conversation_id: str | None = None
    query: dict[str, Any] | None = None  # instead of a question: an edited structured query (a chip removed), run as the next turn
    said: str | None = None  # with `query`: what the turn records as asked ("removed: license = mit")


@post("/search", opt=permission("read"), sync_to_thread=True, status_code=200)
def search(data: JSONBody[dict[str, Any]], lake: LakeDep) -> dict[str, Any]:
    """Run a DSL query ({text, filters, lineage, sort, limit, offset}); see docs/search.md."""
    from engine.search import search

    with lake.transaction() as session:
        return search(session, data).to_dict()


@post("/chat", opt=permission("read"), sync_to_thread=True, status_code=200)
def chat(data: JSONBody[ChatRequest], lake: LakeDep) -> dict[str, Any]:
    """Answer a question with the local LLM (the DSL it produced, its description, the results and provenance), or run
    an edited structured query as the conversation's next turn."""
    return answer_chat(lake, question=data.question, query=data.query, conversation_id=data.conversation_id, said=data.said)


def answer_chat(lake, *, question: str | None, query: dict | None, conversation_id: str | None, said: str | None = None) -> dict[str, Any]:
    """The one path of POST /chat and the chat page: exactly one of a question or an edited query."""
    from engine.chat import ask, ask_query

    if (question is None) == (query is None):
        raise UsageError("send either a question or a query (an edited structured query), not both and not neither")
    if query is not None:
        return ask_query(lake, query, conversation_id, said=said).to_dict()
    return ask(lake, question, conversation_id=conversation_id).to_dict()


@get("/chat/{conversation_id:str}", opt=permission("read"), sync_to_thread=True)
def conversation(conversation_id: FromPath[str], lake: LakeDep) -> dict[str, Any]:
    """A conversation's kept turns, oldest first: what was asked and the structured query each ran."""
    from engine.chat.conversation import turns

    with lake.transaction() as session:
        return {"conversation_id": conversation_id, "turns": turns(session, conversation_id)}


ROUTES = [search, chat, conversation]
