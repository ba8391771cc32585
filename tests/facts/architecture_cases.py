"""Real checkpoints' tensor tables and config.json files, one per architecture family, written header-only.

Each case is a published model's config.json (the values that matter, as on the Hugging Face Hub) and the
tensor names and shapes its model.safetensors holds (names as transformers saves them; tied weights stored
once). Files are sparse: the safetensors header is real, the data section is a hole, so a 7B model costs a
few kilobytes of disk (facts are read from headers only; read them with digest=False).

`EXPECTED[case]` is what the tensors prove, decided from the published architecture: fact -> value. Facts
a family's shapes cannot prove are in `NOT_PROVABLE[case]` and must keep the config's value, with a source
saying they are not provable from the tensors. `LIES` are configs edited the way a careless uploader or an
attacker would, with the disagreements the lake must report (fact, config value, tensor value).
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

DTYPE_BYTES = {"F32": 4, "F16": 2, "BF16": 2}


def write_header_only(path: Path, shapes: dict[str, tuple[int, ...]], dtype: str = "BF16", metadata: dict | None = None) -> Path:
    """A valid safetensors file whose data section is a hole (sparse): real header, no weight bytes written."""
    header, offset = {}, 0
    for name, shape in shapes.items():
        size = DTYPE_BYTES[dtype]
        for n in shape:
            size *= n
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    if metadata:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        handle.truncate(8 + len(raw) + offset)
    return path


def _decoder(c: dict, *, q_norm: bool = False, qkv_bias: bool = False, fused: bool = False, sandwich: bool = False) -> dict:
    """transformers' LlamaForCausalLM naming, shared by Mistral, Qwen2, Gemma and Phi-3 (fused qkv / gate_up)."""
    hidden, heads, kv = c["hidden_size"], c["num_attention_heads"], c.get("num_key_value_heads") or c["num_attention_heads"]
    head_dim = c.get("head_dim") or hidden // heads
    shapes = {"model.embed_tokens.weight": (c["vocab_size"], hidden), "model.norm.weight": (hidden,)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        if fused:
            shapes[p + "self_attn.qkv_proj.weight"] = ((heads + 2 * kv) * head_dim, hidden)
            shapes[p + "mlp.gate_up_proj.weight"] = (2 * c["intermediate_size"], hidden)
        else:
            shapes |= {p + "self_attn.q_proj.weight": (heads * head_dim, hidden), p + "self_attn.k_proj.weight": (kv * head_dim, hidden),
                       p + "self_attn.v_proj.weight": (kv * head_dim, hidden), p + "mlp.gate_proj.weight": (c["intermediate_size"], hidden),
                       p + "mlp.up_proj.weight": (c["intermediate_size"], hidden)}
        if qkv_bias:
            shapes |= {p + "self_attn.q_proj.bias": (heads * head_dim,), p + "self_attn.k_proj.bias": (kv * head_dim,),
                       p + "self_attn.v_proj.bias": (kv * head_dim,)}
        if q_norm:
            shapes |= {p + "self_attn.q_norm.weight": (head_dim,), p + "self_attn.k_norm.weight": (head_dim,)}
        if sandwich:
            shapes |= {p + "pre_feedforward_layernorm.weight": (hidden,), p + "post_feedforward_layernorm.weight": (hidden,)}
        shapes |= {p + "self_attn.o_proj.weight": (hidden, heads * head_dim), p + "mlp.down_proj.weight": (hidden, c["intermediate_size"]),
                   p + "input_layernorm.weight": (hidden,), p + "post_attention_layernorm.weight": (hidden,)}
    if not c.get("tie_word_embeddings", True):
        shapes["lm_head.weight"] = (c["vocab_size"], hidden)
    return shapes


def _phi(c: dict) -> dict:
    hidden = c["hidden_size"]
    shapes = {"model.embed_tokens.weight": (c["vocab_size"], hidden), "model.final_layernorm.weight": (hidden,), "model.final_layernorm.bias": (hidden,),
              "lm_head.weight": (c["vocab_size"], hidden), "lm_head.bias": (c["vocab_size"],)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        for part in ("q_proj", "k_proj", "v_proj", "dense"):
            shapes |= {p + f"self_attn.{part}.weight": (hidden, hidden), p + f"self_attn.{part}.bias": (hidden,)}
        shapes |= {p + "mlp.fc1.weight": (c["intermediate_size"], hidden), p + "mlp.fc1.bias": (c["intermediate_size"],),
                   p + "mlp.fc2.weight": (hidden, c["intermediate_size"]), p + "mlp.fc2.bias": (hidden,),
                   p + "input_layernorm.weight": (hidden,), p + "input_layernorm.bias": (hidden,)}
    return shapes


def _bert(c: dict, prefix: str, head: str) -> dict:
    hidden, inter = c["hidden_size"], c["intermediate_size"]
    shapes = {f"{prefix}embeddings.word_embeddings.weight": (c["vocab_size"], hidden),
              f"{prefix}embeddings.position_embeddings.weight": (c["max_position_embeddings"], hidden),
              f"{prefix}embeddings.token_type_embeddings.weight": (c["type_vocab_size"], hidden),
              f"{prefix}embeddings.LayerNorm.weight": (hidden,), f"{prefix}embeddings.LayerNorm.bias": (hidden,)}
    for i in range(c["num_hidden_layers"]):
        p = f"{prefix}encoder.layer.{i}."
        for part in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            shapes |= {p + part + ".weight": (hidden, hidden), p + part + ".bias": (hidden,)}
        shapes |= {p + "attention.output.LayerNorm.weight": (hidden,), p + "attention.output.LayerNorm.bias": (hidden,),
                   p + "intermediate.dense.weight": (inter, hidden), p + "intermediate.dense.bias": (inter,),
                   p + "output.dense.weight": (hidden, inter), p + "output.dense.bias": (hidden,),
                   p + "output.LayerNorm.weight": (hidden,), p + "output.LayerNorm.bias": (hidden,)}
    if head == "mlm":  # BertForMaskedLM / RobertaForMaskedLM: the decoder weight is tied to the word embeddings and not stored
        shapes |= {"cls.predictions.transform.dense.weight": (hidden, hidden), "cls.predictions.transform.dense.bias": (hidden,),
                   "cls.predictions.transform.LayerNorm.weight": (hidden,), "cls.predictions.transform.LayerNorm.bias": (hidden,),
                   "cls.predictions.bias": (c["vocab_size"],)} if prefix == "bert." else {
                   "lm_head.dense.weight": (hidden, hidden), "lm_head.dense.bias": (hidden,), "lm_head.layer_norm.weight": (hidden,),
                   "lm_head.layer_norm.bias": (hidden,), "lm_head.bias": (c["vocab_size"],)}
    return shapes


def _gpt2(c: dict) -> dict:
    hidden = c["n_embd"]
    shapes = {"wte.weight": (c["vocab_size"], hidden), "wpe.weight": (c["n_positions"], hidden), "ln_f.weight": (hidden,), "ln_f.bias": (hidden,)}
    for i in range(c["n_layer"]):
        p = f"h.{i}."  # GPT-2's Conv1D stores weights as [in, out]
        shapes |= {p + "ln_1.weight": (hidden,), p + "ln_1.bias": (hidden,), p + "attn.c_attn.weight": (hidden, 3 * hidden),
                   p + "attn.c_attn.bias": (3 * hidden,), p + "attn.c_proj.weight": (hidden, hidden), p + "attn.c_proj.bias": (hidden,),
                   p + "ln_2.weight": (hidden,), p + "ln_2.bias": (hidden,), p + "mlp.c_fc.weight": (hidden, 4 * hidden),
                   p + "mlp.c_fc.bias": (4 * hidden,), p + "mlp.c_proj.weight": (4 * hidden, hidden), p + "mlp.c_proj.bias": (hidden,)}
    return shapes


def _t5(c: dict) -> dict:
    d, inner, ff = c["d_model"], c["num_heads"] * c["d_kv"], c["d_ff"]
    shapes = {"shared.weight": (c["vocab_size"], d), "encoder.final_layer_norm.weight": (d,), "decoder.final_layer_norm.weight": (d,)}
    for side, count in (("encoder", c["num_layers"]), ("decoder", c["num_decoder_layers"])):
        for i in range(count):
            p = f"{side}.block.{i}.layer."
            attention = ["0.SelfAttention"] + (["1.EncDecAttention"] if side == "decoder" else [])
            for part in attention:
                shapes |= {f"{p}{part}.{m}.weight": (inner, d) for m in ("q", "k", "v")} | {f"{p}{part}.o.weight": (d, inner)}
            for n in range(len(attention)):
                shapes[f"{p}{n}.layer_norm.weight"] = (d,)
            ff_index = len(attention)
            shapes |= {f"{p}{ff_index}.DenseReluDense.wi.weight": (ff, d), f"{p}{ff_index}.DenseReluDense.wo.weight": (d, ff),
                       f"{p}{ff_index}.layer_norm.weight": (d,)}
            if i == 0:
                shapes[f"{p}0.SelfAttention.relative_attention_bias.weight"] = (c["relative_attention_num_buckets"], c["num_heads"])
    return shapes


def _vit(c: dict) -> dict:
    hidden, inter, patch = c["hidden_size"], c["intermediate_size"], c["patch_size"]
    tokens = (c["image_size"] // patch) ** 2 + 1
    shapes = {"vit.embeddings.cls_token": (1, 1, hidden), "vit.embeddings.position_embeddings": (1, tokens, hidden),
              "vit.embeddings.patch_embeddings.projection.weight": (hidden, c["num_channels"], patch, patch),
              "vit.embeddings.patch_embeddings.projection.bias": (hidden,), "vit.layernorm.weight": (hidden,), "vit.layernorm.bias": (hidden,),
              "classifier.weight": (1000, hidden), "classifier.bias": (1000,)}
    for i in range(c["num_hidden_layers"]):
        p = f"vit.encoder.layer.{i}."
        for part in ("attention.attention.query", "attention.attention.key", "attention.attention.value", "attention.output.dense"):
            shapes |= {p + part + ".weight": (hidden, hidden), p + part + ".bias": (hidden,)}
        shapes |= {p + "intermediate.dense.weight": (inter, hidden), p + "intermediate.dense.bias": (inter,),
                   p + "output.dense.weight": (hidden, inter), p + "output.dense.bias": (hidden,)}
        for norm in ("layernorm_before", "layernorm_after"):
            shapes |= {p + norm + ".weight": (hidden,), p + norm + ".bias": (hidden,)}
    return shapes


def _clip(c: dict) -> dict:
    text, vision = c["text_config"], c["vision_config"]
    t, v, patch = text["hidden_size"], vision["hidden_size"], vision["patch_size"]
    shapes = {"text_model.embeddings.token_embedding.weight": (text["vocab_size"], t),
              "text_model.embeddings.position_embedding.weight": (text["max_position_embeddings"], t),
              "text_model.final_layer_norm.weight": (t,), "text_model.final_layer_norm.bias": (t,),
              "vision_model.embeddings.class_embedding": (v,), "vision_model.embeddings.patch_embedding.weight": (v, 3, patch, patch),
              "vision_model.embeddings.position_embedding.weight": ((vision["image_size"] // patch) ** 2 + 1, v),
              "vision_model.pre_layrnorm.weight": (v,), "vision_model.pre_layrnorm.bias": (v,),
              "vision_model.post_layernorm.weight": (v,), "vision_model.post_layernorm.bias": (v,),
              "text_projection.weight": (c["projection_dim"], t), "visual_projection.weight": (c["projection_dim"], v), "logit_scale": ()}
    for tower, cfg, width in (("text_model", text, t), ("vision_model", vision, v)):
        for i in range(cfg["num_hidden_layers"]):
            p = f"{tower}.encoder.layers.{i}."
            for part in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj"):
                shapes |= {p + part + ".weight": (width, width), p + part + ".bias": (width,)}
            shapes |= {p + "mlp.fc1.weight": (cfg["intermediate_size"], width), p + "mlp.fc1.bias": (cfg["intermediate_size"],),
                       p + "mlp.fc2.weight": (width, cfg["intermediate_size"]), p + "mlp.fc2.bias": (width,)}
            for norm in ("layer_norm1", "layer_norm2"):
                shapes |= {p + norm + ".weight": (width,), p + norm + ".bias": (width,)}
    return shapes


# case -> (config.json as published (the keys that matter), its tensor table)
CONFIGS = {
    "llama-3.2-1b": {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "num_hidden_layers": 16, "hidden_size": 2048,
                     "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64, "intermediate_size": 8192, "vocab_size": 128256,
                     "max_position_embeddings": 131072, "tie_word_embeddings": True, "torch_dtype": "bfloat16"},
    "mistral-7b-v0.1": {"model_type": "mistral", "architectures": ["MistralForCausalLM"], "num_hidden_layers": 32, "hidden_size": 4096,
                        "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000,
                        "max_position_embeddings": 32768, "tie_word_embeddings": False, "torch_dtype": "bfloat16"},
    "qwen2.5-0.5b": {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "num_hidden_layers": 24, "hidden_size": 896,
                     "num_attention_heads": 14, "num_key_value_heads": 2, "intermediate_size": 4864, "vocab_size": 151936,
                     "max_position_embeddings": 32768, "tie_word_embeddings": True, "torch_dtype": "bfloat16"},
    "gemma-3-270m": {"model_type": "gemma3_text", "architectures": ["Gemma3ForCausalLM"], "num_hidden_layers": 18, "hidden_size": 640,
                     "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 256, "intermediate_size": 2048, "vocab_size": 262144,
                     "max_position_embeddings": 32768, "tie_word_embeddings": True, "torch_dtype": "bfloat16"},
    "phi-3-mini-4k": {"model_type": "phi3", "architectures": ["Phi3ForCausalLM"], "num_hidden_layers": 32, "hidden_size": 3072,
                      "num_attention_heads": 32, "num_key_value_heads": 32, "intermediate_size": 8192, "vocab_size": 32064,
                      "max_position_embeddings": 4096, "tie_word_embeddings": False, "torch_dtype": "bfloat16"},
    "phi-2": {"model_type": "phi", "architectures": ["PhiForCausalLM"], "num_hidden_layers": 32, "hidden_size": 2560, "num_attention_heads": 32,
              "num_key_value_heads": None, "intermediate_size": 10240, "vocab_size": 51200, "max_position_embeddings": 2048,
              "tie_word_embeddings": False, "torch_dtype": "float16"},
    "bert-base-uncased": {"model_type": "bert", "architectures": ["BertForMaskedLM"], "num_hidden_layers": 12, "hidden_size": 768,
                          "num_attention_heads": 12, "intermediate_size": 3072, "vocab_size": 30522, "max_position_embeddings": 512,
                          "type_vocab_size": 2},
    "roberta-base": {"model_type": "roberta", "architectures": ["RobertaForMaskedLM"], "num_hidden_layers": 12, "hidden_size": 768,
                     "num_attention_heads": 12, "intermediate_size": 3072, "vocab_size": 50265, "max_position_embeddings": 514, "type_vocab_size": 1},
    "gpt2": {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": 12, "n_embd": 768, "n_head": 12, "vocab_size": 50257,
             "n_positions": 1024, "n_ctx": 1024},
    "t5-small": {"model_type": "t5", "architectures": ["T5ForConditionalGeneration"], "num_layers": 6, "num_decoder_layers": 6, "d_model": 512,
                 "num_heads": 8, "d_kv": 64, "d_ff": 2048, "vocab_size": 32128, "n_positions": 512, "relative_attention_num_buckets": 32},
    "vit-base-patch16-224": {"model_type": "vit", "architectures": ["ViTForImageClassification"], "num_hidden_layers": 12, "hidden_size": 768,
                             "num_attention_heads": 12, "intermediate_size": 3072, "image_size": 224, "patch_size": 16, "num_channels": 3},
    "clip-vit-base-patch32": {"model_type": "clip", "architectures": ["CLIPModel"], "projection_dim": 512,
                              "text_config": {"model_type": "clip_text_model", "num_hidden_layers": 12, "hidden_size": 512, "num_attention_heads": 8,
                                              "intermediate_size": 2048, "vocab_size": 49408, "max_position_embeddings": 77},
                              "vision_config": {"model_type": "clip_vision_model", "num_hidden_layers": 12, "hidden_size": 768,
                                                "num_attention_heads": 12, "intermediate_size": 3072, "image_size": 224, "patch_size": 32}},
}
TABLES = {
    "llama-3.2-1b": lambda c: _decoder(c), "mistral-7b-v0.1": lambda c: _decoder(c), "qwen2.5-0.5b": lambda c: _decoder(c, qkv_bias=True),
    "gemma-3-270m": lambda c: _decoder(c, q_norm=True, sandwich=True), "phi-3-mini-4k": lambda c: _decoder(c, fused=True), "phi-2": _phi,
    "bert-base-uncased": lambda c: _bert(c, "bert.", "mlm"), "roberta-base": lambda c: _bert(c, "roberta.", "mlm"), "gpt2": _gpt2, "t5-small": _t5,
    "vit-base-patch16-224": _vit, "clip-vit-base-patch32": _clip,
}

# What the tensors prove (the published values), and what they cannot.
EXPECTED = {
    "llama-3.2-1b": {"layers": 16, "hidden_size": 2048, "kv_heads": 8, "intermediate_size": 8192, "vocab_size": 128256, "tied_embeddings": True},
    "mistral-7b-v0.1": {"layers": 32, "hidden_size": 4096, "kv_heads": 8, "intermediate_size": 14336, "vocab_size": 32000, "tied_embeddings": False},
    "qwen2.5-0.5b": {"layers": 24, "hidden_size": 896, "kv_heads": 2, "intermediate_size": 4864, "vocab_size": 151936, "tied_embeddings": True},
    "gemma-3-270m": {"layers": 18, "hidden_size": 640, "attention_heads": 4, "kv_heads": 1, "intermediate_size": 2048, "vocab_size": 262144,
                     "tied_embeddings": True},
    "phi-3-mini-4k": {"layers": 32, "hidden_size": 3072, "kv_heads": 32, "intermediate_size": 8192, "vocab_size": 32064, "tied_embeddings": False},
    "phi-2": {"layers": 32, "hidden_size": 2560, "kv_heads": 32, "intermediate_size": 10240, "vocab_size": 51200, "tied_embeddings": False},
    "bert-base-uncased": {"layers": 12, "hidden_size": 768, "kv_heads": 12, "intermediate_size": 3072, "vocab_size": 30522, "context_length": 512},
    "roberta-base": {"layers": 12, "hidden_size": 768, "kv_heads": 12, "intermediate_size": 3072, "vocab_size": 50265, "context_length": 514},
    "gpt2": {"layers": 12, "hidden_size": 768, "kv_heads": 12, "intermediate_size": 3072, "vocab_size": 50257, "context_length": 1024},
    "t5-small": {"layers": 6, "hidden_size": 512, "attention_heads": 8, "kv_heads": 8, "intermediate_size": 2048, "vocab_size": 32128},
    "vit-base-patch16-224": {"layers": 12, "hidden_size": 768, "kv_heads": 12, "intermediate_size": 3072},
    "clip-vit-base-patch32": {"layers": 12, "hidden_size": 512, "kv_heads": 8, "intermediate_size": 2048, "vocab_size": 49408,
                              "context_length": 77, "embedding_dim": 512},
}
# facts the config states that these shapes cannot prove: they keep the config's value, and their source says so
NOT_PROVABLE = {
    "llama-3.2-1b": ("attention_heads", "context_length"), "mistral-7b-v0.1": ("attention_heads", "context_length"),
    "qwen2.5-0.5b": ("attention_heads", "context_length"), "gemma-3-270m": ("context_length",),
    "phi-3-mini-4k": ("attention_heads", "context_length"), "phi-2": ("attention_heads", "context_length"),
    "bert-base-uncased": ("attention_heads",), "roberta-base": ("attention_heads",), "gpt2": ("attention_heads",),
    "t5-small": ("context_length",), "vit-base-patch16-224": ("attention_heads",), "clip-vit-base-patch32": ("attention_heads",),
}

# Configs that disagree with the weights: (case, edits to config.json, [(fact, config value, tensor value), ...] the lake must report)
LIES = [
    ("llama-3.2-1b", {"num_hidden_layers": 32, "num_key_value_heads": 32, "vocab_size": 128000},
     [("kv_heads", 32, 8), ("layers", 32, 16), ("vocab_size", 128000, 128256)]),
    ("mistral-7b-v0.1", {"intermediate_size": 11008, "tie_word_embeddings": True}, [("intermediate_size", 11008, 14336), ("tied_embeddings", True, False)]),
    ("qwen2.5-0.5b", {"num_key_value_heads": None}, [("kv_heads", 14, 2)]),  # no KV key: transformers would build 14 KV heads
    ("gemma-3-270m", {"num_attention_heads": 8}, [("attention_heads", 8, 4)]),
    ("bert-base-uncased", {"max_position_embeddings": 1024}, [("context_length", 1024, 512)]),
    ("gpt2", {"n_layer": 24, "n_embd": 1024}, [("hidden_size", 1024, 768), ("layers", 24, 12)]),
    # no KV key in T5 configs: 16 heads means 16 KV heads too, and both are refuted by the relative attention bias and k rows
    ("t5-small", {"num_heads": 16}, [("attention_heads", 16, 8), ("kv_heads", 16, 8)]),
]


def write_case(folder: Path, case: str, config_edits: dict | None = None) -> Path:
    """config.json (with edits; a None value removes the key) and a header-only model.safetensors for one case."""
    config = CONFIGS[case]
    written = {k: v for k, v in (config | (config_edits or {})).items() if v is not None}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(written, indent=2))
    write_header_only(folder / "model.safetensors", TABLES[case](config), dtype="F16" if config.get("torch_dtype") == "float16" else "BF16"
                      if config.get("torch_dtype") == "bfloat16" else "F32", metadata={"format": "pt"})
    return folder
