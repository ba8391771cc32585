"""GGUF files written with the gguf package as llama.cpp's convert_hf_to_gguf.py writes them, from Hugging Face-named weights.

- names mapped with gguf's own TensorNameMap (model.layers.0.self_attn.q_proj.weight -> blk.0.attn_q.weight);
- for the `llama` architecture, q_proj and k_proj rows permuted as LlamaModel.permute does (llama.cpp's rope
  pairs neighbouring rows, Hugging Face's pairs the two halves of each head);
- 2-D weights quantized with gguf.quants.quantize (Q8_0, Q4_0, ...), 1-D norms kept F32, as llama-quantize does;
- header keys for the hyperparameters, general.file_type, and a small token list.

`header_edits` overrides header values after they are derived from the config, to write a lying header.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

# llama.cpp's general.file_type for a file whose weight matrices are mostly of this type (LlamaFileType)
FILE_TYPES = {"F32": 0, "F16": 1, "Q4_0": 2, "Q4_1": 3, "Q8_0": 7, "Q5_0": 8, "Q5_1": 9}


def hf_to_gguf_permute(weights: np.ndarray, heads: int) -> np.ndarray:
    """convert_hf_to_gguf's LlamaModel.permute: within each head, interleave the two rotary halves."""
    return weights.reshape(heads, 2, weights.shape[0] // heads // 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)


def write_gguf(path: Path, weights: dict[str, np.ndarray], config: dict, *, arch: str = "llama", qtype: str = "Q8_0",
               header_edits: dict | None = None) -> Path:
    import gguf
    from gguf.constants import MODEL_ARCH_NAMES
    from gguf.tensor_mapping import get_tensor_name_map

    layers, heads = config["num_hidden_layers"], config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    names = get_tensor_name_map(next(a for a, n in MODEL_ARCH_NAMES.items() if n == arch), layers)
    header = {"block_count": layers, "context_length": config["max_position_embeddings"], "embedding_length": config["hidden_size"],
              "feed_forward_length": config["intermediate_size"], "head_count": heads, "head_count_kv": kv_heads,
              "rope_dimension_count": config["hidden_size"] // heads} | (header_edits or {})
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name(path.stem)
    writer.add_block_count(header["block_count"])
    writer.add_context_length(header["context_length"])
    writer.add_embedding_length(header["embedding_length"])
    writer.add_feed_forward_length(header["feed_forward_length"])
    writer.add_head_count(header["head_count"])
    writer.add_head_count_kv(header["head_count_kv"])
    writer.add_rope_dimension_count(header["rope_dimension_count"])
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(FILE_TYPES[qtype])
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list([f"<t{i}>" for i in range(config["vocab_size"])])
    quant = gguf.GGMLQuantizationType[qtype]
    for name, value in weights.items():
        gguf_name = names.get_name(name, try_suffixes=(".weight", ".bias"))
        if gguf_name is None:
            raise ValueError(f"no GGUF name for {name}")
        data = value.astype(np.float32)
        if arch == "llama" and name.endswith("self_attn.q_proj.weight"):
            data = hf_to_gguf_permute(data, heads)
        elif arch == "llama" and name.endswith("self_attn.k_proj.weight"):
            data = hf_to_gguf_permute(data, kv_heads)
        if data.ndim == 2 and data.shape[1] % gguf.GGML_QUANT_SIZES[quant][0] == 0:
            writer.add_tensor(gguf_name, gguf.quants.quantize(data, quant), raw_dtype=quant)
        else:
            writer.add_tensor(gguf_name, data)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


LLAMA_CONFIG = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "num_hidden_layers": 2, "hidden_size": 128, "num_attention_heads": 4,
                "num_key_value_heads": 2, "intermediate_size": 256, "vocab_size": 512, "max_position_embeddings": 2048, "tie_word_embeddings": False,
                "torch_dtype": "float32"}


def llama_weights(config: dict = LLAMA_CONFIG, seed: int = 0) -> dict[str, np.ndarray]:
    """Random weights of a small Llama with the names transformers saves (untied head)."""
    rng = np.random.default_rng(seed)
    hidden, heads, kv = config["hidden_size"], config["num_attention_heads"], config["num_key_value_heads"]
    head_dim, inter = hidden // heads, config["intermediate_size"]
    shapes = {"model.embed_tokens.weight": (config["vocab_size"], hidden), "model.norm.weight": (hidden,), "lm_head.weight": (config["vocab_size"], hidden)}
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes |= {p + "self_attn.q_proj.weight": (heads * head_dim, hidden), p + "self_attn.k_proj.weight": (kv * head_dim, hidden),
                   p + "self_attn.v_proj.weight": (kv * head_dim, hidden), p + "self_attn.o_proj.weight": (hidden, heads * head_dim),
                   p + "mlp.gate_proj.weight": (inter, hidden), p + "mlp.up_proj.weight": (inter, hidden), p + "mlp.down_proj.weight": (hidden, inter),
                   p + "input_layernorm.weight": (hidden,), p + "post_attention_layernorm.weight": (hidden,)}
    return {name: (1.0 + 0.1 * rng.standard_normal(shape) if len(shape) == 1 else 0.05 * rng.standard_normal(shape)).astype(np.float32)
            for name, shape in shapes.items()}
