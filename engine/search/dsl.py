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


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: str  # how a person says it: "license", "parameters"
    adjective: bool = False  # reads before "models": "approved models", "legal models"


@dataclass(frozen=True)
class Operator:
    name: str
    words: str  # human reading: "license = mit", "parameters < 100M"
    kinds: frozenset[str]
    sql: Callable[[Any, Any], Any]  # (facet accessor, value) -> SQLAlchemy condition
    takes_list: bool = False


class QueryInvalid(InputInvalid, UsageError):
    """A DSL document that cannot be run; each problem names where it is (`filters[1].op`) and what is valid.

    An InputInvalid (located problems) that is also a UsageError, so callers catching either see it.
    """

    title = "Invalid search query"


def _invalid(where: str, message: str) -> QueryInvalid:
    return QueryInvalid([Problem("query", None, None, where, message)])


FIELDS: dict[str, Field] = {f.name: f for f in [
    Field("status", TEXT, "status", adjective=True),
    Field("license", TEXT, "license"),
    Field("task", TEXT, "task", adjective=True),
    Field("domain", TEXT, "domain", adjective=True),
    Field("language", TEXT_LIST, "language"),
    Field("architecture", TEXT, "architecture"),
    Field("parameters", NUMBER, "parameters"),
    Field("context_length", NUMBER, "context length"),
    Field("quantization", TEXT, "quantization"),
    Field("dtype", TEXT, "dtype"),
    Field("base_model", TEXT_LIST, "derived from"),
    Field("relation", TEXT, "relation to its base"),
    Field("dataset", TEXT_LIST, "trained on"),
    Field("owner", TEXT_LIST, "owner"),
    Field("risk_tier", TEXT, "risk tier"),
    Field("created", DATE, "created"),
]}
METRIC_PREFIX = "metric:"
METRIC_NAME = re.compile(r"^[a-z0-9_@.-]{1,64}$")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_NUMBER = 2**63 - 1  # facets are compared as bigint

_ORDERED = frozenset({NUMBER, DATE})
# On a list field (language, dataset, owner, base_model) eq/in/contains hold when some element matches.
OPERATORS: dict[str, Operator] = {o.name: o for o in [
    Operator("eq", "=", frozenset({TEXT, NUMBER, DATE, TEXT_LIST}), lambda facet, v: facet.equals(v)),
    Operator("ne", "≠", frozenset({TEXT, NUMBER, DATE, TEXT_LIST}), lambda facet, v: facet.differs(v)),
    Operator("gt", ">", _ORDERED, lambda facet, v: facet.scalar > v),
    Operator("gte", "≥", _ORDERED, lambda facet, v: facet.scalar >= v),
    Operator("lt", "<", _ORDERED, lambda facet, v: facet.scalar < v),
    Operator("lte", "≤", _ORDERED, lambda facet, v: facet.scalar <= v),
    Operator("in", "in", frozenset({TEXT, NUMBER, TEXT_LIST}), lambda facet, v: facet.any_of(v), takes_list=True),
    Operator("contains", "contains", frozenset({TEXT, TEXT_LIST}), lambda facet, v: facet.has_substring(v)),
]}

SORT_FIELDS = ("relevance", "name", "created", "parameters", "context_length")
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


LINEAGE_KEYS = ("descendant_of", "ancestor_of")
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
    lineage: dict | None = None  # {"descendant_of"|"ancestor_of": model id, "relation": optional}
    similar_to: str | None = None
    sort: dict = field(default_factory=lambda: dict(DEFAULT_SORT))
    limit: int = 20
    offset: int = 0
    all_versions: bool = False  # default: only the latest version of each model
    extra: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        document: dict = {"text": self.text, "filters": [f.to_dict() for f in self.filters]}
        if self.lineage:
            document["lineage"] = dict(self.lineage)
        if self.similar_to:
            document["similar_to"] = self.similar_to
        if self.all_versions:
            document["all_versions"] = True
        return document | {"sort": self.sort, "limit": self.limit, "offset": self.offset}


SearchQuery = Query
QUERY_KEYS = ("text", "filters", "lineage", "similar_to", "sort", "limit", "offset", "all_versions")
RELATIONS = ("finetune", "adapter", "quantized", "merge", "distillation", "conversion")


def field_spec(name: str, where: str = "field") -> Field:
    """The Field for a canonical name, including `metric:<name>` fields."""
    if isinstance(name, str) and name in FIELDS:
        return FIELDS[name]
    if isinstance(name, str) and name.startswith(METRIC_PREFIX) and METRIC_NAME.fullmatch(name[len(METRIC_PREFIX):]):  # fullmatch: `$` also matches before a final newline
        return Field(name, NUMBER, name[len(METRIC_PREFIX):])
    raise _invalid(where, f"unknown field {name!r}; valid fields: {', '.join(FIELDS)}, metric:<name>")


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
    if op.takes_list:
        if not isinstance(value, list) or not value or len(value) > 100:
            raise _invalid(where, f"operator 'in' needs a list of 1 to 100 values for {spec.name!r}")
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
    all_versions = document.get("all_versions", False)
    if not isinstance(all_versions, bool):
        raise _invalid("all_versions", "all_versions must be true or false")
    return Query(text=text.strip(), filters=tuple(parse_filter(f, f"filters[{i}]") for i, f in enumerate(filters)),
                 lineage=_parse_lineage(document.get("lineage")), similar_to=similar_to and similar_to.strip(), sort=sort,
                 limit=limit, offset=offset, all_versions=all_versions)


