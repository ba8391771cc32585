"""Stream the tensors of a model one at a time, memory-mapped, without torch.

A model is a .safetensors file or a directory of them (sharded models, sentence-transformers folders,
PEFT adapters), or a GGUF file (engine.lineage.gguf_tensors). Only the header is parsed eagerly, by
engine.facts (the one header parser per format); `read` maps one tensor's bytes and converts it to float32,
so comparing two models never holds more than one tensor of each in memory.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from engine.errors import NotFound, UnsupportedFormat
from engine.facts.safetensors import read_safetensors_header
from engine.facts.tensors import TensorInfo, count_parameters
from engine.storage import model_files

# safetensors dtype -> numpy type of the stored bytes; BF16 is widened to float32 by a bit shift, FP8 is read as its bytes
STORED = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": np.uint16, "I64": np.int64, "I32": np.int32, "I16": np.int16,
          "I8": np.int8, "U8": np.uint8, "U16": np.uint16, "U32": np.uint32, "U64": np.uint64, "BOOL": np.bool_, "F8_E4M3": np.uint8,
          "F8_E5M2": np.uint8}

__all__ = ["WeightFiles", "open_weights"]


def open_weights(path: str | Path):
    """WeightFiles for safetensors, GGUFWeights for a .gguf file: the same questions answered for either."""
    path = Path(path)
    if path.is_file() and path.suffix == ".gguf":
        from engine.lineage.gguf_tensors import GGUFWeights

        return GGUFWeights(path)
    return WeightFiles(path)


def matrix_bits(tensors) -> float | None:
    """Stored bits per value over the weight matrices (2-D and up): what a quantization lowers. Norms and biases, which
    every format keeps in float32, do not count, so a Q4 GGUF with F32 norms reads 4.5-5.7, not 32."""
    matrices = [(info.numel, bits) for info, bits in tensors if len(info.shape) >= 2]
    total = sum(numel for numel, _ in matrices)
    return round(sum(numel * bits for numel, bits in matrices) / total, 4) if total else None


class WeightFiles:
    """The tensor table of one model (name -> TensorInfo) and memory-mapped access to each tensor."""

    exact = True   # whole tensors are cheap to read: comparisons use every value
    naming = None  # tensor names as the checkpoint's own library writes them (GGUF files say {"scheme": "gguf", ...})

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise NotFound(f"no model file or directory at {self.path}")
        # model_files: regular files only (a FIFO named x.safetensors is never opened), hidden folders skipped
        files = [f for f in model_files(self.path) if f.suffix == ".safetensors" or not self.path.is_dir()]
        if not files or any(f.suffix != ".safetensors" for f in files):
            raise UnsupportedFormat(f"{self.path}: weight comparison needs safetensors files")
        self.files = files

    @cached_property
    def tensors(self) -> dict[str, TensorInfo]:
        table = {}
        for file in self.files:
            for info in read_safetensors_header(file)[0]:
                table[info.name] = info
        return dict(sorted(table.items()))

    def read(self, name: str) -> np.ndarray:
        """One tensor as float32 (integers are cast too), memory-mapped from disk."""
        info = self.tensors[name]
        stored = STORED[info.dtype]
        raw = np.memmap(info.file, dtype=np.uint8, mode="r", offset=info.start, shape=(info.end - info.start,)) if info.end > info.start \
            else np.zeros(0, np.uint8)
        values = raw.view(stored)
        if info.dtype == "BF16":
            values = (values.astype(np.uint32) << 16).view(np.float32)
        return values.astype(np.float32, copy=False).reshape(info.shape)

    @staticmethod
    def samplable(info: TensorInfo) -> bool:
        return info.is_float

    def read_samples(self, name: str, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(values at the flat positions, the values the moments are computed over: here the whole tensor)."""
        values = self.read(name).reshape(-1)
        return values[positions], values

    @cached_property
    def parameters(self) -> int:
        return count_parameters(list(self.tensors.values()))  # the facts' own definition

    @cached_property
    def bits_per_weight(self) -> float | None:
        return matrix_bits((info, info.bits) for info in self.tensors.values() if info.is_float)

    @cached_property
    def float_bits(self) -> int | None:
        """The widest float width stored: a model cast to fp16 reports 16, the original 32."""
        bits = [info.bits for info in self.tensors.values() if info.is_float]
        return max(bits) if bits else None

