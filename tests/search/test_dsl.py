"""The DSL tables: validation errors name the place and the valid choices, the JSON Schema, the docs."""
from __future__ import annotations

import jsonschema
import pytest

from engine.errors import InputInvalid, UsageError
from engine.search.dsl import BOOLEAN, DATE, FIELDS, NUMBER, OPERATORS, TEXT, TEXT_LIST, VALUES, QueryInvalid, describe, parse_query, query_json_schema
from tests.conftest import REPO

EXAMPLE = {TEXT: "mit", TEXT_LIST: "en", NUMBER: 5, DATE: "2026-01-01"}


@pytest.mark.parametrize("field", [*FIELDS, "metric:accuracy", "verified:accuracy"])
@pytest.mark.parametrize("op", list(OPERATORS))
def test_every_field_operator_pair_is_accepted_or_refused_by_the_table(field, op):
    kind = FIELDS[field].kind if field in FIELDS else NUMBER
    takes = OPERATORS[op].takes
    value = [EXAMPLE[kind]] if takes == VALUES else False if takes == BOOLEAN else EXAMPLE[kind]
    document = {"filters": [{"field": field, "op": op, "value": value}]}
    if kind in OPERATORS[op].kinds:
        assert parse_query(document).filters[0].to_dict() == {"field": field, "op": op, "value": value}
        jsonschema.validate(document, query_json_schema())
    else:
        with pytest.raises(QueryInvalid, match=rf"filters\[0\].op: operator '{op}' does not apply to '{field}'; use one of: "):
            parse_query(document)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document, query_json_schema())


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"filters": [{"field": "colour", "op": "eq", "value": "red"}]},
         "query filters[0].field: unknown field 'colour'; valid fields: " + ", ".join(FIELDS) + ", metric:<name>, verified:<name>"),
        ({"filters": [{"field": "license", "op": "like", "value": "m"}]},
         "query filters[0].op: unknown operator 'like'; valid operators: eq, ne, gt, gte, lt, lte, in, nin, contains, exists"),
        ({"filters": [{"field": "license", "op": "exists", "value": "yes"}]}, "filters[0].value: operator 'exists' needs true or false, got 'yes'"),
        ({"filters": [{"field": "license", "op": "nin", "value": "mit"}]}, "operator 'nin' needs a list of 1 to 100 values for 'license'"),
        ({"filters": [{"field": "failed_rule", "op": "gt", "value": "x"}]}, "operator 'gt' does not apply to 'failed_rule'"),
        ({"filters": [{"field": "parameters", "op": "gt", "value": "big"}]}, "query filters[0].value: 'parameters' needs a number, got 'big'"),
        ({"filters": [{"field": "created", "op": "gt", "value": "yesterday"}]}, "'created' needs a date YYYY-MM-DD"),
        ({"filters": [{"field": "license", "op": "in", "value": []}]}, "operator 'in' needs a list of 1 to 100 values"),
        ({"filters": [{"field": "license", "op": "eq"}]}, "a filter is {field, op, value}"),
        ({"where": "1=1"}, "unknown query keys: where; valid: text, filters, lineage, similar_to, sort, limit, offset, all_versions, count"),
        ({"limit": 0}, "limit must be an integer 1..100"),
        ({"sort": {"field": "score"}}, "sort is {field, order} with field one of relevance, name, created, parameters, context_length, "
                                       "hidden_size, layers"),
        ({"sort": {"field": "license"}}, "metric:<name>, verified:<name> and order asc|desc"),
        ({"lineage": {"descendant_of": "a", "ancestor_of": "b"}}, "lineage is {descendant_of: ID}, {ancestor_of: ID} or {sibling_of: ID}"),
        ({"lineage": {"descendant_of": "a", "relation": "cousin"}}, "unknown relation 'cousin'; valid: finetune, adapter"),
        ({"lineage": {"descendant_of": "a", "depth": 0}}, "lineage.depth: depth must be an integer 1..64"),
        ({"lineage": {"sibling_of": "a", "depth": 2}}, "siblings share a direct parent: depth is 1 or absent"),
        ({"all_versions": "yes"}, "all_versions must be true or false"),
        ({"count": 1}, "count must be true or false"),
    ],
)
def test_invalid_queries_name_the_problem_and_the_valid_choices(document, message):
    with pytest.raises(QueryInvalid) as caught:
        parse_query(document)
    assert message in str(caught.value)
    assert isinstance(caught.value, InputInvalid) and isinstance(caught.value, UsageError)


