"""Question (+ the conversation's last query) -> a validated DSL query, with the provenance of every part.

Hybrid by design: the deterministic extraction (engine/chat/extract.py) reads what it recognises with
certainty; a phrase that could name several fields, or that only resembles a lake value (embedding
similarity), goes to the grammar-constrained LLM, which can only answer one of the offered fields or "text".
When words are still unexplained, the LLM proposes a whole query under the DSL's grammar (engine/chat/propose.py);
both candidates are validated and the one explaining more of the question wins (`provenance.winner`). With the
LLM off, ambiguities take the first field of FIELD_PREFERENCE and no proposal is made.
The assembled document is validated by the DSL itself; a filter that does not validate is dropped and said.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import yaml

from engine.chat.extract import extract
from engine.chat.lexicon import PROMPTS_DIR, Lexicon, load_lexicon
from engine.chat.spans import Ambiguity, Extraction, Found
from engine.errors import InputInvalid, Problem, UsageError
from engine.search.dsl import FIELDS, TEXT, TEXT_LIST, describe, parse_filter, parse_query

# LLM off: a phrase naming values of several fields means the first of these ("gemma" is an architecture).
FIELD_PREFERENCE = ("status", "task", "domain", "architecture", "license", "language", "quantization", "dtype", "risk_tier", "relation")

MAX_QUESTION_CHARS = 1000
CHAT_LIMIT = 10
MIN_TEXT_WORDS = 3  # leftover content words needed for free text beside filters
SIMILAR_VALUE_THRESHOLD = 0.6  # cosine (MiniLM) above which a word may mean a lake value: the LLM confirms
_SIMILARITY_FIELDS = ("domain", "task")
_HEAD_NOUNS = ("models", "model")
_TEXT_CHOICE = "text"

Chooser = Callable[[list[dict], list[str]], tuple[str, str]]  # (messages, choices) -> (choice, raw text)


@dataclass
class Translation:
    query: dict
    description: str
    unexpressed: list[str]
    provenance: dict = field(default_factory=dict)


def check_question(question: object) -> str:
    """The question, or InputInvalid naming what is wrong with it (empty, not text, too long)."""
    if not isinstance(question, str) or not question.strip():
        raise InputInvalid([Problem("question", None, None, "", "a question is a non-empty string")])
    if len(question) > MAX_QUESTION_CHARS:
        raise InputInvalid([Problem("question", None, None, "", f"the question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}")])
    return question.strip()


@lru_cache(maxsize=1)
def _prompt_prefix() -> tuple[dict, ...]:
    """System prompt and few-shot turns, from prompts/nlq/ (data files, edited without touching code)."""
    template = (PROMPTS_DIR / "choice.txt").read_text(encoding="utf-8")
    messages = [{"role": "system", "content": (PROMPTS_DIR / "system.txt").read_text(encoding="utf-8").strip()}]
    for example in yaml.safe_load((PROMPTS_DIR / "examples.yaml").read_text(encoding="utf-8")):
        choices = _choices(example["options"].items())
        messages.append({"role": "user", "content": _render(template, example["question"], example["phrase"], choices, dict(example["options"]))})
        messages.append({"role": "assistant", "content": json.dumps(example["answer"])})
    return tuple(messages)


def _choices(options) -> list[str]:
    return sorted({f for f, _ in options}) + [_TEXT_CHOICE]


def _render(template: str, question: str, phrase: str, choices: list[str], meanings: dict) -> str:
    shown = ", ".join(f"{c} (= {meanings[c]})" if c in meanings else f"{c} (search the words)" for c in choices)
    return template.format(question=question, phrase=phrase, choices=shown).strip()


def _ask_llm(chooser: Chooser, question: str, ambiguity: Ambiguity) -> tuple[str, str]:
    choices = _choices(ambiguity.options)
    meanings: dict[str, str] = {}
    for f, v in sorted(ambiguity.options):
        meanings[f] = f"{meanings[f]} or {v}" if f in meanings else v
    template = (PROMPTS_DIR / "choice.txt").read_text(encoding="utf-8")
    messages = list(_prompt_prefix()) + [{"role": "user", "content": _render(template, question, ambiguity.words, choices, meanings)}]
    return chooser(messages, choices)


def _default_chooser(messages: list[dict], choices: list[str]) -> tuple[str, str]:
    from engine.chat.llm import get_llm

    return get_llm().choose(messages, choices)


@lru_cache(maxsize=4)
def _value_embeddings(values_json: str):
    from engine.search.embeddings import embed_texts

    options = [tuple(o) for o in json.loads(values_json)]
    return options, embed_texts([v.replace("-", " ") for _, v in options])


def _similar_value_ambiguities(x: Extraction, vocabulary: dict[str, list[str]], lexicon: Lexicon) -> list[Ambiguity]:
    """A word right before "models" that no table knows ("clinical models") may still mean a lake value."""
    spots = [i for i, t in enumerate(x.tokens[:-1]) if x.free(i, i + 1) and x.tokens[i + 1].text in _HEAD_NOUNS
             and t.text not in lexicon.stopwords and not t.text[0].isdigit()]
    values = sorted((f, v) for f in _SIMILARITY_FIELDS for v in vocabulary.get(f, []))
    if not spots or not values:
        return []
    from engine.search.embeddings import embed_texts

    options, value_vectors = _value_embeddings(json.dumps(values))
    word_vectors = embed_texts([x.tokens[i].text for i in spots])
    found = []
    for i, vector in zip(spots, word_vectors):
        scores = value_vectors @ vector
        best = int(scores.argmax())
        if float(scores[best]) >= SIMILAR_VALUE_THRESHOLD:
            found.append(Ambiguity(i, i + 1, x.words(i, i + 1), frozenset({options[best]}), "embedding"))
    return found


def _combine_alternatives(found: list[Found], x: Extraction) -> list[dict]:
    """Two values of one single-valued field ("approved or pending"), or of any text field joined by "or"
    ("english or french"), mean either: one `in` filter."""
    filters: list[dict] = []
    starts: list[int] = []
    for item in found:
        f = item.filter
        positive = f["op"] in ("eq", "in")
        same = next((g for g, at in zip(filters, starts) if g["field"] == f["field"] and g["field"] in FIELDS
                     and FIELDS[g["field"]].kind in (TEXT, TEXT_LIST) and (g["op"] in ("eq", "in")) == positive
                     and g["op"] in ("eq", "in", "ne", "nin") and f["op"] in ("eq", "in", "ne", "nin")
                     and (FIELDS[g["field"]].kind == TEXT or not positive or any(t.text == "or" for t in x.tokens[at:item.start]))), None)
        if same is None:
            filters.append(dict(f))
            starts.append(item.start)
            continue
        values = (same["value"] if isinstance(same["value"], list) else [same["value"]]) + (f["value"] if isinstance(f["value"], list) else [f["value"]])
        same["op"], same["value"] = ("in" if positive else "nin"), sorted(set(values))
    return filters


def _direction(op: str) -> str:
    return {"gt": "above", "gte": "above", "lt": "below", "lte": "below"}.get(op, "exact")


def refine(previous: dict, filters: list[dict], text: str, sort: dict | None, parts: dict | None = None) -> dict:
    """A follow-up's parts applied to the previous query: a field it names replaces that field's filter
    (a bound in the other direction makes a range), the rest of the previous query stays; `parts` (lineage,
    similar_to, count, limit) are added to it. A question without a count is not a count any more."""
    kept = [p for p in previous.get("filters", [])
            if not any(p["field"] == f["field"] and _direction(p["op"]) == _direction(f["op"]) for f in filters)
            and not any(p["field"] == f["field"] and "exact" in (_direction(p["op"]), _direction(f["op"])) for f in filters)]
    document = {k: v for k, v in previous.items() if k not in ("offset", "count")}
    document["filters"] = kept + filters
    document["text"] = text or previous.get("text", "")
    if sort:
        document["sort"] = sort
    return document | (parts or {})


def validate_with_repair(document: dict, provenance: dict, unexpressed: list[str], words_of: dict[str, str]) -> dict:
    """parse_query's verdict; a filter it refuses is dropped (a repair), named in the answer as not expressed."""
    kept = []
    for position, f in enumerate(document["filters"]):
        try:
            kept.append(parse_filter(f).to_dict())
        except UsageError as error:
            provenance["validation_errors"].append(f"filters[{position}]: {error}")
            provenance["repairs"].append({"dropped": f, "reason": str(error)})
            unexpressed.append(words_of.get(json.dumps(f, sort_keys=True), json.dumps(f)))
    document = document | {"filters": kept}
    return parse_query(document).to_dict()


