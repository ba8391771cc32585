"""Numbers and units as people write them -> the exact DSL value for the field they qualify."""
from __future__ import annotations

import pytest

from engine.chat.numbers import parse_quantity
from engine.errors import UsageError


@pytest.mark.parametrize(("phrase", "field", "value"), [
    ("1B", "parameters", 1_000_000_000),
    ("1.5b", "parameters", 1_500_000_000),
    ("7 billion", "parameters", 7_000_000_000),
    ("two billion", "parameters", 2_000_000_000),
    ("100 million", "parameters", 100_000_000),
    ("100M", "parameters", 100_000_000),
    ("350m", "parameters", 350_000_000),
    ("1,000,000", "parameters", 1_000_000),
    ("8k", "context_length", 8192),
    ("32k", "context_length", 32768),
    ("8k", "parameters", 8000),
    ("4096", "context_length", 4096),
    ("0.9", "metric:accuracy", 0.9),
    ("2025-01-01", "created", "2025-01-01"),
    ("90%", "metric:accuracy", 0.9),
    ("35 percent", "metric:bleu", 0.35),
])
def test_quantities_normalise_to_dsl_values(phrase, field, value):
    assert parse_quantity(phrase, field) == value


@pytest.mark.parametrize("phrase", ["q4", "fp16", "many", "8 apples"])
def test_names_and_words_are_not_quantities(phrase):
    with pytest.raises(UsageError, match="not a number"):
        parse_quantity(phrase, "parameters")
