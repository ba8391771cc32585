"""Packed quantized safetensors checkpoints, written with numpy from one small unquantized decoder.

Each writer follows the public layout of its tool (the shapes and dtypes its modules register as buffers,
the keys it saves, the config it writes), quantizing the reference weights for real, so the files look as
the tools' own output does:

| scheme | tool | per quantized linear (out x in), as saved |
| --- | --- | --- |
| gptq | AutoGPTQ / GPTQModel `QuantLinear` | `qweight` I32 [in*bits/32, out], `qzeros` I32 [in/group, out*bits/32] (zeros - 1), `scales` F16 [in/group, out], `g_idx` I32 [in] |
| awq (gemm) | AutoAWQ `WQLinear_GEMM` | `qweight` I32 [in, out*bits/32] (nibble order 0 2 4 6 1 3 5 7), `qzeros` I32 [in/group, out*bits/32], `scales` F16 [in/group, out] |
| awq (gemv) | AutoAWQ `WQLinear_GEMV` | `qweight` I32 [out, in*bits/32], `qzeros` I32 [out, zeros width], `scales` F16 [out, zeros width * 8] |
| bnb 4-bit | bitsandbytes `Linear4bit` (nf4, double quant) | `weight` U8 [(out*in+1)/2, 1], `weight.absmax` U8, `weight.nested_absmax` F32, `weight.nested_quant_map` F32 [256], `weight.quant_map` F32 [16], `weight.quant_state.bitsandbytes__nf4` U8 (JSON: quant_type, blocksize, dtype, shape, nested_*) |
| bnb 8-bit | bitsandbytes `Linear8bitLt` | `weight` I8 [out, in], `SCB` F32 [out] (row absmax), `weight_format` U8 [] |
| mlx | mlx `nn.QuantizedLinear` / `QuantizedEmbedding` (affine) | `weight` U32 [out, in*bits/32], `scales` and `biases` F16 [out, in/group]; config `quantization: {group_size, bits}` (+ per-module overrides) |

The expected facts are derived from the reference model's float shapes (`REFERENCE_SHAPES`), never from
the packed files: the parameter count of a quantized checkpoint is the unquantized model's.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

# A Qwen2-style decoder (q/k/v carry biases): 2 layers, hidden 128, 4 heads of 32, 2 KV heads, MLP 256, vocabulary 512.
LAYERS, HIDDEN, HEADS, KV_HEADS, HEAD_DIM, INTERMEDIATE, VOCAB = 2, 128, 4, 2, 32, 256, 512
LINEAR = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")


def _reference_shapes() -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {"model.embed_tokens.weight": (VOCAB, HIDDEN), "model.norm.weight": (HIDDEN,), "lm_head.weight": (VOCAB, HIDDEN)}
    kv = KV_HEADS * HEAD_DIM
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        shapes |= {p + "self_attn.q_proj.weight": (HEADS * HEAD_DIM, HIDDEN), p + "self_attn.q_proj.bias": (HEADS * HEAD_DIM,),
                   p + "self_attn.k_proj.weight": (kv, HIDDEN), p + "self_attn.k_proj.bias": (kv,),
                   p + "self_attn.v_proj.weight": (kv, HIDDEN), p + "self_attn.v_proj.bias": (kv,),
                   p + "self_attn.o_proj.weight": (HIDDEN, HEADS * HEAD_DIM), p + "mlp.gate_proj.weight": (INTERMEDIATE, HIDDEN),
                   p + "mlp.up_proj.weight": (INTERMEDIATE, HIDDEN), p + "mlp.down_proj.weight": (HIDDEN, INTERMEDIATE),
                   p + "input_layernorm.weight": (HIDDEN,), p + "post_attention_layernorm.weight": (HIDDEN,)}
    return shapes


REFERENCE_SHAPES = _reference_shapes()
REFERENCE_PARAMETERS = sum(math.prod(shape) for shape in REFERENCE_SHAPES.values())
CONFIG = {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "num_hidden_layers": LAYERS, "hidden_size": HIDDEN,
          "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "intermediate_size": INTERMEDIATE, "vocab_size": VOCAB,
          "max_position_embeddings": 4096, "tie_word_embeddings": False, "torch_dtype": "float16"}


def reference_weights(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: (rng.standard_normal(shape) * (0.02 if len(shape) == 2 else 1.0)).astype(np.float32) for name, shape in REFERENCE_SHAPES.items()}


def _is_block_linear(name: str) -> bool:
    return name.endswith(".weight") and any(f".{module}." in name for module in LINEAR)


def _affine_groups(weight: np.ndarray, group: int, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Asymmetric min/max quantization of each row in groups of `group` inputs: (q [out, in], scale, zero) per group."""
    out, inp = weight.shape
    grouped = weight.reshape(out, inp // group, group)
    low, high = grouped.min(-1), grouped.max(-1)
    scale = np.maximum(high - low, 1e-8) / (2**bits - 1)
    zero = np.clip(np.round(-low / scale), 0, 2**bits - 1)
    q = np.clip(np.round(grouped / scale[..., None]) + zero[..., None], 0, 2**bits - 1).astype(np.uint32)
    return q.reshape(out, inp), scale, zero


def _pack(values: np.ndarray, bits: int, axis: int, order: tuple[int, ...] | None = None) -> np.ndarray:
    """Pack unsigned values of `bits` along `axis` into uint32 words, first value in the lowest bits."""
    per = 32 // bits
    moved = np.moveaxis(values.astype(np.uint32), axis, -1)
    words = moved.reshape(*moved.shape[:-1], -1, per)
    if order is not None:
        words = words[..., list(order)]
    packed = np.zeros(words.shape[:-1], np.uint32)
    for j in range(per):
        packed |= words[..., j] << np.uint32(bits * j)
    return np.moveaxis(packed, -1, axis)


def _float16_rest(weights: dict[str, np.ndarray], quantized: set[str]) -> dict[str, np.ndarray]:
    return {name: value.astype(np.float16) for name, value in weights.items() if name not in quantized}


def write_gptq(folder: Path, weights: dict[str, np.ndarray], *, bits: int = 4, group: int = 64) -> Path:
    tensors, done = {}, set()
    for name, weight in weights.items():
        if not _is_block_linear(name):
            continue
        module = name.removesuffix(".weight")
        q, scale, zero = _affine_groups(weight, group, bits)          # [out, in], [out, groups]
        tensors[f"{module}.qweight"] = _pack(q.T, bits, axis=0).view(np.int32)             # [in*bits/32, out]
        tensors[f"{module}.qzeros"] = _pack((zero.T - 1) % 2**bits, bits, axis=1).view(np.int32)  # [groups, out*bits/32]
        tensors[f"{module}.scales"] = scale.T.astype(np.float16)                            # [groups, out]
        tensors[f"{module}.g_idx"] = (np.arange(weight.shape[1]) // group).astype(np.int32)
        done.add(name)
    tensors |= _float16_rest(weights, done)
    quantization = {"quant_method": "gptq", "bits": bits, "group_size": group, "desc_act": False, "sym": False, "true_sequential": True,
                    "damp_percent": 0.01}
    return _save(folder, tensors, CONFIG | {"quantization_config": quantization})


def write_awq(folder: Path, weights: dict[str, np.ndarray], *, bits: int = 4, group: int = 64, version: str = "gemm") -> Path:
    tensors, done = {}, set()
    for name, weight in weights.items():
        if not _is_block_linear(name):
            continue
        module = name.removesuffix(".weight")
        q, scale, zero = _affine_groups(weight, group, bits)
        if version == "gemm":
            interleave = (0, 2, 4, 6, 1, 3, 5, 7)
            tensors[f"{module}.qweight"] = _pack(q.T, bits, axis=1, order=interleave).view(np.int32)        # [in, out*bits/32]
            tensors[f"{module}.qzeros"] = _pack(zero.T, bits, axis=1, order=interleave).view(np.int32)      # [in/group, out*bits/32]
            tensors[f"{module}.scales"] = scale.T.astype(np.float16)                                         # [in/group, out]
        else:  # gemv: rows are outputs; zeros and scales padded to AutoAWQ's zeros width
            width = -(-(weight.shape[1] // group) // 8)
            zeros = np.zeros((weight.shape[0], width * 8), np.uint32)
            zeros[:, :zero.shape[1]] = zero
            scales = np.zeros((weight.shape[0], width * 8), np.float16)
            scales[:, :scale.shape[1]] = scale
            tensors[f"{module}.qweight"] = _pack(q, bits, axis=1).view(np.int32)       # [out, in*bits/32]
            tensors[f"{module}.qzeros"] = _pack(zeros, bits, axis=1).view(np.int32)    # [out, width]
            tensors[f"{module}.scales"] = scales                                        # [out, width*8]
        done.add(name)
    tensors |= _float16_rest(weights, done)
    quantization = {"quant_method": "awq", "bits": bits, "group_size": group, "zero_point": True, "version": version}
    return _save(folder, tensors, CONFIG | {"quantization_config": quantization})


NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
                -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
                0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0], np.float32)


def write_bnb_4bit(folder: Path, weights: dict[str, np.ndarray], *, blocksize: int = 64) -> Path:
    tensors, done = {}, set()
    dynamic = np.linspace(-1, 1, 256, dtype=np.float32)  # stands in for bitsandbytes' dynamic 8-bit map of the nested absmax
    for name, weight in weights.items():
        if not _is_block_linear(name):
            continue
        flat = weight.reshape(-1, blocksize)
        absmax = np.abs(flat).max(1)
        index = np.abs((flat / absmax[:, None])[..., None] - NF4).argmin(-1).astype(np.uint8).reshape(-1)
        offset = float(absmax.mean())
        nested = (absmax - offset).reshape(-1, 256) if absmax.size % 256 == 0 else (absmax - offset)[None]
        nested_absmax = np.abs(nested).max(1)
        absmax_codes = np.abs((nested / nested_absmax[:, None]).reshape(-1)[:, None] - dynamic).argmin(-1).astype(np.uint8)
        tensors[name] = ((index[0::2] << 4) | index[1::2]).reshape(-1, 1)
        tensors[f"{name}.absmax"] = absmax_codes
        tensors[f"{name}.quant_map"] = NF4
        tensors[f"{name}.nested_absmax"] = nested_absmax.astype(np.float32)
        tensors[f"{name}.nested_quant_map"] = dynamic
        state = {"quant_type": "nf4", "blocksize": blocksize, "dtype": "bfloat16", "shape": list(weight.shape), "nested_blocksize": 256,
                 "nested_dtype": "float32", "nested_offset": offset}
        tensors[f"{name}.quant_state.bitsandbytes__nf4"] = np.frombuffer(json.dumps(state).encode(), np.uint8).copy()
        done.add(name)
    tensors |= _float16_rest(weights, done)
    quantization = {"quant_method": "bitsandbytes", "load_in_4bit": True, "load_in_8bit": False, "bnb_4bit_quant_type": "nf4",
                    "bnb_4bit_use_double_quant": True, "bnb_4bit_compute_dtype": "bfloat16", "bnb_4bit_quant_storage": "uint8"}
    return _save(folder, tensors, CONFIG | {"quantization_config": quantization})


def write_bnb_8bit(folder: Path, weights: dict[str, np.ndarray]) -> Path:
    tensors, done = {}, set()
    for name, weight in weights.items():
        if not _is_block_linear(name):
            continue
        module = name.removesuffix(".weight")
        row_absmax = np.abs(weight).max(1)
        tensors[name] = np.round(weight / row_absmax[:, None] * 127).astype(np.int8)
        tensors[f"{module}.SCB"] = row_absmax.astype(np.float32)
        tensors[f"{module}.weight_format"] = np.array(0, np.uint8)
        done.add(name)
    tensors |= _float16_rest(weights, done)
    quantization = {"quant_method": "bitsandbytes", "load_in_8bit": True, "load_in_4bit": False, "llm_int8_threshold": 6.0,
                    "llm_int8_has_fp16_weight": False}
    return _save(folder, tensors, CONFIG | {"quantization_config": quantization})


def write_mlx(folder: Path, weights: dict[str, np.ndarray], *, bits: int = 4, group: int = 64, overrides: dict[str, int] | None = None) -> Path:
    """mlx-lm quantizes every Linear and Embedding whose input width divides by the group size (here: all 2-D weights)."""
    tensors, done = {}, set()
    overrides = overrides or {}
    for name, weight in weights.items():
        if weight.ndim != 2:
            continue
        module = name.removesuffix(".weight")
        width = overrides.get(module, bits)
        out, inp = weight.shape
        grouped = weight.reshape(out, inp // group, group)
        low, high = grouped.min(-1), grouped.max(-1)
        scale = np.maximum(high - low, 1e-8) / (2**width - 1)
        q = np.clip(np.round((grouped - low[..., None]) / scale[..., None]), 0, 2**width - 1).reshape(out, inp)
        tensors[name] = _pack(q, width, axis=1)                 # [out, in*bits/32] U32
        tensors[f"{module}.scales"] = scale.astype(np.float16)  # [out, in/group]
        tensors[f"{module}.biases"] = low.astype(np.float16)    # [out, in/group]
        done.add(name)
    tensors |= _float16_rest(weights, done)
    quantization = {"group_size": group, "bits": bits} | {module: {"group_size": group, "bits": width} for module, width in overrides.items()}
    config = {k: v for k, v in CONFIG.items() if k != "torch_dtype"} | {"quantization": quantization, "quantization_config": quantization}
    return _save(folder, tensors, config, metadata={"format": "mlx"})


def _save(folder: Path, tensors: dict[str, np.ndarray], config: dict, metadata: dict | None = None) -> Path:
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file({name: np.ascontiguousarray(value) for name, value in sorted(tensors.items())}, str(folder / "model.safetensors"),
              metadata=metadata or {"format": "pt"})
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    return folder


# scheme -> (writer, keyword arguments, the expected `quantization` fact and its details); counts come from REFERENCE_SHAPES.
CASES = {
    "gptq-4bit-g64": (write_gptq, {"bits": 4, "group": 64}, "gptq-4bit", {"scheme": "gptq", "bits": 4, "group_size": 64}),
    "gptq-8bit-g128": (write_gptq, {"bits": 8, "group": 128}, "gptq-8bit", {"scheme": "gptq", "bits": 8, "group_size": 128}),
    "awq-gemm-4bit-g64": (write_awq, {"bits": 4, "group": 64}, "awq-4bit", {"scheme": "awq", "bits": 4, "group_size": 64}),
    "awq-gemv-4bit-g64": (write_awq, {"bits": 4, "group": 64, "version": "gemv"}, "awq-4bit", {"scheme": "awq", "bits": 4, "group_size": 64}),
    "bnb-nf4": (write_bnb_4bit, {"blocksize": 64}, "bitsandbytes-4bit", {"scheme": "bitsandbytes", "bits": 4, "group_size": 64}),
    "bnb-int8": (write_bnb_8bit, {}, "bitsandbytes-8bit", {"scheme": "bitsandbytes", "bits": 8, "group_size": None}),
    "mlx-4bit-g64": (write_mlx, {"bits": 4, "group": 64}, "mlx-4bit", {"scheme": "mlx", "bits": 4, "group_size": 64}),
    "mlx-mixed-4-8bit": (write_mlx, {"bits": 4, "group": 32, "overrides": {"model.layers.0.mlp.down_proj": 8}}, "mlx-4bit",
                         {"scheme": "mlx", "bits": 4, "group_size": 32}),
}
