"""The weight formats: how each is recognised (magic bytes first, then the file name) and read into facts.

Every reader takes the files of its format (engine.storage ModelFiles: ranged, counted reads, local or by URI), the
Facts being built and the model's tree (for the files beside them), records what its headers state, and returns the
tensor table. The table order is the preference order: when a folder holds several
formats (model.safetensors next to pytorch_model.bin), the first one gives the tensors, and every
pickle-based file is still read, because the security scan must see all of them.
"""
from __future__ import annotations

import posixpath
import struct
import zipfile
from dataclasses import dataclass
from typing import Callable

from engine.errors import UsageError
from engine.facts.gguf_header import ARCH_KEYS, GENERAL_KEYS, gguf_quantization, quantization_name, read_gguf
from engine.facts.pytorch import ZIP_MAGIC, read_pickle_file, read_torch_zip
from engine.facts.record import Facts
from engine.facts.safetensors import INDEX_FILE, SINGLE_FILE, read_safetensors, shard_map
from engine.facts.tensors import TensorInfo
from engine.storage import ModelFile, ModelTree

TORCH_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt")


def read_safetensors_files(files: list[ModelFile], facts: Facts, tree: ModelTree) -> list[TensorInfo]:
    """The tensor table a loader would build: for a sharded folder, the shards its index names, each tensor once."""
    tensors, metadata = [], {}
    for folder in sorted({posixpath.dirname(file.label) for file in files}):
        found, meta = _read_folder(tree, folder, [file for file in files if posixpath.dirname(file.label) == folder], facts)
        tensors.extend(found)
        metadata.update(meta)
    if metadata:
        facts.metadata["safetensors"] = metadata
    return tensors


def _read_folder(tree: ModelTree, folder: str, files: list[ModelFile], facts: Facts) -> tuple[list[TensorInfo], dict]:
    """transformers' rule: model.safetensors if present, else the shards of model.safetensors.index.json. Where the index and
    the shards disagree the facts follow the index (what gets loaded) and each disagreement is an integrity finding."""
    weight_map = shard_map(tree, folder)
    present = {file.name: file for file in files}
    if weight_map is None or SINGLE_FILE in present:
        return read_safetensors(files)
    index = posixpath.join(folder, INDEX_FILE)
    named = sorted(set(weight_map.values()))
    problems = facts.integrity
    for shard in named:
        if shard not in present:
            count = sum(1 for value in weight_map.values() if value == shard)
            problems.append(_problem("missing-shard", posixpath.join(folder, shard), None, f"{index} names shard {shard}, holding {count} "
                                                                                           "tensors, which is not in the folder"))
    for name, file in sorted(present.items()):
        if name not in named:
            problems.append(_problem("unindexed-shard", file.label, None, f"{file.label} is not named by {index}: a loader never reads it"))
    tables = {name: read_safetensors([present[name]]) for name in named if name in present}
    holders: dict[str, list[str]] = {}
    for shard, (found, _) in tables.items():
        for info in found:
            holders.setdefault(info.name, []).append(shard)
    for name, shard in sorted(weight_map.items()):
        if shard in tables and shard not in holders.get(name, []):
            problems.append(_problem("missing-tensor", index, name, f"{index} names {name} in {shard}, which does not hold it"))
    for name, shards in sorted(holders.items()):
        if len(shards) > 1:
            problems.append(_problem("duplicate-tensor", index, name, f"{name} is held by {len(shards)} shards ({', '.join(shards)}); "
                                                                      f"the index names {weight_map.get(name, 'neither')}"))
    tensors = [info for shard, (found, _) in tables.items() for info in found if weight_map.get(info.name, shard) == shard]
    metadata = {}
    for _, meta in tables.values():
        metadata.update(meta)
    return tensors, metadata


def _problem(kind: str, file: str, tensor: str | None, problem: str) -> dict:
    return {"kind": kind, "file": file, "tensor": tensor, "problem": problem}


