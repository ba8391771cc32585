"""The two validators of the card schema agree: jsonschema-rs (the fast yes/no) and python-jsonschema (the messages).

If they disagreed, a card the fast one accepts would never reach the other (and the reverse fails closed): so every
kind of string rule in the schema (each pattern, each format, the line and text definitions) is tried on the strings
that separate regex engines (a final newline, control characters, Unicode digits and confusables) and on impossible dates.
"""
from __future__ import annotations

import pytest

from engine.cards.schema import available_versions, fast_validator_for, validator_for

TRICKY = ["x", "x\n", "\nx", "x\r", "x\r\n", "x\t", "x\x00", "x\x1b", "x\x7f", "x\u2028", "x\u0085", "\u0661", "\uff11", "h\u043ebby", "",
          "acme/tiny", "acme/tiny\n", "acme/tiny@1.0", "acme/tiny@1.0\n", "1.0", "1.0\n", "a" * 97, "text-classification", "text-classification\n",
          "a" * 64, "0" * 64 + "\n", "s3://bucket/x", "s3://bucket/x\n", "x@y", "x@y\n", "x @y", "@", "mit", "MIT", "mit\n",
          "2026-01-01", "2026-02-30", "0000-01-01", "2026-1-01", "2026-01-01\n", "\uff12\uff10\uff12\uff16-01-01", "2026-01-01T00:00:00"]
CARD = {"schema_version": "1", "name": "acme/tiny", "version": "1.0", "owners": [{"name": "Jane"}], "license": "mit"}
# one field per kind of string rule -> the card fields that put a text there
FIELDS = {
    "name": lambda t: {"name": t}, "version": lambda t: {"version": t}, "pipeline_tag": lambda t: {"pipeline_tag": t},
    "license": lambda t: {"license": t}, "created": lambda t: {"created": t}, "description": lambda t: {"description": t},
    "base_model": lambda t: {"base_model": t}, "owners[0].email": lambda t: {"owners": [{"name": "Jane", "email": t}]},
    "tags[0]": lambda t: {"tags": [t]}, "artifacts[0].uri": lambda t: {"artifacts": [{"uri": t}]},
    "artifacts[0].sha256": lambda t: {"artifacts": [{"path": "model.safetensors", "sha256": t}]},
    "evaluations[0].metric": lambda t: {"evaluations": [{"metric": t, "value": 0.5}]},
}


@pytest.mark.parametrize("version", available_versions())
def test_fast_and_reporting_validators_agree_on_every_string_rule(version):
    disagreements = []
    for field, put in FIELDS.items():
        for text in TRICKY:
            data = CARD | {"schema_version": version} | put(text)
            fast = fast_validator_for(version).is_valid(data)
            reported = not any(True for _ in validator_for(version).iter_errors(data))
            if fast != reported:
                disagreements.append((field, text, {"jsonschema-rs": fast, "python-jsonschema": reported}))
    assert disagreements == []
