"""GGUF tensors for lineage: values at sampled positions, dequantized block by block with gguf.quants.

A sketch needs a few hundred values per tensor, at positions fixed by the tensor's size. Each position lies in
one quantization block (32 or 256 values); only the blocks that hold a sampled position are dequantized, so
a 135M-parameter Q4 file is sketched in a fraction of a second instead of dequantizing every weight.

Positions are those of the Hugging Face layout the model was converted from: GGUF shapes reversed are the
original shapes, and for llama-style rope (`LLAMA_PERMUTED`) convert_hf_to_gguf.py permuted the rows of the
query and key projections within each head (LlamaModel.permute); the row a sampled position falls in is
mapped through that permutation, so a GGUF child's samples line up with its safetensors parent's.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from engine.facts.gguf_header import bits_per_weight, read_gguf
from engine.facts.tensors import TensorInfo, count_parameters
from engine.lineage.tensors import matrix_bits

# GGUF architectures whose converter interleaves each head's rotary halves in attn_q / attn_k (LlamaModel.permute)
LLAMA_PERMUTED = frozenset({"llama"})
_PERMUTED = {"attn_q": "head_count", "attn_k": "head_count_kv"}  # tensor kind -> header key giving its head count
_INTEGER_TYPES = frozenset({"I8", "I16", "I32", "I64"})


class GGUFWeights:
    """The tensor table of one GGUF file and sampled, dequantized access to each tensor."""

    exact = False  # dequantizing whole tensors is slow: comparisons use the sampled values

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.files = [self.path]
        self.header = read_gguf(self.path)
        self.architecture = str(self.header.values.get("general.architecture", ""))

    @cached_property
    def tensors(self) -> dict[str, TensorInfo]:
        return {info.name: info for info in self.header.tensors}

    @cached_property
    def naming(self) -> dict:
        blocks = self.header.values.get(f"{self.architecture}.block_count")
        return {"scheme": "gguf", "architecture": self.architecture, "blocks": blocks}

    @cached_property
    def parameters(self) -> int:
        return count_parameters(list(self.tensors.values()))

    @cached_property
    def bits_per_weight(self) -> float | None:
        return matrix_bits((info, bits_per_weight(info.dtype)) for info in self.tensors.values())

    float_bits = None  # the weights are not floats; bits_per_weight says what they are stored in

    @staticmethod
    def samplable(info: TensorInfo) -> bool:
        """Every float or quantized tensor (gguf.quants dequantizes them); integer tensors are not weights."""
        return info.dtype not in _INTEGER_TYPES

    def read_samples(self, name: str, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(values at the flat positions of the original layout, every value of the blocks read: what the moments use)."""
        import gguf

        info = self.tensors[name]
        qtype = gguf.GGMLQuantizationType[info.dtype]
        block, type_size = gguf.GGML_QUANT_SIZES[qtype]
        columns = info.shape[-1] if info.shape else 1
        rows, within = np.divmod(positions, columns)
        flat = self._stored_rows(name, rows, info.shape[0] if info.shape else 1) * columns + within
        wanted, slot = np.unique(flat // block, return_inverse=True)
        raw = np.memmap(info.file, dtype=np.uint8, mode="r", offset=info.start, shape=(info.end - info.start,)).reshape(-1, type_size)
        values = gguf.quants.dequantize(np.ascontiguousarray(raw[wanted]), qtype).reshape(len(wanted), block)
        return values[slot, flat % block].astype(np.float32), values.reshape(-1)

    def _stored_rows(self, name: str, rows: np.ndarray, total: int) -> np.ndarray:
        """Where each original row is stored: the identity, except llama-style Q/K rows (interleaved within each head)."""
        kind = name.split(".")[-2] if name.count(".") >= 2 else ""
        if self.architecture not in LLAMA_PERMUTED or kind not in _PERMUTED:
            return rows
        heads = int(self.header.values.get(f"{self.architecture}.attention.{_PERMUTED[kind]}") or
                    self.header.values.get(f"{self.architecture}.attention.head_count"))
        size = total // heads
        head, offset = np.divmod(rows, size)
        half, index = np.divmod(offset, size // 2)
        return head * size + 2 * index + half
