"""GGUF: the key-value header and tensor infos, read in one pass that skips array bodies.

`gguf.GGUFReader` decodes every array it meets, and a tokenizer's 49k tokens and merges cost it about 3 s;
the facts need only each array's length. This reader walks the header once: scalars and strings are decoded,
fixed-size arrays are skipped by arithmetic, string arrays by hopping from one length prefix to the next. The
bytes come by ranged reads of the file's start (engine.storage: the first block, then twice as much each time the
walk needs more), so a header costs about its own size whether the file is local or in an object store. Every
length is checked against the file before it is used, so a lying header is a CorruptFile naming the key, never a
huge allocation or a read past the end. Tensor data is never touched.

The tables of value types, ggml block sizes and file types are gguf's own (`gguf/constants.py`, the
format's reference), loaded without the rest of the gguf package, whose reader, writer and quantizers the
facts do not need (they import numpy and cost about 75 ms more at every cold start).
"""
from __future__ import annotations

import importlib.util
import re
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from engine.errors import CorruptFile, UnsupportedFormat
from engine.facts.tensors import TensorInfo
from engine.storage import ModelFile, one_file

# fact -> header key under the architecture's namespace
ARCH_KEYS = {
    "layers": "block_count",
    "hidden_size": "embedding_length",
    "intermediate_size": "feed_forward_length",
    "attention_heads": "attention.head_count",
    "kv_heads": "attention.head_count_kv",
    "context_length": "context_length",
    "vocab_size": "vocab_size",
}
HEAD_DIM_KEYS = ("attention.key_length", "rope.dimension_count")  # an explicit head size, in the order llama.cpp trusts them
# general.file_type values that store full-precision floats: no quantization scheme to name
UNQUANTIZED_FILE_TYPES = frozenset({"ALL_F32", "MOSTLY_F16", "MOSTLY_BF16"})
GENERAL_KEYS = ("general.name", "general.basename", "general.size_label", "general.license", "general.organization", "general.finetune")
DEFAULT_ALIGNMENT = 32
MAX_DIMS = 8  # ggml's GGML_MAX_DIMS is 4; anything above 8 is a corrupt header, not a tensor

# GGUFValueType -> struct format of one scalar (STRING and ARRAY are variable-length)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_U32, _U64 = struct.Struct("<I"), struct.Struct("<Q")


@dataclass
class GGUFHeader:
    values: dict = field(default_factory=dict)  # key -> scalar or string; arrays as "<key>#length" -> element count
    tensors: list[TensorInfo] = field(default_factory=list)
    version: int = 3


@lru_cache(maxsize=1)
def gguf_constants():
    """gguf's constants module on its own: GGMLQuantizationType, GGML_QUANT_SIZES, LlamaFileType."""
    spec = importlib.util.find_spec("gguf")
    if spec is None or not spec.submodule_search_locations:
        raise UnsupportedFormat("reading GGUF needs the gguf package")
    location = Path(next(iter(spec.submodule_search_locations))) / "constants.py"
    module_spec = importlib.util.spec_from_file_location("engine.facts._gguf_constants", location)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


