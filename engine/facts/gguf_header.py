"""GGUF: key-value header and tensor infos read with the `gguf` package (memory-mapped; tensor data untouched).

Facts come from the header keys llama.cpp itself uses (`general.architecture`, `<arch>.block_count`, ...);
the parameter count is the sum of the tensors' element counts, whatever block format stores them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import CorruptFile
from engine.facts.tensors import TensorInfo

# fact -> header key under the architecture's namespace
ARCH_KEYS = {
    "layers": "block_count",
    "hidden_size": "embedding_length",
    "attention_heads": "attention.head_count",
    "kv_heads": "attention.head_count_kv",
    "context_length": "context_length",
    "vocab_size": "vocab_size",
}
# general.file_type values that store full-precision floats: no quantization scheme to name
UNQUANTIZED_FILE_TYPES = frozenset({"ALL_F32", "MOSTLY_F16", "MOSTLY_BF16"})
GENERAL_KEYS = ("general.name", "general.basename", "general.size_label", "general.license", "general.organization", "general.finetune")


@dataclass
class GGUFHeader:
    values: dict = field(default_factory=dict)
    tensors: list[TensorInfo] = field(default_factory=list)


def read_gguf(file: Path) -> GGUFHeader:
    """Scalar header values (token lists left out: only their length is kept) and the tensor table."""
    from gguf import GGUFReader
    from gguf.constants import GGUFValueType

    try:
        reader = GGUFReader(file, "r")
    except (ValueError, IndexError, KeyError, OSError, TypeError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        size = file.stat().st_size
        raise CorruptFile(f"{file}: not a readable GGUF file, truncated or corrupt ({size:,} bytes; the gguf reader says: {error})") from None
    header = GGUFHeader()
    for key, entry in reader.fields.items():
        if entry.types and entry.types[0] == GGUFValueType.ARRAY:
            header.values[f"{key}#length"] = len(entry.data)
            continue
        try:
            header.values[key] = entry.contents()
        except (ValueError, IndexError, TypeError, UnicodeDecodeError):
            raise CorruptFile(f"{file}: header value {key} is unreadable") from None
    size = file.stat().st_size
    for tensor in reader.tensors:
        start = int(tensor.data_offset)
        end = start + int(tensor.n_bytes)
        if end > size:
            raise CorruptFile(f"{file}: tensor {tensor.name} ends at byte {end:,}, past the end of the file ({size:,} bytes)")
        shape = tuple(int(n) for n in reversed(tensor.shape.tolist()))  # ggml lists the fastest dimension first
        header.tensors.append(TensorInfo(tensor.name, tensor.tensor_type.name, shape, file, start, end))
    return header


def quantization_name(file_type: int | None) -> tuple[str | None, str | None]:
    """general.file_type -> (quantization name such as "Q4_1" or None, the enum name it came from)."""
    if file_type is None:
        return None, None
    from gguf.constants import LlamaFileType

    try:
        member = LlamaFileType(int(file_type)).name
    except ValueError:
        return None, f"unknown file type {file_type}"
    if member in UNQUANTIZED_FILE_TYPES:
        return None, member
    return member.removeprefix("MOSTLY_"), member
