"""Facts the tensors prove, per architecture family, compared with config.json; the tensors win.

Cases are real checkpoints' configs and tensor tables (tests/facts/architecture_cases.py), written header-only.
"""
from __future__ import annotations

import json

import pytest

from engine.cards import card_from_dict
from engine.facts import extract_facts
from engine.governance.review import review_card
from tests.facts.architecture_cases import CONFIGS, EXPECTED, LIES, NOT_PROVABLE, write_case
from tests.facts.gguf_files import LLAMA_CONFIG, llama_weights, write_gguf
from tests.policy.cards import GOOD_CARD, TODAY

NOT_PROVABLE_NOTE = "not provable from tensors"


def config_value(config: dict, fact: str):
    from engine.facts.configs import CONFIG_KEYS

    for scope in (config, config.get("text_config") or {}):
        for key in CONFIG_KEYS[fact]:
            if scope.get(key) is not None:
                return scope[key]
    return None


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_the_tensors_prove_the_published_architecture(tmp_path, case):
    facts = extract_facts(write_case(tmp_path / case, case), digest=False).to_dict()
    assert {fact: facts[fact] for fact in EXPECTED[case]} == EXPECTED[case]
    for fact in EXPECTED[case]:
        assert not facts["sources"][fact].startswith("config.json"), (fact, facts["sources"][fact])
    for fact in NOT_PROVABLE[case]:
        assert facts[fact] == config_value(CONFIGS[case], fact)
        assert NOT_PROVABLE_NOTE in facts["sources"][fact], (fact, facts["sources"][fact])
    assert facts["conflicts"] == []


@pytest.mark.parametrize(("case", "edits", "expected"), LIES, ids=[f"{case}-{'-'.join(sorted(edits))}" for case, edits, _ in LIES])
def test_a_config_that_disagrees_with_the_tensors_is_reported_and_loses(tmp_path, case, edits, expected):
    facts = extract_facts(write_case(tmp_path / case, case, edits), digest=False).to_dict()
    found = sorted((c["fact"], c["config"], c["tensors"]) for c in facts["conflicts"])
    assert found == sorted(expected)
    for conflict in facts["conflicts"]:
        assert conflict["config_source"].startswith("config.json") and not conflict["tensors_source"].startswith("config.json")
        assert facts[conflict["fact"]] == conflict["tensors"]
        assert str(conflict["config"]).lower() in conflict["config_says"].lower() and conflict["config_source"] in conflict["config_says"]
        assert conflict["tensors_source"] in conflict["tensors_say"]


def test_a_lying_config_and_a_matching_card_no_longer_pass(tmp_path):
    """The issue's attack: config.json and the card both claim 32 layers and 32 KV heads; the weights have 16 and 8."""
    folder = write_case(tmp_path / "llama", "llama-3.2-1b", {"num_hidden_layers": 32, "num_key_value_heads": 32})
    facts = extract_facts(folder, digest=False).to_dict()
    card = card_from_dict(dict(GOOD_CARD, claims={"architecture": "llama", "layers": 32, "kv_heads": 32}), source="card.yaml")
    review = review_card(card, facts, now=TODAY)
    outcomes = {f.rule_id: f for f in review.findings}
    assert {rule: outcomes[rule].outcome for rule in ("claims.layers", "claims.kv-heads", "facts.config-matches-tensors")} == dict.fromkeys(
        ("claims.layers", "claims.kv-heads", "facts.config-matches-tensors"), "fail")
    assert outcomes["claims.layers"].message == "The card claims 32 layers; the weights have 16"
    message = outcomes["facts.config-matches-tensors"].message
    assert "config.json:num_hidden_layers" in message and "32" in message and "16" in message and "model.layers" in message
    assert review.exit_code("high") == 1


def test_minilm_facts_come_from_its_tensors(minilm_dir):
    facts = extract_facts(minilm_dir, digest=False).to_dict()
    assert {k: facts[k] for k in ("layers", "hidden_size", "intermediate_size", "vocab_size", "context_length", "kv_heads", "attention_heads")} == {
        "layers": 6, "hidden_size": 384, "intermediate_size": 1536, "vocab_size": 30522, "context_length": 512, "kv_heads": 12, "attention_heads": 12}
    assert facts["sources"]["layers"].startswith("tensor names")
    assert NOT_PROVABLE_NOTE in facts["sources"]["attention_heads"] and facts["conflicts"] == []


def test_smollm_gguf_header_agrees_with_its_tensors(smollm_gguf):
    facts = extract_facts(smollm_gguf, digest=False).to_dict()
    assert {k: facts[k] for k in ("layers", "hidden_size", "intermediate_size", "kv_heads", "vocab_size", "tied_embeddings")} == {
        "layers": 30, "hidden_size": 576, "intermediate_size": 1536, "kv_heads": 3, "vocab_size": 49152, "tied_embeddings": True}
    assert facts["conflicts"] == []
    assert facts["sources"]["kv_heads"].startswith("blk.0.attn_k.weight")
    assert NOT_PROVABLE_NOTE in facts["sources"]["attention_heads"]


def test_a_gguf_header_that_disagrees_with_its_tensors(tmp_path):
    path = write_gguf(tmp_path / "liar.gguf", llama_weights(), LLAMA_CONFIG, header_edits={"block_count": 4, "head_count_kv": 4,
                                                                                           "feed_forward_length": 512})
    facts = extract_facts(path, digest=False).to_dict()
    found = sorted((c["fact"], c["config"], c["tensors"]) for c in facts["conflicts"])
    assert found == [("intermediate_size", 512, 256), ("kv_heads", 4, 2), ("layers", 4, 2)]
    assert all(c["config_source"].startswith("liar.gguf:llama.") for c in facts["conflicts"])
    assert (facts["layers"], facts["kv_heads"]) == (2, 2)


def test_no_config_still_gives_the_proven_facts(tmp_path):
    folder = write_case(tmp_path / "bare", "qwen2.5-0.5b")
    (folder / "config.json").unlink()
    facts = extract_facts(folder, digest=False).to_dict()
    assert {k: facts[k] for k in ("layers", "hidden_size", "intermediate_size", "vocab_size")} == {
        "layers": 24, "hidden_size": 896, "intermediate_size": 4864, "vocab_size": 151936}
    assert facts["kv_heads"] is None and facts["attention_heads"] is None  # head size unknown without config: never guessed
    assert facts["conflicts"] == []
    json.dumps(facts)


def test_an_architecture_no_table_is_written_for_is_left_to_its_config(tmp_path):
    """GLM-4.5 stores one next-token-prediction block beyond num_hidden_layers: a table for another layout must not call that a lie."""
    folder = write_case(tmp_path / "glm", "qwen2.5-0.5b", {"model_type": "glm4_moe", "num_hidden_layers": 23})
    facts = extract_facts(folder, digest=False).to_dict()
    assert facts["conflicts"] == [] and facts["layers"] == 23 and facts["sources"]["layers"] == "config.json:num_hidden_layers"
    assert "not derived" in facts["metadata"]["family"]


def test_a_config_naming_another_familys_architecture_is_a_conflict(tmp_path):
    folder = write_case(tmp_path / "liar", "llama-3.2-1b", {"model_type": "bert"})
    facts = extract_facts(folder, digest=False).to_dict()
    conflict = next(c for c in facts["conflicts"] if c["fact"] == "architecture")
    assert (conflict["config"], conflict["tensors"]) == ("bert", "decoder layout") and "a bert model" in conflict["config_says"]
    assert facts["layers"] == 16  # the tensors still speak: the config contradicts itself
