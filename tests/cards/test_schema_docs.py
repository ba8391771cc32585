"""The card schema and its documentation stay in step: every field of every schema version is documented."""
from __future__ import annotations

import json

import pytest

from engine.cards.schema import available_versions
from engine.paths import SCHEMA_DIR
from tests.conftest import REPO


def schema_fields(schema: dict, prefix: str = "") -> list[str]:
    fields = []
    for name, spec in schema.get("properties", {}).items():
        fields.append(prefix + name)
        nested = spec.get("items", spec) if isinstance(spec, dict) else {}
        if isinstance(nested, dict) and "properties" in nested:
            fields += schema_fields(nested, prefix + name + ".")
    return fields


@pytest.mark.parametrize("version", available_versions())
def test_every_schema_field_is_documented(version):
    schema = json.loads((SCHEMA_DIR / f"modelcard-v{version}.schema.json").read_text())
    docs = (REPO / "docs" / "card-schema.md").read_text()
    undocumented = [field for field in schema_fields(schema) if f"`{field.rsplit('.', 1)[-1]}`" not in docs]
    assert undocumented == []
