"""Packed quantized safetensors (GPTQ, AWQ, bitsandbytes 4/8-bit, MLX): the unquantized parameter count and the scheme.

Files are written by tests/facts/packed_checkpoints.py from one reference decoder; every expected number is
computed from that reference's float shapes, never from the packed files.
"""
from __future__ import annotations

import pytest

from engine.cards import card_from_dict
from engine.facts import extract_facts
from engine.governance.review import review_card
from tests.facts.packed_checkpoints import CASES, CONFIG, REFERENCE_PARAMETERS, reference_weights
from tests.policy.cards import GOOD_CARD, TODAY

ARCHITECTURE = {"layers": CONFIG["num_hidden_layers"], "hidden_size": CONFIG["hidden_size"], "intermediate_size": CONFIG["intermediate_size"],
                "kv_heads": CONFIG["num_key_value_heads"], "vocab_size": CONFIG["vocab_size"], "tied_embeddings": False}


@pytest.fixture(scope="module")
def weights():
    return reference_weights()


@pytest.mark.parametrize("case", sorted(CASES))
def test_packed_checkpoint_counts_the_unquantized_parameters(tmp_path, weights, case):
    writer, options, quantization, details = CASES[case]
    facts = extract_facts(writer(tmp_path / case, weights, **options)).to_dict()
    assert facts["parameters"] == REFERENCE_PARAMETERS
    assert facts["quantization"] == quantization
    assert {key: facts["quantization_details"][key] for key in details} == details
    assert {key: facts[key] for key in ARCHITECTURE} == ARCHITECTURE
    assert facts["conflicts"] == [] and facts["integrity"] == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_true_parameter_claim_on_a_quantized_card_passes(tmp_path, weights, case):
    writer, options, quantization, _ = CASES[case]
    facts = extract_facts(writer(tmp_path / case, weights, **options), digest=False).to_dict()
    card = card_from_dict(dict(GOOD_CARD, claims={"parameters": REFERENCE_PARAMETERS, "quantization": quantization, "layers": 2, "kv_heads": 2}),
                          source="card.yaml")
    outcomes = {f.rule_id: f.outcome for f in review_card(card, facts, now=TODAY).findings}
    assert {rule: outcomes[rule] for rule in ("claims.parameters", "claims.quantization", "claims.layers", "claims.kv-heads")} == dict.fromkeys(
        ("claims.parameters", "claims.quantization", "claims.layers", "claims.kv-heads"), "pass")


def test_mixed_mlx_bits_are_read_per_module(tmp_path, weights):
    writer, options, _, _ = CASES["mlx-mixed-4-8bit"]
    details = extract_facts(writer(tmp_path / "mixed", weights, **options), digest=False).to_dict()["quantization_details"]
    assert details["bits_per_module"] == {"model.layers.0.mlp.down_proj": 8}


def test_config_bits_that_disagree_with_the_packing_are_a_conflict(tmp_path, weights):
    import json

    writer, options, _, _ = CASES["awq-gemm-4bit-g64"]
    folder = writer(tmp_path / "awq", weights, **options)
    config = json.loads((folder / "config.json").read_text())
    config["quantization_config"]["bits"] = 8
    (folder / "config.json").write_text(json.dumps(config))
    facts = extract_facts(folder, digest=False).to_dict()
    assert facts["parameters"] == REFERENCE_PARAMETERS and facts["quantization"] == "awq-4bit"
    assert [(c["fact"], c["config"], c["tensors"]) for c in facts["conflicts"]] == [("quantization", "awq-8bit", "awq-4bit")]
