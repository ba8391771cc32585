"""safetensors: the 8-byte length and JSON header give every tensor's name, dtype, shape and byte range.

Only the header is read, never the tensor data, so a 2 GB file costs what a 20 MB one does: one ranged read of the
first block (engine.storage), and a second for the rest of a header longer than that. Every claim the header makes is
checked against the file (length, offsets inside the data section) before it is used.
"""
from __future__ import annotations

import struct
from pathlib import Path

from engine.errors import CorruptFile, UnsupportedFormat
from engine.facts.tensors import DTYPES, TensorInfo
from engine.storable import loads_strict
from engine.storage import ModelFile, ModelTree, one_file

MAX_HEADER_BYTES = 100 * 1024 * 1024  # the safetensors library's own limit
INDEX_FILE = "model.safetensors.index.json"
SINGLE_FILE = "model.safetensors"  # transformers loads it in preference to an index beside it


def read_safetensors_header(file: ModelFile | Path) -> tuple[list[TensorInfo], dict]:
    """The tensor table and the `__metadata__` of one safetensors file (CorruptFile when the header lies)."""
    file = one_file(file)
    size = file.size
    first = file.read_at(0, file.tree.block_bytes)
    if len(first) < 8:
        raise CorruptFile(f"{file}: {len(first)} bytes is too short for a safetensors header (8-byte length first)")
    (length,) = struct.unpack("<Q", first[:8])
    if length > MAX_HEADER_BYTES:
        raise CorruptFile(f"{file}: header claims {length:,} bytes, above the {MAX_HEADER_BYTES:,}-byte limit")
    if 8 + length > size:
        raise CorruptFile(f"{file}: header claims {length:,} bytes but the file holds only {size - 8:,} after the length")
    raw = first[8:8 + length] + (file.read_at(len(first), 8 + length - len(first)) if 8 + length > len(first) else b"")
    try:
        header = loads_strict(raw)
    except RecursionError:
        raise CorruptFile(f"{file}: header is not JSON (nested too deeply)") from None
    except ValueError as error:
        raise CorruptFile(f"{file}: header is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise CorruptFile(f"{file}: header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(value, str) for value in metadata.values()):
        raise CorruptFile(f"{file}: __metadata__ must map text to text (the format's str -> str), not {type(metadata).__name__} "
                          f"{str(metadata)[:80]}")
    base = 8 + length
    return [_tensor(file, name, entry, base, size) for name, entry in header.items()], metadata


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _tensor(file: ModelFile, name: str, entry: object, base: int, size: int) -> TensorInfo:
    if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= set(entry):
        raise CorruptFile(f"{file}: tensor {name} is {str(entry)[:80]}, not an entry with dtype, shape and data_offsets")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(dtype, str):
        raise CorruptFile(f"{file}: tensor {name} has dtype {dtype!r}, which is not a dtype name")
    if dtype not in DTYPES:
        raise UnsupportedFormat(f"{file}: tensor {name} has dtype {dtype}, which this reader does not know")
    if not isinstance(shape, list) or not all(map(_is_count, shape)):
        raise CorruptFile(f"{file}: tensor {name} has shape {str(shape)[:80]}: a shape is a list of non-negative integers")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(map(_is_count, offsets)):
        raise CorruptFile(f"{file}: tensor {name} has data_offsets {str(offsets)[:80]}, not [start, end] bytes of the data section")
    shape, (start, end) = tuple(shape), offsets
    if start > end:
        raise CorruptFile(f"{file}: tensor {name} claims bytes {start}..{end}: its end comes before its start")
    if base + end > size:
        raise CorruptFile(f"{file}: tensor {name} claims bytes {start}..{end} of the data section, outside the file ({size - base:,} data bytes)")
    info = TensorInfo(name, dtype, shape, file.location, base + start, base + end)
    if (end - start) * 8 != info.numel * info.bits:
        raise CorruptFile(f"{file}: tensor {name} has shape {list(shape)} of {dtype} but {end - start:,} bytes")
    return info


def shard_map(tree: ModelTree, folder: str) -> dict[str, str] | None:
    """model.safetensors.index.json's weight_map (tensor -> shard file name) in `folder` (a label), or None without an index."""
    index = tree.file(f"{folder}/{INDEX_FILE}" if folder else INDEX_FILE)
    if index is None:
        return None
    try:
        weight_map = loads_strict(index.read_bytes())["weight_map"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise CorruptFile(f"{index}: not a safetensors index (no weight_map)") from None
    if not isinstance(weight_map, dict) or not all(isinstance(k, str) and isinstance(v, str) and "/" not in v for k, v in weight_map.items()):
        raise CorruptFile(f"{index}: weight_map must map tensor names to shard file names in the same folder")
    return weight_map


def read_safetensors(files: list[ModelFile]) -> tuple[list[TensorInfo], dict]:
    """Tensor tables of several files (shards) and their metadata, merged."""
    tensors, metadata = [], {}
    for file in files:
        found, meta = read_safetensors_header(file)
        tensors.extend(found)
        metadata.update(meta)
    return tensors, metadata