def _parse_sort(document: Any) -> dict:
    if not document:
        return dict(DEFAULT_SORT)
    if not isinstance(document, dict) or set(document) - {"field", "order"} or document.get("field") not in SORT_FIELDS:
        raise _invalid("sort", f"sort is {{field, order}} with field one of {', '.join(SORT_FIELDS)} and order asc|desc")
    order = document.get("order", "asc" if document["field"] == "name" else "desc")
    if order not in SORT_ORDERS:
        raise _invalid("sort.order", f"unknown sort order {order!r}; valid: asc, desc")
    return {"field": document["field"], "order": order}


def _parse_lineage(document: Any) -> dict | None:
    if not document:
        return None
    keys = [key for key in LINEAGE_KEYS if key in document] if isinstance(document, dict) else []
    extra = set(document) - set(LINEAGE_KEYS) - {"relation"} if isinstance(document, dict) else {"?"}
    if len(keys) != 1 or extra or not isinstance(document[keys[0]], str) or not document[keys[0]].strip() or _has_control(document[keys[0]]):
        raise _invalid("lineage", "lineage is {descendant_of: ID} or {ancestor_of: ID}, optionally with relation")
    relation = document.get("relation")
    if relation is not None and relation not in RELATIONS:
        raise _invalid("lineage.relation", f"unknown relation {relation!r}; valid: {', '.join(RELATIONS)}")
    return {keys[0]: document[keys[0]].strip()} | ({"relation": relation} if relation else {})


def describe(query: Query) -> str:
    """The query as a person would say it: 'approved legal models with accuracy > 0.9, derived from bert'."""
    adjectives = [_value_words(f.value) for f in query.filters if f.spec.adjective and f.op == "eq"]
    clauses = [_clause(f) for f in query.filters if not (f.spec.adjective and f.op == "eq")]
    if query.lineage:
        key = next(k for k in LINEAGE_KEYS if k in query.lineage)
        how = f" by {query.lineage['relation']}" if query.lineage.get("relation") else ""
        clauses.append(f"{'descending from' if key == 'descendant_of' else 'ancestors of'} {query.lineage[key]}{how}")
    if query.similar_to:
        clauses.append(f"behaving like {query.similar_to}")
    if query.text:
        clauses.append(f"matching \"{query.text}\"")
    if query.all_versions:
        clauses.append("in every version")
    head = " ".join(adjectives + ["models"])
    return head + (" " + ", ".join(clauses) if clauses else "")


def _clause(f: Filter) -> str:
    op = OPERATORS[f.op]
    if f.field == "base_model" and f.op == "eq":
        return f"derived from {f.value}"
    if f.field == "dataset" and f.op == "eq":
        return f"trained on {f.value}"
    return f"with {f.spec.label} {op.words} {_value_words(f.value)}"


def _value_words(value: Any) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(_value_words(v) for v in value) + ")"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1000:
        for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= size:
                return f"{value / size:g}{suffix}"
    return str(value)


def query_json_schema(vocabulary: dict[str, list[str]] | None = None) -> dict:
    """JSON Schema of the DSL. With a vocabulary ({field: values in the lake}) text values become enums."""
    vocabulary = vocabulary or {}
    metric_names = vocabulary.get("metric")
    metric_field = {"enum": [METRIC_PREFIX + m for m in metric_names]} if metric_names else {"type": "string", "pattern": f"^{METRIC_PREFIX}[a-z0-9_@.-]+$"}
    fields = [({"const": spec.name}, spec) for spec in FIELDS.values()] + [(metric_field, Field(METRIC_PREFIX, NUMBER, "metric"))]
    filter_variants = []
    for field_schema, spec in fields:
        value_schema = _value_schema(spec, vocabulary.get(spec.name))
        for takes_list in (False, True):
            ops = [name for name, o in OPERATORS.items() if spec.kind in o.kinds and o.takes_list == takes_list]
            if ops:
                items = {"type": "array", "items": value_schema, "minItems": 1, "maxItems": 100} if takes_list else value_schema
                filter_variants.append(_filter_schema(field_schema, ops, items))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Model Lake search query",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "maxLength": 1000},
            "filters": {"type": "array", "maxItems": 20, "items": {"anyOf": filter_variants}},
            "lineage": {
                "type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": {"descendant_of": _model_schema(vocabulary), "ancestor_of": _model_schema(vocabulary),
                               "relation": {"enum": list(RELATIONS)}},
            },
            "similar_to": _model_schema(vocabulary),
            "sort": {"type": "object", "additionalProperties": False, "required": ["field"],
                     "properties": {"field": {"enum": list(SORT_FIELDS)}, "order": {"enum": list(SORT_ORDERS)}}},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            "all_versions": {"type": "boolean"},
        },
    }


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
