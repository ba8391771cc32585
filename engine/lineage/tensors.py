"""Stream the tensors of a safetensors model one at a time, memory-mapped, without torch.

A model is a .safetensors file or a directory of them (sharded models, sentence-transformers folders,
PEFT adapters). Only the header is parsed eagerly; `read` maps one tensor's bytes and converts it to
float32, so comparing two models never holds more than one tensor of each in memory.
"""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from engine.errors import CorruptFile, NotFound, UnsupportedFormat

MAX_HEADER_BYTES = 100 * 1024 * 1024
# safetensors dtype -> (numpy dtype of the stored bytes, bits per value); BF16 is widened by bit shift.
DTYPES = {
    "F64": (np.float64, 64), "F32": (np.float32, 32), "F16": (np.float16, 16), "BF16": (np.uint16, 16),
    "I64": (np.int64, 64), "I32": (np.int32, 32), "I16": (np.int16, 16), "I8": (np.int8, 8), "U8": (np.uint8, 8),
    "BOOL": (np.bool_, 8), "F8_E4M3": (np.uint8, 8), "F8_E5M2": (np.uint8, 8),
}
FLOAT_DTYPES = frozenset({"F64", "F32", "F16", "BF16"})


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: str
    shape: tuple[int, ...]
    file: Path
    start: int  # absolute byte offset in file
    end: int

    @property
    def numel(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1

    @property
    def is_float(self) -> bool:
        return self.dtype in FLOAT_DTYPES

    @property
    def bits(self) -> int:
        return DTYPES[self.dtype][1]


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
            for info in _read_header(file):
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

    @property
    def parameters(self) -> int:
        return sum(info.numel for info in self.tensors.values() if info.is_float)

    @property
    def float_bits(self) -> int | None:
        """The widest float width stored: a model cast to fp16 reports 16, the original 32."""
        bits = [info.bits for info in self.tensors.values() if info.is_float]
        return max(bits) if bits else None


def _read_header(file: Path) -> list[TensorInfo]:
    with file.open("rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise CorruptFile(f"{file}: too short for a safetensors header")
        (length,) = struct.unpack("<Q", prefix)
        if length > MAX_HEADER_BYTES:
            raise CorruptFile(f"{file}: header claims {length:,} bytes")
        try:
            header = json.loads(handle.read(length))
        except ValueError as error:
            raise CorruptFile(f"{file}: header is not JSON ({error})") from None
    size, base = file.stat().st_size, 8 + length
    infos = []
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        if entry["dtype"] not in DTYPES:
            raise UnsupportedFormat(f"{file}: tensor {name} has dtype {entry['dtype']}")
        if base + end > size or start > end:
            raise CorruptFile(f"{file}: tensor {name} lies outside the file")
        infos.append(TensorInfo(name, entry["dtype"], tuple(entry["shape"]), file, base + start, base + end))
    return infos
