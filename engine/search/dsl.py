"""The search query DSL: ONE table of fields and ONE of operators.

From these two tables come the validation errors, the JSON Schema (which also constrains the chat LLM's
grammar, with enums of values that exist in the lake), the human description of a query and the
parameterised SQL: each operator's `sql` combines the primitives of a facet accessor (engine/search/compile.py
gives one per field kind), so no operator is written twice and nothing here builds SQL or trusts user text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from engine.errors import InputInvalid, Problem, UsageError

TEXT, NUMBER, DATE, TEXT_LIST = "text", "number", "date", "text_list"


# Where the index reads a field's value (engine/search/index.py): the card, the weights' facts (else the card's
# claim), the latest stored review, the version's status.
CARD, FACT, REVIEW, STATUS = "card", "fact", "review", "status"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: str  # how a person says it: "license", "parameters"
    adjective: bool = False  # reads before "models": "approved models", "legal models"
    source: str = CARD
    outcomes: tuple[str, ...] = ()  # REVIEW fields: the finding outcomes whose rule ids the field lists


# What an operator's value is: one value of the field's kind, a list of them, or true/false.
VALUE, VALUES, BOOLEAN = "value", "values", "boolean"


@dataclass(frozen=True)
class Operator:
    name: str
    words: str  # human reading: "license = mit", "parameters < 100M"
    kinds: frozenset[str]
    sql: Callable[[Any, Any], Any]  # (facet accessor, value) -> SQLAlchemy condition
    takes: str = VALUE

    @property
    def takes_list(self) -> bool:
        return self.takes == VALUES


class QueryInvalid(InputInvalid, UsageError):
    """A DSL document that cannot be run; each problem names where it is (`filters[1].op`) and what is valid.

    An InputInvalid (located problems) that is also a UsageError, so callers catching either see it.
    """

    title = "Invalid search query"


def _invalid(where: str, message: str) -> QueryInvalid:
    return QueryInvalid([Problem("query", None, None, where, message)])


FIELDS: dict[str, Field] = {f.name: f for f in [
    Field("status", TEXT, "status", adjective=True, source=STATUS),
    Field("license", TEXT, "license"),
    Field("task", TEXT, "task", adjective=True),
    Field("domain", TEXT, "domain", adjective=True),
    Field("language", TEXT_LIST, "language"),
    Field("architecture", TEXT, "architecture", source=FACT),
    Field("parameters", NUMBER, "parameters", source=FACT),
    Field("context_length", NUMBER, "context length", source=FACT),
    Field("hidden_size", NUMBER, "hidden size", source=FACT),
    Field("layers", NUMBER, "layers", source=FACT),
    Field("attention_heads", NUMBER, "attention heads", source=FACT),
    Field("kv_heads", NUMBER, "key-value heads", source=FACT),
    Field("vocab_size", NUMBER, "vocabulary size", source=FACT),
    Field("embedding_dim", NUMBER, "embedding dimension", source=FACT),
    Field("max_sequence_length", NUMBER, "max sequence length", source=FACT),
    Field("quantization", TEXT, "quantization", source=FACT),
    Field("dtype", TEXT, "dtype", source=FACT),
    Field("base_model", TEXT_LIST, "derived from"),
    Field("relation", TEXT, "relation to its base"),
    Field("dataset", TEXT_LIST, "trained on"),
    Field("owner", TEXT_LIST, "owner"),
    Field("risk_tier", TEXT, "risk tier"),
    Field("created", DATE, "created"),
    # Findings of the version's latest automated review, by rule id (engine/search/index.py review_facets).
    Field("failed_rule", TEXT_LIST, "failed rule", source=REVIEW, outcomes=("fail", "error")),
    Field("unverified_rule", TEXT_LIST, "unverified rule", source=REVIEW, outcomes=("unverified",)),
    Field("waived_rule", TEXT_LIST, "waived rule", source=REVIEW, outcomes=("waived",)),
]}


@dataclass(frozen=True)
class MetricFamily:
    """Number fields named `<prefix><metric name>`: one per metric the lake's cards evaluate."""

    prefix: str
    facet: str  # the facets key holding {metric name: value}
    label: str  # "accuracy" reads "accuracy", "verified:accuracy" reads "verified accuracy"
    meaning: str


