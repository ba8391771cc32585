"""The LLM's whole-query proposal, and which candidate explains more of the question.

When the rules leave words of a question unexplained, the grammar-constrained local LLM writes a whole DSL query.
Its grammar is the DSL's own JSON Schema (engine.search.query_json_schema) over a focused vocabulary: the lake's
values of the fields the question can be about (the fields the rules found, and the text values whose words or
meaning are close to the unexplained words) as enums, so the grammar stays small enough to sample in about a
second per query. Both candidates are validated; each is scored by the question words it explains (the same
grounding for both: a value's words or phrases, its number, its negator or comparison, the model it names); a
part that explains no word counts against its candidate. The LLM's proposal wins only when it explains more.
"""
from __future__ import annotations

import json
from functools import lru_cache

import yaml

from engine.chat._finding_steps import stem
from engine.chat._reference_steps import model_index
from engine.chat.lexicon import PROMPTS_DIR, Lexicon, tokenize
from engine.chat.numbers import read_quantity
from engine.chat.spans import match
from engine.chat.vocabulary import PhraseIndex
from engine.errors import UsageError
from engine.search.dsl import FIELDS, LINEAGE_KEYS, NUMBER, TEXT, TEXT_LIST, metric_family, parse_query, query_json_schema

MAX_FILTERS = 4
MAX_TOKENS = 96
NEAR_VALUE = 0.5  # cosine (MiniLM) between an unexplained word and a lake value for the value to be offered
MAX_VALUES_PER_FIELD = 6
PROPOSAL_KEYS = ("filters", "lineage", "similar_to", "sort", "count")


@lru_cache(maxsize=1)
def prompt_prefix() -> tuple[dict, ...]:
    """System prompt and few-shot examples (prompts/nlq/dsl_system.txt, dsl_examples.yaml)."""
    messages = [{"role": "system", "content": (PROMPTS_DIR / "dsl_system.txt").read_text(encoding="utf-8").strip()}]
    for example in yaml.safe_load((PROMPTS_DIR / "dsl_examples.yaml").read_text(encoding="utf-8")):
        messages += [{"role": "user", "content": example["question"]}, {"role": "assistant", "content": json.dumps(example["query"])}]
    return tuple(messages)


@lru_cache(maxsize=8)
def _value_vectors(vocabulary_json: str):
    from engine.search.embeddings import embed_texts

    options = [tuple(o) for o in json.loads(vocabulary_json)]
    return options, embed_texts([value.replace("-", " ").replace("_", " ") for _, value in options])


def focused_vocabulary(unexplained: list[str], vocabulary: dict[str, list[str]], rules_query: dict) -> dict[str, list[str]]:
    """The text values the proposal may use: those the rules' query uses, and the lake values near an unexplained word."""
    focus: dict[str, list[str]] = {}
    for f in rules_query.get("filters", []):
        if f["field"] in FIELDS and FIELDS[f["field"]].kind in (TEXT, TEXT_LIST):
            focus.setdefault(f["field"], []).extend(f["value"] if isinstance(f["value"], list) else [f["value"]])
    options = sorted((field, value) for field, values in vocabulary.items() if field in FIELDS and FIELDS[field].kind in (TEXT, TEXT_LIST)
                     for value in values)
    if unexplained and options:
        from engine.search.embeddings import embed_texts

        known, vectors = _value_vectors(json.dumps(options))
        scores = embed_texts(unexplained) @ vectors.T
        for row in scores:
            for index in row.argsort()[::-1][:MAX_VALUES_PER_FIELD]:
                if float(row[index]) >= NEAR_VALUE:
                    field, value = known[index]
                    focus.setdefault(field, []).append(value)
    return {field: sorted(set(values))[:MAX_VALUES_PER_FIELD * 2] for field, values in focus.items()}


def proposal_schema(focus: dict[str, list[str]], vocabulary: dict[str, list[str]], number_fields: list[str], models: list[str]) -> dict:
    """The DSL's JSON Schema restricted to the focused fields and values (filters, lineage, similar_to, sort, count)."""
    full = query_json_schema(focus | {"metric": vocabulary.get("metric", []), "model": models or vocabulary.get("model", [])})
    wanted = set(focus) | set(number_fields) | {name.split(":", 1)[0] + ":" for name in number_fields if ":" in name}
    variants = [v for v in full["properties"]["filters"]["items"]["anyOf"] if _variant_field(v) in wanted]
    properties = {"filters": {"type": "array", "maxItems": MAX_FILTERS, "items": {"anyOf": variants}} if variants else {"type": "array", "maxItems": 0},
                  "count": {"type": "boolean"}}
    if models:
        properties |= {"lineage": full["properties"]["lineage"], "similar_to": full["properties"]["similar_to"]}
    if number_fields:
        properties["sort"] = full["properties"]["sort"]
    return {"type": "object", "additionalProperties": False, "required": ["filters"], "properties": properties}


def _variant_field(variant: dict) -> str | None:
    field = variant["properties"]["field"]
    if "const" in field:
        return field["const"]
    names = field.get("enum") or []
    return names[0].split(":", 1)[0] + ":" if names else None