def _resolve_ambiguities(x: Extraction, ambiguities: list[Ambiguity], question: str, chooser: Chooser | None, provenance: dict) -> None:
    """Each ambiguity becomes a filter on the field the LLM chose (or, LLM off, the preferred field), or stays free text."""
    for ambiguity in ambiguities:
        if chooser is not None:
            choice, raw = _ask_llm(chooser, question, ambiguity)
            provenance["llm"].append({"words": ambiguity.words, "found_by": ambiguity.path, "choices": _choices(ambiguity.options),
                                      "raw": raw, "choice": choice})
        else:
            fields = ambiguity.fields
            choice = next((f for f in FIELD_PREFERENCE if f in fields), fields[0] if ambiguity.path != "metric" else _TEXT_CHOICE)
            provenance["preferences"].append({"words": ambiguity.words, "choices": fields, "choice": choice})
        x.take(ambiguity.start, ambiguity.end)
        if choice == _TEXT_CHOICE:
            for i in range(ambiguity.start, ambiguity.end):
                x.consumed[i] = False
            continue
        values = sorted(v for f, v in ambiguity.options if f == choice)
        x.found.append(Found({"field": choice, "op": ambiguity.op if len(values) == 1 else "in", "value": values[0] if len(values) == 1 else values},
                             ambiguity.words, "llm" if chooser else "preference", ambiguity.start))