METRIC_PREFIX, VERIFIED_PREFIX = "metric:", "verified:"
METRIC_FAMILIES = {family.prefix: family for family in [
    MetricFamily(METRIC_PREFIX, "metrics", "{}", "the claimed value, unless a rerun contradicted it: then the rerun's observed value"),
    MetricFamily(VERIFIED_PREFIX, "verified", "verified {}", "the rerun-observed value of an evaluation whose rerun agreed with the claim"),
]}
METRIC_NAME = re.compile(r"^[a-z0-9_@.-]{1,64}$")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_NUMBER = 2**63 - 1  # facets are compared as bigint
NUMBER_FIELDS = tuple(name for name, spec in FIELDS.items() if spec.kind == NUMBER)

_ORDERED = frozenset({NUMBER, DATE})
_EVERY_KIND = frozenset({TEXT, NUMBER, DATE, TEXT_LIST})
# On a list field (language, dataset, owner, base_model, *_rule) eq/in/contains hold when some element matches;
# ne and nin hold when no element does.
OPERATORS: dict[str, Operator] = {o.name: o for o in [
    Operator("eq", "=", frozenset({TEXT, NUMBER, DATE, TEXT_LIST}), lambda facet, v: facet.equals(v)),
    Operator("ne", "≠", frozenset({TEXT, NUMBER, DATE, TEXT_LIST}), lambda facet, v: facet.differs(v)),
    Operator("gt", ">", _ORDERED, lambda facet, v: facet.scalar > v),
    Operator("gte", "≥", _ORDERED, lambda facet, v: facet.scalar >= v),
    Operator("lt", "<", _ORDERED, lambda facet, v: facet.scalar < v),
    Operator("lte", "≤", _ORDERED, lambda facet, v: facet.scalar <= v),
    Operator("in", "in", frozenset({TEXT, NUMBER, TEXT_LIST}), lambda facet, v: facet.any_of(v), takes=VALUES),
    Operator("nin", "not in", frozenset({TEXT, NUMBER, TEXT_LIST}), lambda facet, v: facet.none_of(v), takes=VALUES),
    Operator("contains", "contains", frozenset({TEXT, TEXT_LIST}), lambda facet, v: facet.has_substring(v)),
    Operator("exists", "exists", _EVERY_KIND, lambda facet, v: facet.present if v else ~facet.present, takes=BOOLEAN),
]}

# Besides these, every number field and every `metric:<m>` / `verified:<m>` field sorts.
SORT_FIELDS = ("relevance", "name", "created")
SORT_ORDERS = ("asc", "desc")
DEFAULT_SORT = {"field": "relevance", "order": "desc"}

# Spellings people use for one value; applied to query values and to indexed facets alike.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "dtype": {"float16": "f16", "fp16": "f16", "half": "f16", "float32": "f32", "fp32": "f32", "float": "f32",
              "bfloat16": "bf16", "float64": "f64", "fp64": "f64", "int8": "i8", "uint8": "u8", "int4": "i4",
              "float8_e4m3": "f8_e4m3", "float8_e5m2": "f8_e5m2"},
    "status": {"submitted": "pending", "pending review": "pending", "needs_human_review": "pending", "needs changes": "changes_requested"},
}


def normalize_value(field_name: str, value: str) -> str:
    """Canonical lowercase spelling of a text value for a field ('float16' and 'F16' are one dtype)."""
    lowered = value.strip().lower()
    return VALUE_ALIASES.get(field_name, {}).get(lowered, lowered)