def read_gguf_file(files: list[ModelFile], facts: Facts, tree: ModelTree) -> list[TensorInfo]:
    if len(files) > 1:
        raise UsageError(f"{len(files)} GGUF files ({', '.join(f.label for f in files)}): inspect one file at a time")
    file = files[0]
    header = read_gguf(file)
    values, where = header.values, file.label
    arch = values.get("general.architecture")
    facts.record("architecture", arch.lower() if isinstance(arch, str) else None, f"{where}:general.architecture")
    for fact, key in ARCH_KEYS.items():
        facts.record(fact, values.get(f"{arch}.{key}"), f"{where}:{arch}.{key}")
    facts.record("kv_heads", facts["attention_heads"], f"{where}:{arch}.attention.head_count (no head_count_kv: multi-head attention)")
    facts.record("vocab_size", values.get("tokenizer.ggml.tokens#length"), f"{where}:tokenizer.ggml.tokens (length)")
    if isinstance(values.get(f"{arch}.attention.key_length"), int):
        facts.hints["head_dim"] = (values[f"{arch}.attention.key_length"], f"{where}:{arch}.attention.key_length")
    if f"{arch}.pooling_type" in values:  # embedding models in GGUF declare how they pool
        facts.record("embedding_dim", facts["hidden_size"], f"{where}:{arch}.embedding_length ({arch}.pooling_type set)")
    quantization, file_type = quantization_name(values.get("general.file_type"))
    facts.record("quantization", quantization, f"{where}:general.file_type ({file_type})")
    facts.quantization_details = gguf_quantization(header.tensors, file_type)
    facts.metadata["gguf"] = {key.removeprefix("general."): values[key] for key in GENERAL_KEYS if key in values} | {
        "file_type": file_type, "chat_template": values.get("tokenizer.chat_template"), "architecture": arch}
    if values.get("tokenizer.chat_template"):
        facts.sources["chat_template"] = f"{where}:tokenizer.chat_template"
    return header.tensors


def _read_pickles(reader) -> Callable[[list[ModelFile], Facts, ModelTree], list[TensorInfo]]:
    """Pickle-based files are read whole: by the lake's own walk and by the three scanners, which take a file on this disk
    (a file behind a URI is streamed to a temporary copy once; its tensor table still names the URI)."""
    def read(files: list[ModelFile], facts: Facts, tree: ModelTree) -> list[TensorInfo]:
        from engine.facts.scanners import cross_check, union_findings

        tensors = []
        for file in files:
            where = file.label
            with file.local_copy() as path:
                checkpoint = reader(path)
                own = [f | {"file": where + f["file"][len(path.name):]} for f in checkpoint.findings]
                verdicts = cross_check(path, None if checkpoint.layout == "torch-zip" else _head(path, checkpoint.pickled_bytes))
            if tree.local:
                file.counted = False  # read through a memory map and by the scanners' own opens: not counted, reported as null
            facts.findings.extend(own + union_findings(where, verdicts, own))
            facts.scanners[where] = verdicts
            if checkpoint.errors:
                facts.metadata.setdefault("pickle_errors", {})[where] = checkpoint.errors
            tensors.extend(info if tree.local else _pointing_at(info, file) for info in checkpoint.tensors)
            facts.metadata.setdefault("pickle_layouts", {})[where] = checkpoint.layout
        return tensors

    return read


def _pointing_at(info: TensorInfo, file: ModelFile) -> TensorInfo:
    from dataclasses import replace

    return replace(info, file=file.location)


def _head(path, size: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _safetensors_prefix(file: ModelFile, head: bytes) -> bool:
    return len(head) >= 9 and head[8:9] == b"{" and 8 + struct.unpack("<Q", head[:8])[0] <= file.size


def _torch_zip(file: ModelFile, head: bytes) -> bool:
    """A zip is a torch checkpoint when named like one or when it holds a data.pkl (other zips are not weights)."""
    if head[:4] != ZIP_MAGIC:
        return False
    if file.name.lower().endswith(TORCH_SUFFIXES):
        return True
    try:
        with file.open() as handle, zipfile.ZipFile(handle) as archive:  # the central directory, by ranged reads
            return any(name.endswith("data.pkl") for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


@dataclass(frozen=True)
class WeightFormat:
    name: str
    magic: Callable[[ModelFile, bytes], bool]  # (file, its first 16 bytes) -> is this format
    suffixes: tuple[str, ...]
    read: Callable[[list[ModelFile], Facts, ModelTree], list[TensorInfo]]
    pickled: bool = False  # pickle-based: scanned for unsafe imports


FORMATS = (
    WeightFormat("safetensors", _safetensors_prefix, (".safetensors",), read_safetensors_files),
    WeightFormat("gguf", lambda file, head: head[:4] == b"GGUF", (".gguf",), read_gguf_file),
    WeightFormat("pytorch", _torch_zip, TORCH_SUFFIXES, _read_pickles(read_torch_zip), True),
    WeightFormat("pickle", lambda file, head: head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"),
                 (".pkl", ".pickle", ".joblib", ".dill"), _read_pickles(read_pickle_file), True),
)


def detect_format(file: ModelFile) -> WeightFormat | None:
    """The format whose magic bytes the file starts with; else the one its name ends with; else None."""
    head = file.head(16)
    for candidate in FORMATS:
        if candidate.magic(file, head):
            return candidate
    return next((candidate for candidate in FORMATS if file.name.lower().endswith(candidate.suffixes)), None)