def _rules_document(x: Extraction, lexicon: Lexicon, previous: dict | None, provenance: dict) -> tuple[dict, str]:
    x.found.sort(key=lambda item: item.start)
    filters, text = _combine_alternatives(x.found, x), x.text(lexicon)
    structured = bool(filters or x.lineage or x.similar_to or x.count or x.sort)
    if structured and len(x.unexplained(lexicon)) < MIN_TEXT_WORDS:
        # One or two words left over beside filters are more often the question's own wording ("every", "added") than a
        # description to rank by, and as text they would cut the answer down to what matches them.
        provenance["dropped_text"], text = text, ""
    parts = ({"lineage": x.lineage} if x.lineage else {}) | ({"similar_to": x.similar_to} if x.similar_to else {}) \
        | ({"count": True} if x.count else {}) | ({"limit": x.limit} if x.limit else {})
    follow_up = x.follow_up if previous is not None else "new"
    if previous is not None and follow_up == "new" and not filters and not x.lineage and not x.similar_to and (x.count or x.sort or x.limit):
        follow_up = "refine"  # "how many are there?", "sorted by size": about the previous answer
    if previous is not None and follow_up != "new":
        return refine(previous, filters, text, x.sort, parts), follow_up
    return {"text": text, "filters": filters, "limit": CHAT_LIMIT} | ({"sort": x.sort} if x.sort else {}) | parts, follow_up


