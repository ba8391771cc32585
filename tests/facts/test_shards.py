"""Sharded safetensors checkpoints whose index and shards disagree: findings, never a crash (huggingface_hub#4725).

What transformers loads is what the index names, so the facts count exactly that, and every disagreement is
an integrity finding that `facts.shards-consistent` fails on.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.cards import card_from_dict
from engine.facts import extract_facts
from engine.governance.review import review_card
from tests.facts.conftest import write_json, write_safetensors
from tests.policy.cards import GOOD_CARD, TODAY

FIRST, SECOND, THIRD = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model-00003-of-00003.safetensors"


def layers(indices, width=8) -> dict[str, np.ndarray]:
    return {f"model.layers.{i}.mlp.weight": np.ones((width, width), np.float16) for i in indices}


@pytest.fixture
def sharded(tmp_path):
    first = layers(range(0, 2)) | {"model.embed_tokens.weight": np.ones((50, 8), np.float16)}
    second = layers(range(2, 4))
    write_safetensors(tmp_path / FIRST, first)
    write_safetensors(tmp_path / SECOND, second)
    weight_map = dict.fromkeys(first, FIRST) | dict.fromkeys(second, SECOND)
    write_json(tmp_path / "model.safetensors.index.json", {"metadata": {"total_size": 0}, "weight_map": weight_map})
    return tmp_path


def index_of(folder):
    return json.loads((folder / "model.safetensors.index.json").read_text())


def integrity(folder) -> list[tuple[str, str]]:
    facts = extract_facts(folder, digest=False).to_dict()
    return sorted((item["kind"], item["tensor"] or item["file"]) for item in facts["integrity"])


def test_a_consistent_index_has_no_findings(sharded):
    facts = extract_facts(sharded, digest=False).to_dict()
    assert facts["integrity"] == [] and facts["parameters"] == 4 * 64 + 400


def test_a_tensor_the_index_names_but_no_shard_holds(sharded):
    index = index_of(sharded)
    index["weight_map"]["model.layers.9.mlp.weight"] = FIRST
    write_json(sharded / "model.safetensors.index.json", index)
    assert integrity(sharded) == [("missing-tensor", "model.layers.9.mlp.weight")]


def test_a_tensor_held_by_two_shards(sharded):
    write_safetensors(sharded / SECOND, layers(range(1, 4)))  # layer 1 is in both shards; the index names the first
    facts = extract_facts(sharded, digest=False).to_dict()
    assert sorted((i["kind"], i["tensor"]) for i in facts["integrity"]) == [("duplicate-tensor", "model.layers.1.mlp.weight")]
    assert FIRST in facts["integrity"][0]["problem"] and SECOND in facts["integrity"][0]["problem"]
    assert facts["parameters"] == 4 * 64 + 400  # counted once, from the shard the index names


def test_a_shard_the_index_does_not_name(sharded):
    write_safetensors(sharded / THIRD, layers(range(4, 6)))  # a leftover shard from an earlier upload
    facts = extract_facts(sharded, digest=False).to_dict()
    assert sorted((i["kind"], i["file"]) for i in facts["integrity"]) == [("unindexed-shard", THIRD)]
    assert facts["parameters"] == 4 * 64 + 400 and facts["layers"] == 4  # the loader never reads it


def test_a_shard_the_index_names_that_is_missing(sharded):
    (sharded / SECOND).unlink()
    facts = extract_facts(sharded, digest=False).to_dict()
    assert [(i["kind"], i["file"]) for i in facts["integrity"]] == [("missing-shard", SECOND)]
    assert "2 tensors" in facts["integrity"][0]["problem"] and facts["layers"] == 2


def test_the_integrity_rule_fails_on_each_finding(sharded):
    index = index_of(sharded)
    index["weight_map"]["model.layers.9.mlp.weight"] = SECOND
    write_json(sharded / "model.safetensors.index.json", index)
    facts = extract_facts(sharded, digest=False).to_dict()
    finding = next(f for f in review_card(card_from_dict(GOOD_CARD, source="card.yaml"), facts, now=TODAY).findings
                   if f.rule_id == "facts.shards-consistent")
    assert finding.outcome == "fail" and "model.layers.9.mlp.weight" in finding.message and SECOND in finding.message
