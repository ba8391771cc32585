"""The tensor table every format is reduced to: name, dtype (safetensors spelling), shape, and where the bytes are.

Dtype names follow safetensors ("F32", "BF16", "I64"); GGUF tensors keep their ggml type name ("Q4_1").
A tensor counts as a parameter unless its dtype is an integer or boolean type: integer tensors in a
checkpoint are buffers (BERT's position_ids), not learned weights. Packed quantized weights (GPTQ's I32
`qweight`, ...) are unpacked to their logical shape first (engine.facts.packed) and count in full.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# safetensors dtype -> bits per value (engine.lineage.tensors maps each to the numpy type that reads its bytes); no numpy
# here: reading facts from headers must not pay numpy's import at every cold start.
DTYPES = {
    "F64": 64, "F32": 32, "F16": 16, "BF16": 16, "I64": 64, "I32": 32, "I16": 16, "I8": 8, "U8": 8, "U16": 16, "U32": 32, "U64": 64,
    "BOOL": 8, "F8_E4M3": 8, "F8_E5M2": 8,
}
FLOAT_DTYPES = frozenset({"F64", "F32", "F16", "BF16"})
NON_PARAMETER_DTYPES = frozenset({"I64", "I32", "I16", "I8", "U8", "U16", "U32", "U64", "BOOL"})


@dataclass(frozen=True)
class TensorInfo:
    """One tensor of a checkpoint. `start`/`end` are absolute byte offsets in `file` when the bytes can be mapped."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    file: Path
    start: int = 0
    end: int = 0
    storage: str | None = None  # pickle checkpoints: tensors sharing a storage and offset are one parameter
    packed: str | None = None  # the logical weight of a packed quantized module (engine.facts.packed): its scheme

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def is_float(self) -> bool:
        return self.dtype in FLOAT_DTYPES

    @property
    def is_parameter(self) -> bool:
        return self.packed is not None or self.dtype not in NON_PARAMETER_DTYPES

    @property
    def bits(self) -> int:
        """Stored bits per value: the dtype's, or the packing's for an unpacked quantized weight ("I4")."""
        return int(self.dtype.lstrip("INFP")) if self.packed is not None else DTYPES[self.dtype]


def count_parameters(tensors: list[TensorInfo]) -> int:
    """Elements of every parameter tensor, counting tensors that share storage (tied weights) once."""
    seen, total = set(), 0
    for info in tensors:
        if not info.is_parameter:
            continue
        key = (info.storage, info.start, info.shape) if info.storage is not None else (info.file, info.name)
        if key not in seen:
            seen.add(key)
            total += info.numel
    return total


def dtype_elements(tensors: list[TensorInfo]) -> dict[str, int]:
    """Element count per dtype, largest first."""
    counts = Counter()
    for info in tensors:
        counts[info.dtype] += info.numel
    return dict(counts.most_common())


def dominant_dtype(tensors: list[TensorInfo]) -> str | None:
    """The dtype holding most parameter elements (all elements when the table has no parameters)."""
    counts = dtype_elements([t for t in tensors if t.is_parameter]) or dtype_elements(tensors)
    return next(iter(counts), None)