class _Cursor:
    """Bounds-checked reads from the file's start, fetched as far as the walk needs; every failure names the file and what was
    being read."""

    def __init__(self, file: ModelFile):
        self.file, self.size, self.at = file, file.size, 0
        self.data = bytearray()  # the file's first len(data) bytes
        self._lanes: list[memoryview] | None = None
        self._views: list[memoryview] = []

    def _fetch(self, end: int) -> None:
        """Hold at least the first `end` bytes (never past the file): the first block, then at least doubling."""
        if end <= len(self.data):
            return
        self.close()  # a bytearray with views on it cannot grow
        target = min(self.size, max(end, 2 * len(self.data), self.file.tree.block_bytes))
        self.data += self.file.read_at(len(self.data), target - len(self.data))

    def _hop(self, count: int, what: str) -> int:
        """The offset after `count` length-prefixed strings. Each length is read as a uint64 from one of eight views of the
        bytes held, one per byte alignment (`lanes[at % 8][at // 8]`): a third faster than struct.unpack_from, which matters
        for the 100k token and merge strings of a tokenizer; still exact, every length read in full. A view that ends
        (IndexError) means more bytes are needed: they are fetched and the hop goes on from the string it stopped at."""
        at, done = self.at, 0
        while done < count:
            if at + 8 > self.size:
                raise self.fail(f"{what}: string array runs past the end of the file")
            self._fetch(at + 8)
            if self._lanes is None:
                self._views = [memoryview(self.data)]
                held = len(self.data)
                self._views += [self._views[0][k:k + (held - k) // 8 * 8] for k in range(8)]
                self._lanes = [view.cast("Q") for view in self._views[1:]]
            lanes = self._lanes
            index = done
            try:
                for index in range(done, count):
                    at += 8 + lanes[at & 7][at >> 3]
                done = count
            except IndexError:
                done = index
        if at > self.size:
            raise self.fail(f"{what}: string array runs past the end of the file")
        return at

    def close(self) -> None:
        """The views pin the buffer: release them before it grows or goes."""
        for view in (self._lanes or []) + self._views[::-1]:
            view.release()
        self._lanes, self._views = None, []

    def fail(self, what: str) -> CorruptFile:
        return CorruptFile(f"{self.file}: {what} (at byte {self.at:,} of {self.size:,}; truncated or corrupt)")

    def bound(self, count: int, what: str) -> None:
        """`count` more bytes are inside the file (checked before a skip or an allocation, without fetching them)."""
        if count < 0 or self.at + count > self.size:
            raise self.fail(f"{what} needs {count:,} bytes past the end of the file")

    def need(self, count: int, what: str) -> None:
        if count < 0 or self.at + count > self.size:
            raise self.fail(f"{what} needs {count:,} bytes past the end of the file")
        self._fetch(self.at + count)

    def u32(self, what: str) -> int:
        self.need(4, what)
        (value,) = _U32.unpack_from(self.data, self.at)
        self.at += 4
        return value

    def u64(self, what: str) -> int:
        self.need(8, what)
        (value,) = _U64.unpack_from(self.data, self.at)
        self.at += 8
        return value

    def string(self, what: str) -> str:
        length = self.u64(what)
        self.need(length, what)
        raw = bytes(self.data[self.at:self.at + length])
        self.at += length
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail(f"{what} is not UTF-8 text") from None

    def scalar(self, kind: int, what: str):
        fmt = _SCALARS[kind]
        size = struct.calcsize(fmt)
        self.need(size, what)
        (value,) = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return value

    def skip_array(self, kind: int, count: int, what: str) -> None:
        if kind in _SCALARS:
            self.bound(count * struct.calcsize(_SCALARS[kind]), what)
            self.at += count * struct.calcsize(_SCALARS[kind])
        elif kind == _STRING:
            self.bound(count * 8, what)  # each element is at least its 8-byte length
            self.at = self._hop(count, what)
        elif kind == _ARRAY:
            self.bound(count * 12, what)  # each inner array is at least its type and length
            for index in range(count):  # arrays of arrays: rare, walked element by element
                inner, inner_count = self.u32(what), self.u64(what)
                self.skip_array(inner, inner_count, f"{what}[{index}]")
        else:
            raise self.fail(f"{what} has array element type {kind}, which GGUF does not define")


def read_gguf(file: ModelFile | Path) -> GGUFHeader:
    """Scalar header values (arrays as their lengths) and the tensor table, every offset checked against the file."""
    file = one_file(file)
    if file.size < 24:
        raise CorruptFile(f"{file}: {file.size} bytes is too short for a GGUF header (truncated or corrupt)")
    cursor = _Cursor(file)
    try:
        return _read(cursor)
    finally:
        cursor.close()


def _read(cursor: _Cursor) -> GGUFHeader:
    cursor.need(4, "magic")
    if cursor.data[:4] != b"GGUF":
        raise cursor.fail("no GGUF magic")
    cursor.at = 4
    version = cursor.u32("version")
    if version not in (2, 3):
        hint = "a big-endian file" if version in (0x02000000, 0x03000000) else f"version {version}"
        raise UnsupportedFormat(f"{cursor.file}: GGUF {hint}; this reader reads little-endian GGUF versions 2 and 3")
    header = GGUFHeader(version=version)
    tensor_count, kv_count = cursor.u64("tensor count"), cursor.u64("key-value count")
    if kv_count * 13 > cursor.size or tensor_count * 24 > cursor.size:  # the smallest key-value and tensor info records
        raise cursor.fail(f"header claims {kv_count:,} keys and {tensor_count:,} tensors, more than the file can hold")
    for index in range(kv_count):
        key = cursor.string(f"key {index}")
        kind = cursor.u32(f"{key}: value type")
        if kind == _ARRAY:
            inner, count = cursor.u32(f"{key}: array element type"), cursor.u64(f"{key}: array length")
            cursor.skip_array(inner, count, key)
            header.values[f"{key}#length"] = count
        elif kind == _STRING:
            header.values[key] = cursor.string(key)
        elif kind in _SCALARS:
            header.values[key] = cursor.scalar(kind, key)
        else:
            raise cursor.fail(f"{key} has value type {kind}, which GGUF does not define")
    infos = [_tensor_info(cursor, index) for index in range(tensor_count)]
    alignment = header.values.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise cursor.fail(f"general.alignment {alignment!r} is not a power of two")
    base = -(-cursor.at // alignment) * alignment
    header.tensors = [_tensor(cursor, base, *info) for info in infos]
    return header


def _tensor_info(cursor: _Cursor, index: int) -> tuple[str, tuple[int, ...], int, int]:
    name = cursor.string(f"tensor {index} name")
    dims = cursor.u32(f"{name}: dimension count")
    if dims > MAX_DIMS:
        raise cursor.fail(f"tensor {name} claims {dims} dimensions")
    shape = tuple(cursor.u64(f"{name}: dimension") for _ in range(dims))
    return name, shape, cursor.u32(f"{name}: type"), cursor.u64(f"{name}: offset")


def _tensor(cursor: _Cursor, base: int, name: str, ne: tuple[int, ...], kind: int, offset: int) -> TensorInfo:
    constants = gguf_constants()
    try:
        qtype = constants.GGMLQuantizationType(kind)
    except ValueError:
        raise cursor.fail(f"tensor {name} has ggml type {kind}, which gguf does not know") from None
    block, type_size = constants.GGML_QUANT_SIZES[qtype]
    count = 1
    for n in ne:
        count *= n
    if ne and ne[0] % block:
        raise cursor.fail(f"tensor {name}: {ne[0]} values per row do not fill {qtype.name} blocks of {block}")
    start = base + offset
    end = start + count // block * type_size
    if end > cursor.size:
        raise CorruptFile(f"{cursor.file}: tensor {name} ends at byte {end:,}, past the end of the file ({cursor.size:,} bytes)")
    return TensorInfo(name, qtype.name, tuple(reversed(ne)), cursor.file.location, start, end)  # ggml lists the fastest dimension first


def quantization_name(file_type: int | None) -> tuple[str | None, str | None]:
    """general.file_type -> (quantization name such as "Q4_1" or None, the enum name it came from)."""
    if file_type is None:
        return None, None
    try:
        member = gguf_constants().LlamaFileType(int(file_type)).name
    except ValueError:
        return None, f"unknown file type {file_type}"
    if member in UNQUANTIZED_FILE_TYPES:
        return None, member
    return member.removeprefix("MOSTLY_"), member


def bits_per_weight(dtype: str) -> float:
    """Stored bits per value of a ggml type: Q4_1 packs 32 values in 20 bytes, 5.0 bits each."""
    constants = gguf_constants()
    block, type_size = constants.GGML_QUANT_SIZES[constants.GGMLQuantizationType[dtype]]
    return type_size * 8 / block


def gguf_quantization(tensors: list[TensorInfo], file_type: str | None) -> dict | None:
    """{scheme: gguf, type, bits, group_size, bits_per_weight, largest_type} of a quantized file: the file type's name
    (MOSTLY_Q4_K_M -> Q4_K_M), its nominal bits, the block size of its ggml type (Q4_K: 256), the stored bits per
    value over all weight matrices (a Q4_K_M file keeps some in Q6_K or Q8_0), and the type holding most values."""
    matrices = [info for info in tensors if len(info.shape) >= 2]
    if not matrices or file_type is None or file_type in UNQUANTIZED_FILE_TYPES or not file_type.startswith("MOSTLY_"):
        return None
    name = file_type.removeprefix("MOSTLY_")
    counts: dict[str, int] = {}
    for info in matrices:
        counts[info.dtype] = counts.get(info.dtype, 0) + info.numel
    constants = gguf_constants()
    base = re.sub(r"_(XXS|XS|S|M|L)$", "", name)
    block = constants.GGML_QUANT_SIZES[constants.GGMLQuantizationType[base]][0] if base in constants.GGMLQuantizationType.__members__ else None
    digits = re.search(r"\d", name)
    return {"scheme": "gguf", "type": name, "bits": int(digits.group()) if digits else None, "group_size": block,
            "bits_per_weight": round(sum((info.end - info.start) * 8 for info in matrices) / sum(info.numel for info in matrices), 4),
            "largest_type": max(counts, key=counts.get), "source": f"general.file_type {file_type} and the ggml types of {len(matrices)} weight matrices"}