def _llm_proposal(question: str, x: Extraction, vocabulary: dict[str, list[str]], lexicon: Lexicon, rules_query: dict, provenance: dict) -> dict | None:
    """The LLM's whole query when the rules left words unexplained, if it explains more of the question; else None."""
    from engine.chat.propose import explanation_score, focused_vocabulary, number_fields_named, proposal_schema, propose
    from engine.chat.vocabulary import phrase_index

    unexplained = x.unexplained(lexicon)
    if not unexplained:
        return None
    tokens = [t.text for t in x.tokens]
    focus = focused_vocabulary(unexplained, vocabulary, rules_query)
    models = sorted({m for m in (rules_query.get("similar_to"), *(rules_query.get("lineage") or {}).values()) if isinstance(m, str)}
                    & set(vocabulary.get("model", [])))
    schema = proposal_schema(focus, vocabulary, number_fields_named(tokens, lexicon, vocabulary.get("metric", [])), models)
    proposal, raw, error = propose(question, schema)
    index = phrase_index(vocabulary)
    rules_score = explanation_score(rules_query, question, vocabulary, index, lexicon)
    record = {"unexplained": unexplained, "focus": focus, "raw": raw, "validation_error": error, "rules_score": list(rules_score)}
    provenance["proposal"] = record
    if proposal is None:
        return None
    llm_score = explanation_score(proposal, question, vocabulary, index, lexicon)
    record |= {"query": proposal, "llm_score": list(llm_score)}
    if llm_score[0] - llm_score[1] > rules_score[0] - rules_score[1]:
        return proposal
    return None


def translate(question: str, vocabulary: dict[str, list[str]], *, previous: dict | None = None, today: dt.date | None = None,
              llm: bool = True, chooser: Chooser | None = None, use_embeddings: bool = True) -> Translation:
    """The DSL query a question asks for (refining `previous` when it is a follow-up), with provenance.

    `today` resolves relative dates ("in the last 90 days"); `llm` False answers from the rules alone."""
    question = check_question(question)
    lexicon = load_lexicon()
    today = today or dt.date.today()
    x = extract(question, vocabulary, has_previous=previous is not None, lexicon=lexicon, today=today, use_embeddings=use_embeddings)
    provenance: dict = {"question": question, "today": today.isoformat(), "found": [], "llm": [], "preferences": [], "validation_errors": [],
                        "repairs": [], "winner": "rules"}
    ambiguities = list(x.ambiguities) + (_similar_value_ambiguities(x, vocabulary, lexicon) if use_embeddings else [])
    _resolve_ambiguities(x, ambiguities, question, (chooser or _default_chooser) if llm else None, provenance)
    document, follow_up = _rules_document(x, lexicon, previous, provenance)
    provenance["found"] = [f.to_dict() for f in x.found]
    provenance["follow_up"] = follow_up
    provenance["parsed_dsl"] = json.loads(json.dumps(document))
    provenance["limit_from_question"] = x.limit is not None or bool(previous and previous.get("limit") not in (None, CHAT_LIMIT) and follow_up != "new")
    provenance["why"] = x.why
    unexpressed = list(x.unexpressed)
    words_of = {json.dumps(f.filter, sort_keys=True): f.words for f in x.found}
    query = validate_with_repair(document, provenance, unexpressed, words_of)
    if llm:
        proposal = _llm_proposal(question, x, vocabulary, lexicon, query, provenance)
        if proposal is not None:
            provenance["winner"] = "llm"
            parts = {k: proposal[k] for k in ("lineage", "similar_to", "count") if proposal.get(k)}
            sort = proposal["sort"] if proposal.get("sort", {}).get("field", "relevance") != "relevance" else None
            candidate = refine(previous, proposal["filters"], "", sort, parts) if previous is not None and follow_up != "new" else \
                {"text": "", "filters": proposal["filters"], "limit": query["limit"]} | ({"sort": sort} if sort else {}) | parts
            query = validate_with_repair(candidate, provenance, unexpressed, {})
    provenance["unexpressed"] = unexpressed
    provenance["final_query"] = query
    return Translation(query, describe(parse_query(query)), unexpressed, provenance)
