"""GGUF models in lineage: weight sketches from dequantized sampled blocks, verification and recovery across formats.

The safetensors parent is a small Llama with transformers' names; its GGUF children are written as
convert_hf_to_gguf.py writes them (gguf's own name map, Q/K rows permuted for llama.cpp's rope), quantized
with gguf.quants. The demo's real edge is SmolLM2-135M-Instruct Q4_1 requantized to Q4_0 by llama.cpp.
"""
from __future__ import annotations

import numpy as np
import pytest

from engine.facts import compute_fingerprint
from engine.lineage.recovery import recover_tree
from engine.lineage.sketch import SKETCH_FORMAT
from engine.lineage.sources import ModelSource
from engine.lineage.verify import verify_relation
from tests.facts.conftest import write_json, write_safetensors
from tests.facts.gguf_files import LLAMA_CONFIG, llama_weights, write_gguf


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    root = tmp_path_factory.mktemp("gguf-family")
    weights = llama_weights()
    parent = root / "llama"
    write_safetensors(parent / "model.safetensors", weights)
    write_json(parent / "config.json", LLAMA_CONFIG)
    stranger = llama_weights(seed=7)
    return {
        "parent": parent,
        "q8": write_gguf(root / "llama.Q8_0.gguf", weights, LLAMA_CONFIG, qtype="Q8_0"),
        "q4": write_gguf(root / "llama.Q4_0.gguf", weights, LLAMA_CONFIG, qtype="Q4_0"),
        "stranger": write_gguf(root / "stranger.Q8_0.gguf", stranger, LLAMA_CONFIG, qtype="Q8_0"),
    }


def test_a_gguf_fingerprint_is_a_weight_sketch_in_the_parents_layout(family):
    """GGUF names (blk.0.attn_q.weight) map to the parent's (model.layers.0.self_attn.q_proj.weight) through gguf's own name map,
    and the sampled values are the parent's, positions included: llama.cpp's Q/K row permutation is undone."""
    sketch, parent = compute_fingerprint(family["q8"]), compute_fingerprint(family["parent"])
    assert sketch["format"] == SKETCH_FORMAT and sketch["parameters"] == parent["parameters"]
    assert sketch["bits_per_weight"] == pytest.approx(8.5) and parent["bits_per_weight"] == 32
    assert sketch["naming"] == {"scheme": "gguf", "architecture": "llama", "blocks": 2}
    assert len(sketch["tensors"]) == len(parent["tensors"]) and "blk.0.attn_q.weight" in sketch["tensors"]
    pairs = {"blk.0.attn_q.weight": "model.layers.0.self_attn.q_proj.weight", "blk.1.attn_k.weight": "model.layers.1.self_attn.k_proj.weight",
             "blk.0.ffn_down.weight": "model.layers.0.mlp.down_proj.weight", "token_embd.weight": "model.embed_tokens.weight"}
    for ours, theirs in pairs.items():
        quantized, original = np.array(sketch["tensors"][ours]["sample"]), np.array(parent["tensors"][theirs]["sample"])
        assert sketch["tensors"][ours]["shape"] == parent["tensors"][theirs]["shape"]
        assert np.abs(quantized - original).max() < 0.01 * np.abs(original).max() + 1e-3, ours  # Q8_0 rounding only


@pytest.mark.parametrize(("child", "parent"), [("q8", "parent"), ("q4", "parent"), ("q4", "q8")])
def test_quantized_children_verify_from_files_and_from_sketches(family, child, parent):
    from_files = verify_relation(family[child], family[parent], "quantized")
    assert from_files["verified"] is True, from_files
    assert from_files["measured"]["bits_per_weight"][1] < from_files["measured"]["bits_per_weight"][0]
    from_sketches = verify_relation(ModelSource.of(compute_fingerprint(family[child])), ModelSource.of(compute_fingerprint(family[parent])),
                                    "quantized")
    assert from_sketches["verified"] is True and from_sketches["basis"] == "sketch", from_sketches


def test_an_unrelated_gguf_is_not_a_quantization(family):
    result = verify_relation(family["stranger"], family["parent"], "quantized")
    assert result["verified"] is False and "unrelated" in result["reason"]


def test_f32_norms_do_not_make_a_gguf_look_like_32_bits(family):
    """Every GGUF keeps its norms in F32; the width that matters is the weights' bits per weight."""
    widening = verify_relation(family["q8"], family["q4"], "quantized")  # Q4_0 -> Q8_0 is not a quantization
    assert widening["verified"] is False and "did not drop" in widening["reason"]


def test_recovery_places_gguf_children_under_their_parent(family):
    models = {name: ModelSource.of(compute_fingerprint(path), label=name) for name, path in family.items()}
    edges = {(e.parent, e.child, e.relation) for e in recover_tree(models)}
    assert ("parent", "q8", "quantized") in edges
    assert any(child == "q4" and parent in ("parent", "q8") for parent, child, _ in edges)
    assert not any("stranger" in (parent, child) for parent, child, _ in edges)


@pytest.mark.slow
def test_smollm2_q4_1_requantized_to_q4_0_by_llama_cpp_verifies(tmp_path):
    """The demo lake's edge, built the way examples/demo_weights.py builds it."""
    from examples.demo_weights import quantize

    (child,) = quantize({"source": "smollm2", "type": "Q4_0"}, tmp_path)
    (parent,) = [path for path in tmp_path.rglob("*.Q4_1.gguf")]
    result = verify_relation(child, parent, "quantized")
    assert result["verified"] is True, result
    assert result["measured"]["parameters"] == [134_515_008, 134_515_008]