def propose(question: str, schema: dict) -> tuple[dict | None, str, str | None]:
    """(the LLM's validated query or None, its raw text, the validation error)."""
    from engine.chat.llm import get_llm

    raw = get_llm().generate(list(prompt_prefix()) + [{"role": "user", "content": question}], schema, max_tokens=MAX_TOKENS)
    try:
        document = json.loads(raw)
        return parse_query({k: v for k, v in document.items() if k in PROPOSAL_KEYS}).to_dict(), raw, None
    except (json.JSONDecodeError, UsageError, AttributeError) as error:
        return None, raw, f"{type(error).__name__}: {error}"


def explanation_score(query: dict, question: str, vocabulary: dict[str, list[str]], index: PhraseIndex, lexicon: Lexicon) -> tuple[int, int]:
    """(question words the query explains, parts of it that explain no word): one grounding for every candidate."""
    tokens = [t.text for t in tokenize(question)]
    explained: set[int] = set()
    unsupported = 0
    for f in query.get("filters", []):
        hits = _filter_positions(f, tokens, index, lexicon)
        unsupported += not hits
        explained |= hits
    if query.get("count"):
        explained |= _phrase_positions(tokens, lexicon.count_words)
    if query.get("sort", {}).get("field", "relevance") != "relevance":
        hits = _words_positions(tokens, _field_words(query["sort"]["field"])) | {i for i, t in enumerate(tokens) if t in lexicon.sort_direction_words}
        unsupported += not hits
        explained |= hits
    references = [query.get("similar_to")] + [query.get("lineage", {}).get(k) for k in LINEAGE_KEYS]
    models = model_index(vocabulary)
    for name in filter(None, references):
        hits = {i for i, t in enumerate(tokens) if models.get(t.strip("?.,!")) == name}
        unsupported += not hits
        explained |= hits
        explained |= {i for i, t in enumerate(tokens) if t in lexicon.similarity_cues or t in lexicon.lineage_directions
                      or (t,) in lexicon.lineage_relations or t in lexicon.lineage_nouns or (t,) in lexicon.lineage_links}
    content = {i for i, t in enumerate(tokens) if t not in lexicon.stopwords and any(c.isalnum() for c in t)}
    return len(explained & content), unsupported


def _filter_positions(f: dict, tokens: list[str], index: PhraseIndex, lexicon: Lexicon) -> set[int]:
    values = f["value"] if isinstance(f["value"], list) else [f["value"]]
    hits = _words_positions(tokens, _field_words(f["field"]))
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            hits |= _number_positions(tokens, f["field"], value, lexicon)
            continue
        hits |= _words_positions(tokens, {stem(w) for w in str(value).replace("-", " ").replace("_", " ").replace(".", " ").split() if len(w) >= 3})
        for i in range(len(tokens)):
            hit = index.match_at(tokens, i)
            if hit and (f["field"], str(value)) in hit[1]:
                hits |= set(range(i, i + hit[0]))
    if hits and (f["op"] in ("ne", "nin") or (f["op"] == "exists" and f["value"] is False)):
        hits |= _phrase_positions(tokens, lexicon.negators)
    if hits and f["op"] in ("gt", "gte", "lt", "lte"):
        hits |= _phrase_positions(tokens, lexicon.comparisons_before) | _phrase_positions(tokens, lexicon.comparisons_after)
    return hits


def _number_positions(tokens: list[str], field: str, value: float, lexicon: Lexicon) -> set[int]:
    from engine.chat.lexicon import Token

    as_tokens = [Token(t, 0, 0) for t in tokens]
    hits = set()
    for i in range(len(tokens)):
        quantity = read_quantity(as_tokens, i, lexicon)
        if quantity is not None and quantity.date is None and quantity.value_for(field, lexicon) == value:
            hits |= set(range(i, quantity.end))
    return hits


def _field_words(field: str) -> set[str]:
    family = metric_family(field)
    name = field[len(family.prefix):] if family else field
    label = FIELDS[field].label if field in FIELDS else name
    return {stem(w) for w in f"{name.replace('_', ' ').replace('-', ' ')} {label}".split() if len(w) >= 3} - {"model"}


def _words_positions(tokens: list[str], stems: set[str]) -> set[int]:
    return {i for i, t in enumerate(tokens) if len(t) >= 3 and stem(t) in stems}


def _phrase_positions(tokens: list[str], table: dict) -> set[int]:
    found = set()
    for i in range(len(tokens)):
        hit = match(table, tokens, i, longest=4)
        if hit:
            found |= set(range(i, i + hit[0]))
    return found


def number_fields_named(tokens: list[str], lexicon: Lexicon, metrics: list[str]) -> list[str]:
    """Number fields and metric fields the question's words name (so the proposal may compare or sort on them)."""
    named = {value for i in range(len(tokens)) for value in [(match(lexicon.numeric_fields, tokens, i) or (0, None))[1]] if value}
    named |= {f"metric:{m}" for m in metrics if m in tokens} | {f"metric:{v}" for k, v in lexicon.metrics.items() if " ".join(k) in " ".join(tokens)}
    return sorted(n for n in named if n in FIELDS and FIELDS[n].kind == NUMBER or n.startswith("metric:"))

