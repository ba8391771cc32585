"""The GGUF header reader that skips array bodies gives exactly what gguf.GGUFReader gives, and refuses lying headers."""
from __future__ import annotations

import struct

import numpy as np
import pytest

from engine.errors import CorruptFile
from engine.facts.gguf_header import read_gguf
from tests.facts.gguf_files import LLAMA_CONFIG, llama_weights, write_gguf


def reference(path):
    """Scalar values, array lengths and tensor infos as gguf.GGUFReader reads them (decoding every array)."""
    from gguf import GGUFReader
    from gguf.constants import GGUFValueType

    reader = GGUFReader(path, "r")
    values = {}
    for key, entry in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        if entry.types[0] == GGUFValueType.ARRAY:
            values[f"{key}#length"] = len(entry.data)
        else:
            values[key] = entry.contents()
    tensors = [(t.name, t.tensor_type.name, tuple(int(n) for n in reversed(t.shape.tolist())), int(t.data_offset), int(t.data_offset) + int(t.n_bytes))
               for t in reader.tensors]
    return values, tensors


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory):
    return write_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf", llama_weights(), LLAMA_CONFIG, qtype="Q4_0")


@pytest.mark.parametrize("which", ["smollm", "tiny"])
def test_same_as_ggufreader(which, smollm_gguf, tiny_gguf):
    path = smollm_gguf if which == "smollm" else tiny_gguf
    header = read_gguf(path)
    values, tensors = reference(path)
    assert {k: v for k, v in header.values.items() if not k.startswith("GGUF.")} == values
    assert [(t.name, t.dtype, t.shape, t.start, t.end) for t in header.tensors] == tensors


def _truncations(data: bytes):
    return [n for n in (3, 8, 20, 30, 200, 1000, 5000) if n < len(data)]


def test_every_truncation_is_a_corrupt_file(tmp_path, tiny_gguf):
    data = tiny_gguf.read_bytes()
    header_end = read_gguf(tiny_gguf).tensors[0].start
    for size in _truncations(data[:header_end]) + [header_end - 1, len(data) - 1]:
        cut = tmp_path / f"cut-{size}.gguf"
        cut.write_bytes(data[:size])
        with pytest.raises(CorruptFile, match=rf"cut-{size}.gguf: "):
            read_gguf(cut)


def test_a_header_claiming_a_huge_array_is_refused_without_allocating(tmp_path):
    """One key whose array claims 2**60 uint8 elements: the reader must not try to skip past the file or allocate."""
    key = b"tokenizer.ggml.scores"
    data = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key + struct.pack("<IIQ", 9, 0, 2**60)
    path = tmp_path / "huge.gguf"
    path.write_bytes(data)
    with pytest.raises(CorruptFile, match="huge.gguf: .*tokenizer.ggml.scores"):
        read_gguf(path)


def test_an_unknown_value_type_is_refused(tmp_path):
    key = b"general.name"
    path = tmp_path / "type.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key + struct.pack("<I", 77) + bytes(16))
    with pytest.raises(CorruptFile, match="type.gguf: .*general.name.* value type 77"):
        read_gguf(path)


def test_a_tensor_past_the_end_of_the_file(tmp_path, tiny_gguf):
    data = bytearray(tiny_gguf.read_bytes())
    path = tmp_path / "short.gguf"
    path.write_bytes(bytes(data[: len(data) - 64]))
    with pytest.raises(CorruptFile, match=r"short.gguf: tensor .* ends at byte"):
        read_gguf(path)
    assert np.frombuffer(bytes(data[:4]), np.uint8).tobytes() == b"GGUF"
