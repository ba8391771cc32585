"""The weight formats: how each is recognised (magic bytes first, then the file name) and read into facts.

Every reader takes the files of its format and the Facts being built, records what its headers state,
and returns the tensor table. The table order is the preference order: when a folder holds several
formats (model.safetensors next to pytorch_model.bin), the first one gives the tensors, and every
pickle-based file is still read, because the security scan must see all of them.
"""
from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.errors import CorruptFile, UsageError
from engine.facts.gguf_header import ARCH_KEYS, GENERAL_KEYS, quantization_name, read_gguf
from engine.facts.pytorch import ZIP_MAGIC, read_pickle_file, read_torch_zip
from engine.facts.record import Facts
from engine.facts.safetensors import INDEX_FILE, read_safetensors, shard_files
from engine.facts.tensors import TensorInfo

Label = Callable[[Path], str]
TORCH_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt")


def read_safetensors_files(files: list[Path], facts: Facts, label: Label) -> list[TensorInfo]:
    tensors, metadata = read_safetensors(files)
    for folder in sorted({file.parent for file in files}):
        _check_index(folder, tensors, label)
    if metadata:
        facts.metadata["safetensors"] = metadata
    return tensors


def _check_index(folder: Path, tensors: list[TensorInfo], label: Label) -> None:
    """Every tensor the sharded index names must be in the shard it names."""
    shards = shard_files(folder)
    if shards is None:
        return
    from engine.facts.configs import read_json

    weight_map = read_json(folder / INDEX_FILE)["weight_map"]
    where = {(info.name, info.file.name) for info in tensors}
    missing = [name for name, shard in weight_map.items() if (name, shard) not in where]
    if missing:
        raise CorruptFile(f"{label(folder / INDEX_FILE)}: {len(missing)} tensors it lists are not in their shards (first: {missing[0]})")


def read_gguf_file(files: list[Path], facts: Facts, label: Label) -> list[TensorInfo]:
    if len(files) > 1:
        raise UsageError(f"{len(files)} GGUF files ({', '.join(label(f) for f in files)}): inspect one file at a time")
    file = files[0]
    header = read_gguf(file)
    values, where = header.values, label(file)
    arch = values.get("general.architecture")
    facts.record("architecture", arch.lower() if isinstance(arch, str) else None, f"{where}:general.architecture")
    for fact, key in ARCH_KEYS.items():
        facts.record(fact, values.get(f"{arch}.{key}"), f"{where}:{arch}.{key}")
    facts.record("kv_heads", facts["attention_heads"], f"{where}:{arch}.attention.head_count (no head_count_kv: multi-head attention)")
    facts.record("vocab_size", values.get("tokenizer.ggml.tokens#length"), f"{where}:tokenizer.ggml.tokens (length)")
    if f"{arch}.pooling_type" in values:  # embedding models in GGUF declare how they pool
        facts.record("embedding_dim", facts["hidden_size"], f"{where}:{arch}.embedding_length ({arch}.pooling_type set)")
    quantization, file_type = quantization_name(values.get("general.file_type"))
    facts.record("quantization", quantization, f"{where}:general.file_type ({file_type})")
    names = {info.name for info in header.tensors}
    if "token_embd.weight" in names:
        tied = "output.weight" not in names
        why = "no output.weight tensor, token_embd.weight is reused" if tied else "output.weight tensor present"
        facts.record("tied_embeddings", tied, f"{where}: {why}")
    facts.metadata["gguf"] = {key.removeprefix("general."): values[key] for key in GENERAL_KEYS if key in values} | {
        "file_type": file_type, "chat_template": values.get("tokenizer.chat_template")}
    if values.get("tokenizer.chat_template"):
        facts.sources["chat_template"] = f"{where}:tokenizer.chat_template"
    return header.tensors


def _read_pickles(reader) -> Callable[[list[Path], Facts, Label], list[TensorInfo]]:
    def read(files: list[Path], facts: Facts, label: Label) -> list[TensorInfo]:
        from engine.facts.scanners import cross_check, union_findings

        tensors = []
        for file in files:
            checkpoint, where = reader(file), label(file)
            own = [f | {"file": where + f["file"][len(file.name):]} for f in checkpoint.findings]
            verdicts = cross_check(file, None if checkpoint.layout == "torch-zip" else _head(file, checkpoint.pickled_bytes))
            facts.findings.extend(own + union_findings(where, verdicts, own))
            facts.scanners[where] = verdicts
            if checkpoint.errors:
                facts.metadata.setdefault("pickle_errors", {})[where] = checkpoint.errors
            tensors.extend(checkpoint.tensors)
            facts.metadata.setdefault("pickle_layouts", {})[where] = checkpoint.layout
        return tensors

    return read


def _head(file: Path, size: int) -> bytes:
    with file.open("rb") as handle:
        return handle.read(size)


def _safetensors_prefix(file: Path, head: bytes) -> bool:
    return len(head) >= 9 and head[8:9] == b"{" and 8 + struct.unpack("<Q", head[:8])[0] <= file.stat().st_size


def _torch_zip(file: Path, head: bytes) -> bool:
    """A zip is a torch checkpoint when named like one or when it holds a data.pkl (other zips are not weights)."""
    if head[:4] != ZIP_MAGIC:
        return False
    if file.name.lower().endswith(TORCH_SUFFIXES):
        return True
    try:
        with zipfile.ZipFile(file) as archive:
            return any(name.endswith("data.pkl") for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


@dataclass(frozen=True)
class WeightFormat:
    name: str
    magic: Callable[[Path, bytes], bool]  # (file, its first 16 bytes) -> is this format
    suffixes: tuple[str, ...]
    read: Callable[[list[Path], Facts, Label], list[TensorInfo]]
    pickled: bool = False  # pickle-based: scanned for unsafe imports


FORMATS = (
    WeightFormat("safetensors", _safetensors_prefix, (".safetensors",), read_safetensors_files),
    WeightFormat("gguf", lambda file, head: head[:4] == b"GGUF", (".gguf",), read_gguf_file),
    WeightFormat("pytorch", _torch_zip, TORCH_SUFFIXES, _read_pickles(read_torch_zip), True),
    WeightFormat("pickle", lambda file, head: head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"),
                 (".pkl", ".pickle", ".joblib", ".dill"), _read_pickles(read_pickle_file), True),
)


def detect_format(file: Path) -> WeightFormat | None:
    """The format whose magic bytes the file starts with; else the one its name ends with; else None."""
    with file.open("rb") as handle:
        head = handle.read(16)
    for candidate in FORMATS:
        if candidate.magic(file, head):
            return candidate
    return next((candidate for candidate in FORMATS if file.name.lower().endswith(candidate.suffixes)), None)
