"""`ask`: a question (in a conversation) -> translated, validated, searched -> ChatAnswer with provenance;
`ask_query`: an edited structured query, validated and searched, as the next turn of the same conversation."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.chat.conversation import last_query, new_conversation_id, record_turn
from engine.chat.translate import Translation, check_question, translate
from engine.policy.severity import rank
from engine.store.database import Lake
from engine.store.tables import Model, ModelVersion, ReviewRecord

_NAMED_RESULTS = 3
MAX_SAID_CHARS = 300  # what an edited turn records as asked ("removed: license = mit"), cut to this
_NAMED_REASONS = 3  # failed rules the answer sentence names per model, most severe first; the result row lists them all


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
                "count": self.total if self.query.get("count") else None, "results": self.results, "total": self.total,
                "answer": self.answer, "provenance": self.provenance}


def summarize(translation: Translation, results: list[dict], total: int) -> str:
    """A short answer from the results alone (never from card text, which the LLM does not see either)."""
    if total == 0:
        sentence = f"No models match: {translation.description}."
    else:
        named = ", ".join(r["ref"] for r in results[:_NAMED_RESULTS])
        more = f" and {total - _NAMED_RESULTS} more" if total > _NAMED_RESULTS else ""
        counted = "There are " if translation.query.get("count") else ""
        sentence = f"{counted}{total} model{'s' if total != 1 else ''} {'that ' if counted else ''}match {translation.description}: {named}{more}."
    if translation.provenance.get("follow_up") in ("refine", "replace"):
        sentence = "Refining the previous question: " + sentence[0].lower() + sentence[1:]
    if translation.provenance.get("why"):
        sentence += "".join(f" {r['ref']}: {_reasons(r['review'])}." for r in results[:_NAMED_RESULTS] if r.get("review"))
    for words in translation.unexpressed:
        sentence += f" I could not express \"{words}\" as a filter, so it was left out."
    return sentence


def _reasons(review: dict) -> str:
    parts = [f"{review['decision']} by {review['decided_by']}: {review['comment']}"] if review.get("decision") else []
    failed = review.get("failed", [])
    parts += [f"{f['rule_id']} failed ({f['message']})" for f in failed[:_NAMED_REASONS]]
    if len(failed) > _NAMED_REASONS:
        parts.append(f"and {len(failed) - _NAMED_REASONS} more failed rules")
    return "; ".join(parts) or "no failed rule and no decision recorded"


def review_reasons(session: Session, version_ids: dict[str, int]) -> dict[str, dict]:
    """For each result (ref -> version id): the latest decision with its comment and the failed rules with their messages,
    most severe first (a reader asking "why" wants the blocking reason before the paperwork)."""
    reasons: dict[str, dict] = {}
    ref_of = {version_id: ref for ref, version_id in version_ids.items()}
    records = session.execute(select(ReviewRecord).where(ReviewRecord.version_id.in_(list(ref_of))).order_by(ReviewRecord.id.desc())).scalars()
    for record in records:
        entry = reasons.setdefault(ref_of[record.version_id], {"decision": None, "decided_by": None, "comment": None, "failed": None})
        if entry["decision"] is None and record.decision:
            entry |= {"decision": record.decision, "decided_by": record.decided_by, "comment": record.comment}
        if entry["failed"] is None and record.review:
            failed = [{"rule_id": f["rule_id"], "severity": f["severity"], "message": f["message"]}
                      for f in record.review.get("findings", []) if f["outcome"] in ("fail", "error")]
            entry["failed"] = sorted(failed, key=lambda f: (-rank(f["severity"]), f["rule_id"]))
    return {ref: entry | {"failed": entry["failed"] or []} for ref, entry in reasons.items()}


def ask(lake: Lake, question: str, conversation_id: str | None = None, *, today: dt.date | None = None, llm: bool = True) -> ChatAnswer:
    """Answer a question about the lake; with a conversation id it refines that conversation's last query.

    Two short transactions around the translation: no transaction (nor pooled connection) is held while the LLM thinks."""
    from engine.search import cached_vocabulary

    question = check_question(question)
    with lake.transaction() as session:
        previous = last_query(session, conversation_id) if conversation_id else None
        vocabulary = cached_vocabulary(session)
    return _answer(lake, question, translate(question, vocabulary, previous=previous, today=today, llm=llm), conversation_id)



def ask_query(lake: Lake, query: dict, conversation_id: str | None = None, *, said: str | None = None) -> ChatAnswer:
    """Run a structured query the reader edited (the previous answer's, with a chip removed) as the conversation's next
    turn: validated by the DSL, no translation and no LLM. `said` is what the turn records as asked (default: the
    query's description); a later follow-up refines this query."""
    from engine.search.dsl import describe, parse_query

    parsed = parse_query(query)
    if conversation_id:
        with lake.transaction() as session:
            last_query(session, conversation_id)  # an unknown conversation is refused before anything runs
    description = describe(parsed)
    said = (said or "").strip()[:MAX_SAID_CHARS] or f"edited query: {description}"
    return _answer(lake, said, Translation(parsed.to_dict(), description, [], {"edited": True}), conversation_id)


def _answer(lake: Lake, question: str, translation: Translation, conversation_id: str | None) -> ChatAnswer:
    """Run the translated query, gather each result's review reasons and record the turn, in one transaction."""
    with lake.transaction() as session:
        results, total = _results(session, translation.query)
        conversation_id = conversation_id or new_conversation_id()
        record_turn(session, conversation_id, question, translation.query)
    return ChatAnswer(conversation_id, translation.query, translation.description, results, total,
                      summarize(translation, results, total), translation.provenance)


def current_results(lake: Lake, query: dict) -> tuple[list[dict], int]:
    """(result rows with their review reasons, total) of a stored turn's query as the lake stands now; nothing is
    recorded. The chat page shows these when a conversation is opened by its id."""
    with lake.transaction() as session:
        return _results(session, query)


def _results(session: Session, query: dict) -> tuple[list[dict], int]:
    from engine.search import search

    page = search(session, query)
    refs = [f"{r.name}@{r.version}" for r in page.results]
    ids = dict(session.execute(select(Model.name + "@" + ModelVersion.version, ModelVersion.id).join(Model, Model.id == ModelVersion.model_id)
                               .where((Model.name + "@" + ModelVersion.version).in_(refs))).all()) if refs else {}
    reasons = review_reasons(session, ids)
    return [row | {"review": reasons.get(row["ref"])} for row in page.to_dict()["results"]], page.total