def test_values_are_normalised_like_the_index():
    query = parse_query({"filters": [{"field": "dtype", "op": "in", "value": ["float16", "BF16"]}, {"field": "license", "op": "eq", "value": " MIT "}]})
    assert [f.value for f in query.filters] == [["f16", "bf16"], "mit"]


def test_description_reads_like_a_sentence():
    query = parse_query({"text": "contracts", "filters": [{"field": "status", "op": "eq", "value": "approved"},
                                                            {"field": "metric:accuracy", "op": "gt", "value": 0.9},
                                                            {"field": "parameters", "op": "lt", "value": 100_000_000},
                                                            {"field": "base_model", "op": "eq", "value": "bert-base-uncased"}],
                         "lineage": {"descendant_of": "bert", "relation": "finetune"}, "all_versions": True})
    assert describe(query) == ('approved models with accuracy > 0.9, with parameters < 100M, derived from bert-base-uncased, '
                               'descending from bert by finetune, matching "contracts", in every version')


def test_description_of_the_new_parts():
    query = parse_query({"filters": [{"field": "failed_rule", "op": "eq", "value": "claims.parameters"},
                                     {"field": "license", "op": "nin", "value": ["mit", "gpl-3.0"]},
                                     {"field": "hidden_size", "op": "exists", "value": True},
                                     {"field": "verified:spearman", "op": "gte", "value": 0.9}],
                         "lineage": {"ancestor_of": "a/b", "relation": "finetune", "depth": 1},
                         "sort": {"field": "metric:accuracy", "order": "desc"}, "count": True})
    assert describe(query) == ("how many models with failed rule = claims.parameters, with license not in (mit, gpl-3.0), with a hidden size, "
                               "with verified spearman ≥ 0.9, ancestors of a/b by finetune (direct only), by accuracy, highest first")
    assert parse_query(query.to_dict()) == query


@pytest.mark.parametrize("field", ["parameters", "hidden_size", "max_sequence_length", "metric:accuracy", "verified:f1", "created", "name"])
def test_sort_takes_every_number_field_and_metrics(field):
    document = {"sort": {"field": field, "order": "asc"}}
    assert parse_query(document).sort == {"field": field, "order": "asc"}
    jsonschema.validate(document, query_json_schema())


def test_schema_with_vocabulary_turns_text_values_into_enums():
    schema = query_json_schema({"license": ["mit", "apache-2.0"], "model": ["acme/a"], "metric": ["accuracy"]})
    good = {"filters": [{"field": "license", "op": "eq", "value": "mit"}, {"field": "metric:accuracy", "op": "gte", "value": 0.5}],
            "similar_to": "acme/a", "all_versions": True}
    jsonschema.validate(good, schema)
    for bad in ({"filters": [{"field": "license", "op": "eq", "value": "wtfpl"}]}, {"filters": [{"field": "metric:f1", "op": "gt", "value": 1}]},
                {"similar_to": "someone/else"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_every_field_and_operator_is_documented():
    doc = (REPO / "docs" / "search.md").read_text()
    missing = [f"`{name}`" for name in [*FIELDS, *OPERATORS, "metric:<name>", "verified:<name>", "count", "sibling_of", "depth"]
               if f"| `{name}` |" not in doc]
    assert missing == []
