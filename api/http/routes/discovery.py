"""/search (the query DSL) and /chat (a question in plain English, optionally continuing a conversation)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import post
from litestar.params import JSONBody

from api.http.auth import permission
from api.http.config import LakeDep


@dataclass
class ChatRequest:
    question: str
    conversation_id: str | None = None


@post("/search", opt=permission("read"), sync_to_thread=True, status_code=200)
def search(data: JSONBody[dict[str, Any]], lake: LakeDep) -> dict[str, Any]:
    """Run a DSL query ({text, filters, lineage, sort, limit, offset}); see docs/search.md."""
    from engine.search import search

    with lake.transaction() as session:
        return search(session, data).to_dict()


@post("/chat", opt=permission("read"), sync_to_thread=True, status_code=200)
def chat(data: JSONBody[ChatRequest], lake: LakeDep) -> dict[str, Any]:
    """Answer a question with the local LLM: the DSL it produced, its description, the results and provenance."""
    from engine.chat import ask

    return ask(lake, data.question, conversation_id=data.conversation_id).to_dict()


ROUTES = [search, chat]
