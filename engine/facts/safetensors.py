"""safetensors: the 8-byte length and JSON header give every tensor's name, dtype, shape and byte range.

Only the header is read, never the tensor data, so a 2 GB file costs what a 20 MB one does. Every claim
the header makes is checked against the file (length, offsets inside the data section) before it is used.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

from engine.errors import CorruptFile, UnsupportedFormat
from engine.facts.tensors import DTYPES, TensorInfo

MAX_HEADER_BYTES = 100 * 1024 * 1024  # the safetensors library's own limit
INDEX_FILE = "model.safetensors.index.json"
SINGLE_FILE = "model.safetensors"  # transformers loads it in preference to an index beside it


def read_safetensors_header(file: Path) -> tuple[list[TensorInfo], dict]:
    """The tensor table and the `__metadata__` of one safetensors file (CorruptFile when the header lies)."""
    size = file.stat().st_size
    with file.open("rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise CorruptFile(f"{file}: {len(prefix)} bytes is too short for a safetensors header (8-byte length first)")
        (length,) = struct.unpack("<Q", prefix)
        if length > MAX_HEADER_BYTES:
            raise CorruptFile(f"{file}: header claims {length:,} bytes, above the {MAX_HEADER_BYTES:,}-byte limit")
        if 8 + length > size:
            raise CorruptFile(f"{file}: header claims {length:,} bytes but the file holds only {size - 8:,} after the length")
        raw = handle.read(length)
    try:
        header = json.loads(raw)
    except ValueError as error:
        raise CorruptFile(f"{file}: header is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise CorruptFile(f"{file}: header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    base = 8 + length
    return [_tensor(file, name, entry, base, size) for name, entry in header.items()], metadata


def _tensor(file: Path, name: str, entry: object, base: int, size: int) -> TensorInfo:
    try:
        dtype, shape, (start, end) = entry["dtype"], tuple(int(n) for n in entry["shape"]), entry["data_offsets"]
    except (TypeError, KeyError, ValueError):
        raise CorruptFile(f"{file}: tensor {name} lacks dtype, shape or data_offsets") from None
    if dtype not in DTYPES:
        raise UnsupportedFormat(f"{file}: tensor {name} has dtype {dtype}, which this reader does not know")
    if not (isinstance(start, int) and isinstance(end, int)) or start > end or base + end > size:
        raise CorruptFile(f"{file}: tensor {name} claims bytes {start}..{end} of the data section, outside the file ({size - base:,} data bytes)")
    info = TensorInfo(name, dtype, shape, file, base + start, base + end)
    if (end - start) * 8 != info.numel * info.bits:
        raise CorruptFile(f"{file}: tensor {name} has shape {list(shape)} of {dtype} but {end - start:,} bytes")
    return info


def shard_map(folder: Path) -> dict[str, str] | None:
    """model.safetensors.index.json's weight_map (tensor -> shard file name), or None without an index."""
    index = folder / INDEX_FILE
    if not index.is_file():
        return None
    try:
        weight_map = json.loads(index.read_text())["weight_map"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise CorruptFile(f"{index}: not a safetensors index (no weight_map)") from None
    if not isinstance(weight_map, dict) or not all(isinstance(k, str) and isinstance(v, str) and "/" not in v for k, v in weight_map.items()):
        raise CorruptFile(f"{index}: weight_map must map tensor names to shard file names in the same folder")
    return weight_map


def read_safetensors(files: list[Path]) -> tuple[list[TensorInfo], dict]:
    """Tensor tables of several files (shards) and their metadata, merged."""
    tensors, metadata = [], {}
    for file in files:
        found, meta = read_safetensors_header(file)
        tensors.extend(found)
        metadata.update(meta)
    return tensors, metadata
