"""A PEFT LoRA adapter (peft's tensor names and config) and a tiny OpenCLIP ViT saved from open_clip."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from engine.cards import card_from_dict
from engine.facts import extract_facts
from engine.governance.review import review_card
from tests.conftest import REPO
from tests.facts.conftest import write_json, write_safetensors
from tests.policy.cards import GOOD_CARD, TODAY

BASE = "sentence-transformers/all-MiniLM-L6-v2"


def lora_tensors(rank: int = 8, layers: int = 6, width: int = 384) -> dict[str, np.ndarray]:
    tensors = {}
    for layer in range(layers):
        for module in ("query", "value"):
            prefix = f"base_model.model.encoder.layer.{layer}.attention.self.{module}"
            tensors[f"{prefix}.lora_A.weight"] = np.zeros((rank, width), np.float32)
            tensors[f"{prefix}.lora_B.weight"] = np.zeros((width, rank), np.float32)
    return tensors


@pytest.fixture
def adapter_dir(tmp_path):
    write_safetensors(tmp_path / "adapter_model.safetensors", lora_tensors())
    write_json(tmp_path / "adapter_config.json", {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["value", "query"],
                                                  "base_model_name_or_path": BASE, "task_type": "FEATURE_EXTRACTION"})
    return tmp_path


def test_lora_adapter_from_its_config(adapter_dir):
    facts = extract_facts(adapter_dir).to_dict()
    assert facts["adapter"] == {"type": "lora", "rank": 8, "alpha": 16, "target_modules": ["query", "value"], "base_model": BASE}
    assert (facts["parameters"], facts["architecture"], facts["layers"]) == (6 * 2 * 2 * 8 * 384, None, None)
    assert {k: v for k, v in facts["sources"].items() if k.startswith("adapter.")} == {
        "adapter.type": "adapter_config.json:peft_type", "adapter.rank": "adapter_config.json:r", "adapter.alpha": "adapter_config.json:lora_alpha",
        "adapter.target_modules": "adapter_config.json:target_modules", "adapter.base_model": "adapter_config.json:base_model_name_or_path"}


def test_lora_adapter_without_config_is_read_from_tensor_names(tmp_path):
    write_safetensors(tmp_path / "adapter_model.safetensors", lora_tensors(rank=4, layers=2))
    facts = extract_facts(tmp_path).to_dict()
    assert facts["adapter"] == {"type": "lora", "rank": 4, "alpha": None, "target_modules": ["query", "value"], "base_model": None}
    assert facts["sources"]["adapter.rank"] == "base_model.model.encoder.layer.0.attention.self.query.lora_A.weight shape [4, 384]"


def test_adapter_card_base_model_is_checked_against_the_adapter_config(adapter_dir):
    facts = extract_facts(adapter_dir, digest=False).to_dict()
    card = dict(GOOD_CARD, base_model=BASE, base_model_relation="adapter")
    outcome = {f.rule_id: f.outcome for f in review_card(card_from_dict(card, source="card.yaml"), facts, now=TODAY).findings}
    assert outcome["claims.adapter-base"] == "pass"
    wrong = review_card(card_from_dict(dict(card, base_model="acme/other"), source="card.yaml"), facts, now=TODAY)
    assert next(f for f in wrong.findings if f.rule_id == "claims.adapter-base").message == (
        f"The card says the adapter is for 'acme/other'; the adapter config says '{BASE}'")


@pytest.fixture(scope="module")
def clip_checkpoint(tmp_path_factory):
    """A randomly initialised ViT-S-32 from open_clip, saved as torch.save(state_dict) in float16."""
    torch = pytest.importorskip("torch")
    open_clip = pytest.importorskip("open_clip")
    model = open_clip.create_model("ViT-S-32", pretrained=None)
    path = tmp_path_factory.mktemp("clip") / "open_clip_pytorch_model.bin"
    torch.save(model.half().state_dict(), path)
    return path, sum(p.numel() for p in model.parameters())


@pytest.mark.slow
def test_openclip_architecture_named_without_torch(clip_checkpoint):
    """Run in a fresh interpreter: the checkpoint is identified from its zip and pickle opcodes, torch never imported."""
    path, parameters = clip_checkpoint
    code = ("import json, sys; from engine.facts import extract_facts;"
            f"facts = extract_facts({str(path)!r}, digest=False).to_dict();"
            "print(json.dumps({'facts': facts, 'torch': 'torch' in sys.modules, 'open_clip': 'open_clip' in sys.modules}))")
    output = json.loads(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout)
    facts = output["facts"]
    assert (output["torch"], output["open_clip"]) == (False, False)
    assert {k: facts[k] for k in ("format", "architecture", "parameters", "dtype", "embedding_dim", "context_length", "vocab_size")} == {
        "format": "pytorch", "architecture": "ViT-S-32", "parameters": parameters, "dtype": "F16", "embedding_dim": 384,
        "context_length": 77, "vocab_size": 49408}
    assert facts["sources"]["architecture"] == "tensor shapes match open_clip model_configs/ViT-S-32.json"
    assert facts["metadata"]["openclip"]["signature"] == {
        "embed_dim": 384, "vision.width": 384, "vision.layers": 12, "vision.patch_size": 32, "vision.image_size": 224,
        "text.width": 384, "text.layers": 12, "text.vocab_size": 49408, "text.context_length": 77}


def test_older_sentence_transformers_layout_with_dense_head(tmp_path):
    """0_Transformer/ holds the HF config; a Dense module after pooling sets the embedding size."""
    write_safetensors(tmp_path / "0_Transformer" / "model.safetensors", {"embeddings.word_embeddings.weight": np.zeros((100, 16), np.float32)})
    write_json(tmp_path / "0_Transformer" / "config.json", {"model_type": "BERT", "num_hidden_layers": 2, "hidden_size": 16})
    write_json(tmp_path / "1_Pooling" / "config.json", {"word_embedding_dimension": 16})
    write_safetensors(tmp_path / "2_Dense" / "model.safetensors", {"linear.weight": np.zeros((8, 16), np.float32)})
    write_json(tmp_path / "2_Dense" / "config.json", {"in_features": 16, "out_features": 8})
    write_json(tmp_path / "modules.json", [{"idx": 0, "name": "0", "path": "0_Transformer", "type": "sentence_transformers.models.Transformer"},
                                           {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                                           {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}])
    facts = extract_facts(tmp_path, digest=False).to_dict()
    assert {k: facts[k] for k in ("architecture", "layers", "hidden_size", "embedding_dim", "parameters")} == {
        "architecture": "bert", "layers": 2, "hidden_size": 16, "embedding_dim": 8, "parameters": 100 * 16 + 8 * 16}
    assert (facts["sources"]["embedding_dim"], facts["sources"]["layers"]) == ("2_Dense/config.json:out_features", "0_Transformer/config.json:num_hidden_layers")