LINEAGE_KEYS = ("descendant_of", "ancestor_of", "sibling_of")
LINEAGE_OPTIONS = ("relation", "depth")
MAX_LINEAGE_DEPTH = 64
MAX_LIMIT = 100
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: Any

    @property
    def spec(self) -> Field:
        return field_spec(self.field)

    def to_dict(self) -> dict:
        return {"field": self.field, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class Query:
    text: str = ""
    filters: tuple[Filter, ...] = ()
    lineage: dict | None = None  # {"descendant_of"|"ancestor_of"|"sibling_of": model id, "relation"?, "depth"?}
    similar_to: str | None = None
    sort: dict = field(default_factory=lambda: dict(DEFAULT_SORT))
    limit: int = 20
    offset: int = 0
    all_versions: bool = False  # default: only the latest version of each model
    count: bool = False  # the question asks "how many": the answer states the total

    def to_dict(self) -> dict:
        document: dict = {"text": self.text, "filters": [f.to_dict() for f in self.filters]}
        if self.lineage:
            document["lineage"] = dict(self.lineage)
        if self.similar_to:
            document["similar_to"] = self.similar_to
        if self.all_versions:
            document["all_versions"] = True
        if self.count:
            document["count"] = True
        return document | {"sort": self.sort, "limit": self.limit, "offset": self.offset}


SearchQuery = Query
QUERY_KEYS = ("text", "filters", "lineage", "similar_to", "sort", "limit", "offset", "all_versions", "count")
RELATIONS = ("finetune", "adapter", "quantized", "merge", "distillation", "conversion")


def field_spec(name: str, where: str = "field") -> Field:
    """The Field for a canonical name, including `metric:<name>` and `verified:<name>` fields."""
    if isinstance(name, str) and name in FIELDS:
        return FIELDS[name]
    family = metric_family(name)
    if family is not None:
        return Field(name, NUMBER, family.label.format(name[len(family.prefix):]))
    raise _invalid(where, f"unknown field {name!r}; valid fields: {', '.join(FIELDS)}, {', '.join(p + '<name>' for p in METRIC_FAMILIES)}")


def metric_family(name: object) -> MetricFamily | None:
    """The family of a `metric:<m>` / `verified:<m>` field name, or None."""
    if not isinstance(name, str):
        return None
    return next((family for prefix, family in METRIC_FAMILIES.items()
                 if name.startswith(prefix) and METRIC_NAME.fullmatch(name[len(prefix):])), None)  # fullmatch: `$` also matches before a final newline


def parse_filter(document: Any, where: str = "filters[0]") -> Filter:
    """{field, op, value} -> Filter, with an error naming what is wrong and what is valid."""
    if not isinstance(document, dict) or set(document) != {"field", "op", "value"}:
        raise _invalid(where, f"a filter is {{field, op, value}}, got {document!r}")
    spec = field_spec(document["field"], f"{where}.field")
    op = OPERATORS.get(document["op"]) if isinstance(document["op"], str) else None
    if op is None:
        raise _invalid(f"{where}.op", f"unknown operator {document['op']!r}; valid operators: {', '.join(OPERATORS)}")
    if spec.kind not in op.kinds:
        valid = [name for name, o in OPERATORS.items() if spec.kind in o.kinds]
        raise _invalid(f"{where}.op", f"operator {op.name!r} does not apply to {spec.name!r}; use one of: {', '.join(valid)}")
    return Filter(spec.name, op.name, _coerce(spec, op, document["value"], f"{where}.value"))


def _coerce(spec: Field, op: Operator, value: Any, where: str) -> Any:
    if op.takes == BOOLEAN:
        if not isinstance(value, bool):
            raise _invalid(where, f"operator {op.name!r} needs true or false, got {value!r}")
        return value
    if op.takes == VALUES:
        if not isinstance(value, list) or not value or len(value) > 100:
            raise _invalid(where, f"operator {op.name!r} needs a list of 1 to 100 values for {spec.name!r}")
        return [_coerce_one(spec, item, f"{where}[{i}]") for i, item in enumerate(value)]
    return _coerce_one(spec, value, where)


def _coerce_one(spec: Field, value: Any, where: str) -> Any:
    if spec.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or not abs(value) <= MAX_NUMBER:
            raise _invalid(where, f"{spec.name!r} needs a number, got {_shown(value)} (numbers within +-{MAX_NUMBER:,})")
        return value
    if spec.kind == DATE:
        if not isinstance(value, str) or not _DATE.fullmatch(value) or not _is_calendar_date(value):
            raise _invalid(where, f"{spec.name!r} needs a date YYYY-MM-DD that is on the calendar, got {_shown(value)}")
        return value
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value).strip() == "" or len(str(value)) > 200 \
            or _has_control(str(value)):
        raise _invalid(where, f"{spec.name!r} needs a text value of 1 to 200 characters without control characters, got {_shown(value)}")
    return normalize_value(spec.name, str(value))


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 200 else f"an integer of {value.bit_length()} bits"
    return text if len(text) <= 80 else text[:77] + "..."


def _is_calendar_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _has_control(text: str, allowed: str = "") -> bool:
    """A control character (NUL, escape, newline, ...) other than `allowed`: no query value needs one, and NUL cannot reach SQL."""
    return any((char < " " or char == "\x7f") and char not in allowed for char in text)


