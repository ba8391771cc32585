"""Packed quantized safetensors: GPTQ, AWQ, bitsandbytes 4/8-bit and MLX, unpacked to the shapes of the weights they stand for.

A quantized linear layer is stored as integer words and scales, not as its weight: GPTQ's `qweight` is an
I32 [in*bits/32, out]. Counting elements of floating tensors (the usual rule) then misses nearly every
parameter. Each layout below says how to recognise a packed module from its tensors' names and dtypes, which
tensors are bookkeeping (zeros, scales, group indices, absmax tables), and how the packed shapes give the
logical [out, in] weight, its bits and its group size, mostly from the shapes alone; the quantization config
(`quantization_config`, MLX's `quantization`) fills in what the shapes cannot show and is cross-checked.

| scheme | packed module (as saved) | logical weight |
| --- | --- | --- |
| gptq | `qweight` I32 [in*bits/32, out], `qzeros` I32, `scales` F16 [groups, out], `g_idx` I32 [in] | [out, len(g_idx)]; bits = 32*rows/in |
| awq gemm | `qweight` I32 [in, out*bits/32], `qzeros`, `scales` F16 [groups, out] | [scales cols, qweight rows]; bits = 32*cols/out |
| awq gemv | `qweight` I32 [out, in*bits/32], `qzeros`, `scales` (padded) | [qweight rows, cols*32/bits]; bits from the config |
| bitsandbytes 4-bit | `weight` U8 [n, 1], `weight.absmax`, `weight.quant_map`, `weight.nested_*`, `weight.quant_state.bitsandbytes__nf4/fp4` | `shape` of the quant-state JSON (a few hundred bytes, read from the file) |
| bitsandbytes 8-bit | `weight` I8 [out, in], `SCB` F32 [out], `weight_format` | the I8 weight itself (row-wise scales) |
| mlx | `weight` U32 [out, in*bits/32], `scales`, `biases` [out, in/group] | [rows, scales cols * group]; bits = 32*cols/in |
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

from engine.errors import CorruptFile
from engine.facts.tensors import TensorInfo

# logical dtype labels for the unpacked weights (the claim vocabulary spells 4-bit integers `int4` -> I4)
_INT = {2: "I2", 3: "I3", 4: "I4", 8: "I8"}


@dataclass(frozen=True)
class Unpacked:
    shape: tuple[int, int]
    bits: int
    group_size: int | None
    dtype: str | None = None  # the logical values' type when not plain integers (bitsandbytes' NF4, FP4)


@dataclass(frozen=True)
class Layout:
    scheme: str
    weight: str                 # the packed tensor's suffix (module + "." + weight)
    aux: tuple[str, ...]        # bookkeeping tensors' suffixes: not parameters
    signature: Callable[[dict[str, TensorInfo], str], bool]  # (suffix -> tensor of one module, configured method): is this layout?
    unpack: Callable[[dict[str, TensorInfo], dict], Unpacked]  # (module tensors, quantization config) -> logical weight


def _div(a: int, b: int, what: str) -> int:
    if b <= 0 or a % b:
        raise CorruptFile(f"packed weights: {what} ({a} / {b}) is not a whole number")
    return a // b


def _gptq(parts: dict[str, TensorInfo], config: dict) -> Unpacked:
    rows, out = parts["qweight"].shape
    if "g_idx" in parts:
        inp = parts["g_idx"].shape[0]
        bits = _div(32 * rows, inp, "GPTQ bits (32 * qweight rows / g_idx length)")
    else:
        bits = int(config["bits"])
        inp = _div(rows * 32, bits, "GPTQ input width")
    return Unpacked((out, inp), bits, _div(inp, parts["scales"].shape[0], "GPTQ group size"))


def _awq(parts: dict[str, TensorInfo], config: dict) -> Unpacked:
    (rows, cols), (groups, scale_cols) = parts["qweight"].shape, parts["scales"].shape
    if str(config.get("version", "gemm")).lower() == "gemv" or groups == rows:  # GEMV keeps outputs as rows
        bits = int(config.get("bits") or config.get("w_bit") or 4)
        return Unpacked((rows, _div(cols * 32, bits, "AWQ GEMV input width")), bits, config.get("group_size") or config.get("q_group_size"))
    return Unpacked((scale_cols, rows), _div(32 * cols, scale_cols, "AWQ bits (32 * qweight cols / outputs)"), _div(rows, groups, "AWQ group size"))


def _mlx(parts: dict[str, TensorInfo], config: dict) -> Unpacked:
    rows, cols = parts["weight"].shape[0], parts["weight"].shape[-1]
    group = int(config.get("group_size") or 64)  # mlx's default when a config leaves it out
    inp = parts["scales"].shape[-1] * group
    return Unpacked((rows, inp), _div(32 * cols, inp, "MLX bits (32 * packed cols / input width)"), group)


def _bnb_4bit(parts: dict[str, TensorInfo], config: dict) -> Unpacked:
    state_name = next(suffix for suffix in parts if suffix.startswith("weight.quant_state.bitsandbytes__"))
    state = _read_json_tensor(parts[state_name])
    shape = tuple(int(n) for n in state.get("shape", ()))
    if len(shape) != 2 or parts["weight"].numel * 2 < shape[0] * shape[1]:
        raise CorruptFile(f"{parts['weight'].file}: {parts['weight'].name}: quant state shape {list(shape)} does not fit {parts['weight'].numel:,} packed bytes")
    return Unpacked(shape, 4, int(state.get("blocksize") or 64), str(state.get("quant_type", "nf4")).upper())


def _bnb_8bit(parts: dict[str, TensorInfo], config: dict) -> Unpacked:
    return Unpacked(parts["weight"].shape, 8, None)  # LLM.int8 scales each row (SCB), not groups


def _has(*required: tuple[str, str | tuple[str, ...]], unless: Callable[[dict[str, TensorInfo], str], bool] = lambda parts, method: False):
    """A signature: each (suffix, dtypes) is in the module, and `unless` does not hold."""
    def matches(parts: dict[str, TensorInfo], method: str) -> bool:
        return not unless(parts, method) and all(suffix in parts and parts[suffix].dtype in ((dtypes,) if isinstance(dtypes, str) else dtypes)
                                                 for suffix, dtypes in required)

    return matches


_BNB4_AUX = ("weight.absmax", "weight.quant_map", "weight.nested_absmax", "weight.nested_quant_map", "weight.quant_state.bitsandbytes__nf4",
             "weight.quant_state.bitsandbytes__fp4")
LAYOUTS = (
    # GPTQ and AWQ both store qweight/qzeros/scales: GPTQ keeps g_idx (its act-order map) and says so in its config
    Layout("gptq", "qweight", ("qzeros", "scales", "g_idx"),
           _has(("qweight", "I32"), ("qzeros", "I32"), unless=lambda parts, method: "g_idx" not in parts and method != "gptq"), _gptq),
    Layout("awq", "qweight", ("qzeros", "scales"), _has(("qweight", "I32"), ("qzeros", "I32"), ("scales", ("F16", "BF16", "F32"))), _awq),
    Layout("bitsandbytes", "weight", _BNB4_AUX, lambda parts, method: "weight" in parts and parts["weight"].dtype == "U8" and any(
        suffix.startswith("weight.quant_state.bitsandbytes__") for suffix in parts), _bnb_4bit),
    Layout("bitsandbytes", "weight", ("SCB", "weight_format"), _has(("weight", "I8"), ("SCB", "F32")), _bnb_8bit),
    Layout("mlx", "weight", ("scales", "biases"), _has(("weight", "U32"), ("scales", ("F16", "BF16", "F32")), ("biases", ("F16", "BF16", "F32"))), _mlx),
)
_SUFFIXES = sorted({s for layout in LAYOUTS for s in (layout.weight, *layout.aux)}, key=len, reverse=True)
_SPLIT = re.compile(r"^(?P<module>.+?)\.(?P<suffix>" + "|".join(re.escape(s) for s in _SUFFIXES) + r")$")
# config keys that state the scheme: Hugging Face's quantization_config (quant_method) and mlx-lm's quantization
QUANT_METHODS = {"gptq": "gptq", "awq": "awq", "bitsandbytes": "bitsandbytes"}


def quantization_config(config: dict) -> dict:
    """The config's quantization settings: `quantization_config` (transformers), else MLX's `quantization`."""
    for key in ("quantization_config", "quantization"):
        if isinstance(config.get(key), dict):
            return config[key]
    return {}


def unpack_quantized(tensors: list[TensorInfo], config: dict) -> tuple[list[TensorInfo], dict | None]:
    """The table with every packed module replaced by its logical weight (and its bookkeeping tensors dropped), and the
    quantization details {scheme, bits, group_size, ...} read from the packing; (tensors, None) when nothing is packed."""
    modules: dict[str, dict[str, TensorInfo]] = {}
    for info in tensors:
        match = _SPLIT.match(info.name)
        if match:
            modules.setdefault(match["module"], {})[match["suffix"]] = info
    settings = quantization_config(config)
    method = str(settings.get("quant_method", "")).lower()
    found: dict[str, tuple[Layout, Unpacked]] = {}
    for module, parts in modules.items():
        layout = next((layout for layout in LAYOUTS if layout.signature(parts, method)), None)
        if layout is not None:
            found[module] = (layout, layout.unpack(parts, settings | (settings.get(module) if isinstance(settings.get(module), dict) else {})))
    if not found:
        return tensors, None
    replaced: dict[str, TensorInfo] = {}
    dropped: set[str] = set()
    for module, (layout, unpacked) in found.items():
        parts = modules[module]
        packed = parts[layout.weight]
        replaced[packed.name] = replace(packed, name=f"{module}.weight", dtype=unpacked.dtype or _INT.get(unpacked.bits, f"I{unpacked.bits}"),
                                        shape=unpacked.shape, packed=layout.scheme)
        dropped.update(parts[suffix].name for suffix in layout.aux if suffix in parts)
    logical = [replaced.get(info.name, info) for info in tensors if info.name not in dropped]
    return logical, _details(found)


def _details(found: dict[str, tuple[Layout, Unpacked]]) -> dict:
    schemes = Counter(layout.scheme for layout, _ in found.values())
    bits = Counter(unpacked.bits for _, unpacked in found.values())
    groups = Counter(unpacked.group_size for _, unpacked in found.values())
    main_bits, main_group = bits.most_common(1)[0][0], groups.most_common(1)[0][0]
    details = {"scheme": schemes.most_common(1)[0][0], "bits": main_bits, "group_size": main_group, "modules": len(found),
               "source": f"packed tensors of {len(found)} modules ({', '.join(sorted(schemes))} layout)"}
    other = {module: unpacked.bits for module, (_, unpacked) in sorted(found.items()) if unpacked.bits != main_bits}
    if other:
        details["bits_per_module"] = other
    types = {unpacked.dtype for _, unpacked in found.values() if unpacked.dtype}
    if types:
        details["quant_type"] = "/".join(sorted(t.lower() for t in types))
    return details


def declared_quantization(config: dict) -> tuple[str, str] | None:
    """(name such as 'gptq-4bit', config key) as the config states it, for the comparison with the packing."""
    settings = quantization_config(config)
    method = str(settings.get("quant_method", "")).lower()
    if method not in QUANT_METHODS and "bits" in settings and "group_size" in settings and "quantization" in config:
        method = "mlx"  # mlx-lm writes {group_size, bits} and no method
    if not method:
        return None
    bits = settings.get("bits") or settings.get("w_bit") or (4 if settings.get("load_in_4bit") else 8 if settings.get("load_in_8bit") else None)
    return (f"{method}-{bits}bit" if bits else method), ("quantization_config" if "quantization_config" in config else "quantization")


def quantization_name(details: dict) -> str:
    return f"{details['scheme']}-{details['bits']}bit"


def _read_json_tensor(info: TensorInfo) -> dict:
    """bitsandbytes packs its quant state as the UTF-8 bytes of a JSON object in a U8 tensor."""
    if info.end - info.start > 1 << 16:
        raise CorruptFile(f"{info.file}: {info.name}: a quant state of {info.end - info.start:,} bytes is not a bitsandbytes quant state")
    from engine.storage import one_file

    raw = one_file(info.file).read_at(info.start, info.end - info.start)  # a path or a URI: one ranged read of a few hundred bytes
    try:
        state = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CorruptFile(f"{info.file}: {info.name} is not a JSON quant state") from None
    if not isinstance(state, dict):
        raise CorruptFile(f"{info.file}: {info.name} is not a JSON quant state")
    return state
