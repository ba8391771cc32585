"""Card builders for lineage tests."""
from __future__ import annotations

from engine.cards import card_from_dict


def lineage_card(name: str, version: str = "1.0", base_model=None, relation: str | None = None, **extra):
    data = {"schema_version": "1", "name": name, "version": version, "owners": [{"name": "Jane"}], "license": "mit", **extra}
    if base_model is not None:
        data["base_model"] = base_model
    if relation is not None:
        data["base_model_relation"] = relation
    return card_from_dict(data, source=f"/nonexistent/{name.replace('/', '_')}-{version}.yaml")