def parse_query(document: Any) -> Query:
    """Validate a DSL document (as sent by a script, the API or the chat LLM) into a Query."""
    if isinstance(document, Query):
        return document
    if not isinstance(document, dict):
        raise _invalid("", "a query is a JSON object")
    unknown = set(document) - set(QUERY_KEYS)
    if unknown:
        raise _invalid("", f"unknown query keys: {', '.join(sorted(map(str, unknown)))}; valid: {', '.join(QUERY_KEYS)}")
    text = document.get("text") or ""
    if not isinstance(text, str) or len(text) > 1000 or _has_control(text, "\t\n\r"):
        raise _invalid("text", "text must be a string of at most 1000 characters, without control characters")
    filters = document.get("filters") or []
    if not isinstance(filters, list) or len(filters) > 20:
        raise _invalid("filters", "filters must be a list of at most 20 {field, op, value} objects")
    sort = _parse_sort(document.get("sort"))
    limit, offset = document.get("limit", 20), document.get("offset", 0)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise _invalid("limit", f"limit must be an integer 1..{MAX_LIMIT}, got {limit!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise _invalid("offset", f"offset must be an integer 0..{MAX_OFFSET}, got {offset!r}")
    similar_to = document.get("similar_to")
    if similar_to is not None and (not isinstance(similar_to, str) or not similar_to.strip() or _has_control(similar_to)):
        raise _invalid("similar_to", "similar_to must be a model reference NAME[@VERSION]")
    flags = {}
    for key in ("all_versions", "count"):
        flags[key] = document.get(key, False)
        if not isinstance(flags[key], bool):
            raise _invalid(key, f"{key} must be true or false")
    return Query(text=text.strip(), filters=tuple(parse_filter(f, f"filters[{i}]") for i, f in enumerate(filters)),
                 lineage=_parse_lineage(document.get("lineage")), similar_to=similar_to and similar_to.strip(), sort=sort,
                 limit=limit, offset=offset, **flags)


def sortable(name: object) -> bool:
    return name in SORT_FIELDS or name in NUMBER_FIELDS or metric_family(name) is not None


def _parse_sort(document: Any) -> dict:
    if not document:
        return dict(DEFAULT_SORT)
    if not isinstance(document, dict) or set(document) - {"field", "order"} or not sortable(document.get("field")):
        raise _invalid("sort", f"sort is {{field, order}} with field one of {', '.join(SORT_FIELDS + NUMBER_FIELDS)}, "
                               f"{', '.join(p + '<name>' for p in METRIC_FAMILIES)} and order asc|desc")
    order = document.get("order", "asc" if document["field"] == "name" else "desc")
    if order not in SORT_ORDERS:
        raise _invalid("sort.order", f"unknown sort order {order!r}; valid: asc, desc")
    return {"field": document["field"], "order": order}


def _parse_lineage(document: Any) -> dict | None:
    if not document:
        return None
    keys = [key for key in LINEAGE_KEYS if key in document] if isinstance(document, dict) else []
    extra = set(document) - set(LINEAGE_KEYS) - set(LINEAGE_OPTIONS) if isinstance(document, dict) else {"?"}
    if len(keys) != 1 or extra or not isinstance(document[keys[0]], str) or not document[keys[0]].strip() or _has_control(document[keys[0]]):
        raise _invalid("lineage", "lineage is {descendant_of: ID}, {ancestor_of: ID} or {sibling_of: ID}, optionally with relation and depth")
    relation, depth = document.get("relation"), document.get("depth")
    if relation is not None and relation not in RELATIONS:
        raise _invalid("lineage.relation", f"unknown relation {relation!r}; valid: {', '.join(RELATIONS)}")
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_LINEAGE_DEPTH):
        raise _invalid("lineage.depth", f"depth must be an integer 1..{MAX_LINEAGE_DEPTH} (1: direct parents or children only), got {depth!r}")
    if depth not in (None, 1) and keys[0] == "sibling_of":
        raise _invalid("lineage.depth", "siblings share a direct parent: depth is 1 or absent for sibling_of")
    return {keys[0]: document[keys[0]].strip()} | ({"relation": relation} if relation else {}) | ({"depth": depth} if depth else {})


LINEAGE_WORDS = {"descendant_of": "descending from", "ancestor_of": "ancestors of", "sibling_of": "siblings of"}


def describe(query: Query) -> str:
    """The query as a person would say it: 'approved legal models with accuracy > 0.9, derived from bert'."""
    adjectives = [value_words(f.value) for f in query.filters if f.spec.adjective and f.op == "eq"]
    clauses = [_clause(f) for f in query.filters if not (f.spec.adjective and f.op == "eq")]
    if query.lineage:
        clauses.append(lineage_words(query.lineage))
    if query.similar_to:
        clauses.append(f"behaving like {query.similar_to}")
    if query.text:
        clauses.append(f"matching \"{query.text}\"")
    if query.all_versions:
        clauses.append("in every version")
    if query.sort["field"] != "relevance":
        clauses.append(sort_words(query.sort["field"], query.sort["order"] == "desc"))
    head = ("how many " if query.count else "") + " ".join(adjectives + ["models"])
    return head + (" " + ", ".join(clauses) if clauses else "")


