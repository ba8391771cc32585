"""safetensors read from the header only: sharded checkpoints, metadata, and files whose header lies."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from engine.errors import CorruptFile, UnsupportedFormat
from engine.facts import extract_facts
from tests.facts.conftest import write_json, write_safetensors


def decoder_tensors(layers: range, vocab: int = 50, width: int = 8) -> dict[str, np.ndarray]:
    tensors = {f"model.layers.{i}.mlp.weight": np.ones((width, width), np.float16) for i in layers}
    if 0 in layers:
        tensors["model.embed_tokens.weight"] = np.ones((vocab, width), np.float16)
    return tensors


@pytest.fixture
def sharded(tmp_path):
    first, second = decoder_tensors(range(0, 2)), decoder_tensors(range(2, 4))
    write_safetensors(tmp_path / "model-00001-of-00002.safetensors", first, {"format": "pt", "producer": "test"})
    write_safetensors(tmp_path / "model-00002-of-00002.safetensors", second)
    weight_map = {name: "model-00001-of-00002.safetensors" for name in first} | {name: "model-00002-of-00002.safetensors" for name in second}
    write_json(tmp_path / "model.safetensors.index.json", {"metadata": {"total_size": 0}, "weight_map": weight_map})
    return tmp_path


def test_sharded_checkpoint_without_config(sharded):
    facts = extract_facts(sharded).to_dict()
    assert {k: facts[k] for k in ("format", "parameters", "layers", "vocab_size", "hidden_size", "dtype", "dtype_elements", "architecture")} == {
        "format": "safetensors", "parameters": 4 * 64 + 50 * 8, "layers": 4, "vocab_size": 50, "hidden_size": 8, "dtype": "F16",
        "dtype_elements": {"F16": 656}, "architecture": None}
    assert facts["sources"]["vocab_size"] == "model.embed_tokens.weight shape[0]"
    assert facts["metadata"]["safetensors"] == {"format": "pt", "producer": "test"}
    assert [f["path"] for f in facts["files"]] == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                                   "model.safetensors.index.json"]


def test_sharded_index_problems_are_findings_not_errors(sharded):
    """tests/facts/test_shards.py covers each kind; here: the checkpoint still reads."""
    (sharded / "model-00002-of-00002.safetensors").unlink()
    facts = extract_facts(sharded).to_dict()
    assert [item["kind"] for item in facts["integrity"]] == ["missing-shard"] and facts["layers"] == 2


def test_truncated_file_names_the_tensor_outside_it(tmp_path):
    path = write_safetensors(tmp_path / "cut.safetensors", {"a": np.ones(100, np.float32), "b": np.ones(100, np.float32)})
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(CorruptFile, match=r"cut.safetensors: tensor b claims bytes 400\.\.800 of the data section, outside the file \(750 data bytes\)"):
        extract_facts(path)


def test_header_longer_than_the_file(tmp_path):
    path = tmp_path / "liar.safetensors"
    path.write_bytes(struct.pack("<Q", 5000) + b'{"a": {}}')
    with pytest.raises(CorruptFile, match="liar.safetensors: header claims 5,000 bytes but the file holds only 9 after the length"):
        extract_facts(path)


def test_200_mb_header_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge-header.safetensors"
    with path.open("wb") as handle:  # sparse: the claimed header exists but is never read
        handle.write(struct.pack("<Q", 200_000_000) + b"{")
        handle.truncate(8 + 200_000_000)
    with pytest.raises(CorruptFile, match="huge-header.safetensors: header claims 200,000,000 bytes, above the 104,857,600-byte limit"):
        extract_facts(path, digest=False)


@pytest.mark.parametrize(("content", "error"), [
    (b"\x05\x00", "2 bytes is too short for a safetensors header"),
    (struct.pack("<Q", 9) + b"{not json", "header is not JSON"),
    (struct.pack("<Q", 2) + b"[]", "header is not a JSON object"),
    (struct.pack("<Q", 33) + b'{"w": {"dtype": "F32", "shape": [2]}}'[:33], "header is not JSON"),
])
def test_corrupt_headers(tmp_path, content, error):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(CorruptFile, match=error):
        extract_facts(path)


def test_shape_that_disagrees_with_the_byte_range(tmp_path):
    header = json.dumps({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}).encode()
    path = tmp_path / "shape.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))
    with pytest.raises(CorruptFile, match=r"tensor w has shape \[3\] of F32 but 8 bytes"):
        extract_facts(path)


def test_unknown_dtype_and_unknown_files(tmp_path):
    header = json.dumps({"w": {"dtype": "F4", "shape": [2], "data_offsets": [0, 1]}}).encode()
    (tmp_path / "f4.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(1))
    with pytest.raises(UnsupportedFormat, match="tensor w has dtype F4"):
        extract_facts(tmp_path / "f4.safetensors")
    (tmp_path / "notes.txt").write_text("hello")
    expected = r"notes.txt: not a model file this lake reads \(safetensors, gguf, pytorch, pickle\): its first bytes match none"
    with pytest.raises(UnsupportedFormat, match=expected) as refused:
        extract_facts(tmp_path / "notes.txt")
    assert "68 65" not in str(refused.value)  # what the file holds is never echoed (a server would read files back to callers)
    (tmp_path / "empty.bin2").write_bytes(b"")
    with pytest.raises(UnsupportedFormat, match="empty.bin2: not a model file"):
        extract_facts(tmp_path / "empty.bin2")
    empty = tmp_path / "folder"
    empty.mkdir()
    (empty / "readme.md").write_text("no weights")
    with pytest.raises(UnsupportedFormat, match="folder: no model files found"):
        extract_facts(empty)


def test_truncated_gguf(tmp_path, smollm_gguf):
    path = tmp_path / "cut.gguf"
    with smollm_gguf.open("rb") as source:
        path.write_bytes(source.read(2_000_000))
    with pytest.raises(CorruptFile, match=r"cut.gguf: tensor token_embd.weight ends at byte 31,866,688, past the end of the file \(2,000,000 bytes\)"):
        extract_facts(path)
