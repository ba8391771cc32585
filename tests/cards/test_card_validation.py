"""Every class of bad card gets its precise, located message; all problems are reported at once."""
from __future__ import annotations

import pytest

from engine.cards import YamlLimits, load_card
from engine.errors import CardInvalid

VALID = """\
schema_version: "1"
name: acme/tiny
version: "1.0"
owners:
  - name: Jane Doe
license: mit
"""


def write(tmp_path, content: str | bytes, name: str = "card.yaml"):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


Q = " (YAML reads unquoted numbers as numbers (1.10 becomes 1.1): quote the value)"


def problems_of(path, limits: YamlLimits = YamlLimits()) -> list[str]:
    with pytest.raises(CardInvalid) as caught:
        load_card(path, limits)
    return [str(p).removeprefix(str(path)) for p in caught.value.problems]


def test_valid_card_loads_with_positions(tmp_path):
    card = load_card(write(tmp_path, VALID))
    assert (card.name, card.version, card.ref) == ("acme/tiny", "1.0", "acme/tiny@1.0")
    assert card.locate(("owners", 0, "name")) == (5, 11)
    assert card.locate(("license",)) == (6, 10)
    assert card.locate(("owners", 0, "email")) == (5, 5)  # absent: falls back to its parent


def test_example_card_in_repo_is_valid():
    from tests.conftest import REPO

    card = load_card(REPO / "model_cards" / "acme-contract-summarizer.yaml")
    assert card.data["created"] == "2026-05-01"  # YAML dates become ISO strings, as stored
    assert card.data["evaluations"][0]["value"] == 0.41


@pytest.mark.parametrize(
    ("case", "content", "expected"),
    [
        ("wrong type", VALID + "evaluations:\n  - metric: accuracy\n    value: high\n",
         [":9:12 evaluations[0].value: 'high' is not of type 'number'"]),
        ("missing required field", VALID.replace("license: mit\n", ""),
         [":1:1 card: 'license' is a required property"]),
        ("unknown relation", VALID + "base_model: org/parent\nbase_model_relation: copy\n",
         [":8:22 base_model_relation: 'copy' is not one of ['finetune', 'adapter', 'quantized', 'merge', 'distillation', 'conversion']"]),
        ("bad SPDX id", VALID.replace("license: mit", "license: mit-ish"),
         [":6:10 license: 'mit-ish' is not an SPDX license id or a Hugging Face license id (use 'other' with license_name and license_link)"]),
        ("other license without name", VALID.replace("license: mit", "license: other"),
         [":1:1 card: 'license_name' is a required property", ":1:1 card: 'license_link' is a required property"]),
        ("version not a string", VALID.replace('version: "1.0"', "version: 1.0"),
         [":3:10 version: 1.0 is not of type 'string'" + Q]),
        ("unknown top-level key", VALID + "licence: mit\n",
         [":7:10 licence: Additional properties are not allowed ('licence' was unexpected)"]),
        ("duplicate key", VALID + "license: apache-2.0\n",
         [":7:1 license: duplicate key (first defined on line 6)"]),
        ("unknown schema version", VALID.replace('schema_version: "1"', 'schema_version: "9"'),
         [":1:17 schema_version: unknown schema_version '9'; known: '1'"]),
        ("not a mapping", "- just\n- a list\n",
         [":1:1 card: a card is a mapping of fields, not list"]),
        ("YAML syntax error", VALID + "tags: [unclosed\n",
         [":8:1 YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'"]),
        ("several errors at once", VALID.replace('version: "1.0"', "version: 2").replace("license: mit", "license: nope"),
         [":3:10 version: 2 is not of type 'string'" + Q,
          ":6:10 license: 'nope' is not an SPDX license id or a Hugging Face license id (use 'other' with license_name and license_link)"]),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_invalid_card_messages(tmp_path, case, content, expected):
    assert problems_of(write(tmp_path, content)) == expected


def test_alias_bomb_is_refused_without_expanding(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    [message] = problems_of(write(tmp_path, bomb))
    assert message.endswith("document expands to more than 100,000 nodes (alias bomb?)")


def test_deep_nesting_is_refused(tmp_path):
    [message] = problems_of(write(tmp_path, "a: " + "[" * 100 + "]" * 100 + "\n"))
    assert message.endswith("nesting deeper than 64 levels")


def test_50_mb_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert problems_of(path) == [" file is 52,428,800 bytes; the limit is 1,000,000 bytes"]


def test_binary_file_is_refused(tmp_path):
    assert problems_of(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")) == [":3:1 binary file: NUL byte found; a card is UTF-8 YAML text"]


def test_non_utf8_bytes_are_located(tmp_path):
    assert problems_of(write(tmp_path, VALID.encode() + b"description: caf\xe9\n")) == [":7:17 not valid UTF-8: byte 0xe9 cannot be decoded"]


def test_empty_file(tmp_path):
    assert problems_of(write(tmp_path, "")) == [":1:1 empty document"]