def lineage_words(lineage: dict) -> str:
    """'descending from bert by finetune (direct only)'."""
    key = next(k for k in LINEAGE_KEYS if k in lineage)
    how = f" by {lineage['relation']}" if lineage.get("relation") else ""
    depth = lineage.get("depth")
    reach = "" if not depth or key == "sibling_of" else " (direct only)" if depth == 1 else f" (within {depth} generations)"
    return f"{LINEAGE_WORDS[key]} {lineage[key]}{how}{reach}"


def sort_words(field_name: str, descending: bool) -> str:
    if field_name == "name":
        return f"by name, {'z to a' if descending else 'a to z'}"
    if field_name == "created":
        return "newest first" if descending else "oldest first"
    return f"by {field_spec(field_name).label}, {'highest' if descending else 'lowest'} first"


def _clause(f: Filter) -> str:
    op = OPERATORS[f.op]
    if f.op == "exists":
        return f"{'with' if f.value else 'without'} a {f.spec.label}"
    if f.field == "base_model" and f.op == "eq":
        return f"derived from {f.value}"
    if f.field == "dataset" and f.op == "eq":
        return f"trained on {f.value}"
    return f"with {f.spec.label} {op.words} {value_words(f.value)}"


def value_words(value: Any) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(value_words(v) for v in value) + ")"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1000:
        for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= size:
                return f"{value / size:g}{suffix}"
    return str(value)


def query_json_schema(vocabulary: dict[str, list[str]] | None = None) -> dict:
    """JSON Schema of the DSL. With a vocabulary ({field: values in the lake}) text values become enums."""
    vocabulary = vocabulary or {}
    fields = [({"const": spec.name}, spec) for spec in FIELDS.values()] + [
        (_metric_field_schema(family, vocabulary.get("metric")), Field(family.prefix, NUMBER, family.label)) for family in METRIC_FAMILIES.values()]
    filter_variants = []
    for field_schema, spec in fields:
        value_schema = _value_schema(spec, vocabulary.get(spec.name))
        for takes, schema in ((VALUE, value_schema), (VALUES, {"type": "array", "items": value_schema, "minItems": 1, "maxItems": 100}),
                              (BOOLEAN, {"type": "boolean"})):
            ops = [name for name, o in OPERATORS.items() if spec.kind in o.kinds and o.takes == takes]
            if ops:
                filter_variants.append(_filter_schema(field_schema, ops, schema))
    metric_sorts = [_metric_field_schema(family, vocabulary.get("metric")) for family in METRIC_FAMILIES.values()]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Model Lake search query",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "maxLength": 1000},
            "filters": {"type": "array", "maxItems": 20, "items": {"anyOf": filter_variants}},
            "lineage": _lineage_schema(vocabulary),
            "similar_to": _model_schema(vocabulary),
            "sort": {"type": "object", "additionalProperties": False, "required": ["field"],
                     "properties": {"field": {"anyOf": [{"enum": list(SORT_FIELDS + NUMBER_FIELDS)}, *metric_sorts]},
                                    "order": {"enum": list(SORT_ORDERS)}}},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            "all_versions": {"type": "boolean"},
            "count": {"type": "boolean"},
        },
    }


def _lineage_schema(vocabulary: dict[str, list[str]]) -> dict:
    options = {"relation": {"enum": list(RELATIONS)}, "depth": {"type": "integer", "minimum": 1, "maximum": MAX_LINEAGE_DEPTH}}
    return {"oneOf": [{"type": "object", "additionalProperties": False, "required": [key],
                       "properties": {key: _model_schema(vocabulary), **options}} for key in LINEAGE_KEYS]}


def _metric_field_schema(family: MetricFamily, metric_names: list[str] | None) -> dict:
    if metric_names:
        return {"enum": [family.prefix + m for m in metric_names]}
    return {"type": "string", "pattern": f"^{family.prefix}[a-z0-9_@.-]+$"}


def _model_schema(vocabulary: dict[str, list[str]]) -> dict:
    models = vocabulary.get("model")
    return {"enum": sorted(models)} if models else {"type": "string", "minLength": 1}


def _value_schema(spec: Field, values: list[str] | None) -> dict:
    if spec.kind == NUMBER:
        return {"type": "number"}
    if spec.kind == DATE:
        return {"type": "string", "format": "date"}
    return {"enum": sorted(values)} if values else {"type": "string", "minLength": 1}


def _filter_schema(field_schema: dict, ops: list[str], value_schema: dict) -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["field", "op", "value"],
            "properties": {"field": field_schema, "op": {"enum": ops}, "value": value_schema}}
