"""Chat: a question in plain English -> a validated search DSL query (deterministic extraction plus a
grammar-constrained local LLM) -> search results and a short answer, with the provenance of each filter.

LLM text never becomes SQL: it can only pick among choices the grammar offers, and every query is
validated by engine.search.dsl before engine.search runs it with parameters.
"""
from engine.chat.answer import ChatAnswer, ask, ask_query
from engine.chat.translate import MAX_QUESTION_CHARS, Translation, translate

__all__ = ["MAX_QUESTION_CHARS", "ChatAnswer", "Translation", "ask", "ask_query", "translate"]
