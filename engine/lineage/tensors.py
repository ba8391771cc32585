"""Stream the tensors of a safetensors model one at a time, memory-mapped, without torch.

A model is a .safetensors file or a directory of them (sharded models, sentence-transformers folders,
PEFT adapters). Only the header is parsed eagerly, by engine.facts.safetensors (the one header parser);
`read` maps one tensor's bytes and converts it to float32, so comparing two models never holds more than
one tensor of each in memory.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from engine.errors import NotFound, UnsupportedFormat
from engine.facts.safetensors import read_safetensors_header
from engine.facts.tensors import DTYPES, TensorInfo, count_parameters

__all__ = ["WeightFiles"]


class WeightFiles:
    """The tensor table of one model (name -> TensorInfo) and memory-mapped access to each tensor."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise NotFound(f"no model file or directory at {self.path}")
        files = sorted(self.path.glob("**/*.safetensors")) if self.path.is_dir() else [self.path]
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
        stored, _ = DTYPES[info.dtype]
        raw = np.memmap(info.file, dtype=np.uint8, mode="r", offset=info.start, shape=(info.end - info.start,)) if info.end > info.start \
            else np.zeros(0, np.uint8)
        values = raw.view(stored)
        if info.dtype == "BF16":
            values = (values.astype(np.uint32) << 16).view(np.float32)
        return values.astype(np.float32, copy=False).reshape(info.shape)

    @cached_property
    def parameters(self) -> int:
        return count_parameters(list(self.tensors.values()))  # the facts' own definition

    @cached_property
    def float_bits(self) -> int | None:
        """The widest float width stored: a model cast to fp16 reports 16, the original 32."""
        bits = [info.bits for info in self.tensors.values() if info.is_float]
        return max(bits) if bits else None

