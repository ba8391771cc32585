"""Digests, fingerprints, `modellake inspect`, and `modellake submit --weights` storing facts with the version."""
from __future__ import annotations

import hashlib
import json
import re
import os

import numpy as np
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from engine.evals import datasets
from engine.facts import compute_fingerprint, extract_facts, sha256_file
from engine.facts.fingerprint import UNAVAILABLE
from engine.lineage.sketch import SKETCH_FORMAT
from engine.store.tables import ModelVersion
from tests.facts.conftest import write_safetensors


def test_sha256_streams_the_whole_file(tmp_path):
    path = tmp_path / "blob.bin"
    data = os.urandom(3 * (1 << 20) + 12345)  # several blocks and a partial one
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    (tmp_path / "empty").write_bytes(b"")
    assert sha256_file(tmp_path / "empty") == hashlib.sha256(b"").hexdigest()
    assert datasets.sha256_file is sha256_file  # evals digest through the same function


def test_fingerprint_is_the_lineage_sketch_for_safetensors(minilm_dir):
    sketch = compute_fingerprint(minilm_dir)
    assert (sketch["format"], sketch["parameters"], sketch["float_bits"], len(sketch["tensors"])) == (SKETCH_FORMAT, 22_713_216, 32, 103)
    query = sketch["tensors"]["encoder.layer.0.attention.self.query.weight"]
    assert query["shape"] == [384, 384] and len(query["sample"]) > 200 and 0 < query["std"] < 1


def test_fingerprint_says_why_it_is_unavailable(tmp_path, smollm_gguf):
    gguf = compute_fingerprint(smollm_gguf)  # GGUF files are sketched from dequantized blocks (tests/lineage/test_gguf_lineage.py)
    assert (gguf["format"], gguf["parameters"], gguf["naming"]["architecture"], len(gguf["tensors"])) == (SKETCH_FORMAT, 134_515_008, "llama", 272)
    (tmp_path / "w.pkl").write_bytes(b"\x80\x04N.")
    pickle = compute_fingerprint(tmp_path / "w.pkl")
    assert (pickle["format"], pickle["source_format"]) == (UNAVAILABLE, "pickle") and "convert the weights to safetensors" in pickle["reason"]
    (tmp_path / "config-only").mkdir()
    (tmp_path / "config-only" / "config.json").write_text('{"model_type": "bert"}')
    assert compute_fingerprint(tmp_path / "config-only") is None


def test_inspect_json_and_table(minilm_dir):
    result = CliRunner().invoke(main, ["inspect", str(minilm_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == extract_facts(minilm_dir).to_dict()
    table = CliRunner().invoke(main, ["inspect", str(minilm_dir / "model.safetensors"), "--no-digest"])
    assert table.exit_code == 0
    assert re.search(r"│ parameters +│ 22,713,216 │", table.output) and "tensor names: 6 blocks encoder.layer.N.*" in table.output


def test_inspect_errors_name_the_file_and_the_problem(tmp_path):
    path = tmp_path / "broken.safetensors"
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert (result.exit_code, result.output.strip()) == (2, f"error: {path}: header claims 16 bytes but the file holds only 1 after the length")


def test_submit_with_weights_stores_facts_and_fingerprint(lake_env, tmp_path, monkeypatch):
    weights = write_safetensors(tmp_path / "model" / "model.safetensors", {"encoder.layer.0.weight": np.ones((4, 4), np.float32),
                                                                           "encoder.layer.1.weight": np.ones((4, 4), np.float32)})
    card = tmp_path / "card.yaml"
    card.write_text('schema_version: "1"\nname: acme/tiny\nversion: "1.0.0"\nowners: [{name: Jane Doe, email: jane@acme.example, role: owner}]\n'
                    "license: apache-2.0\ndescription: A tiny model.\n")
    result = CliRunner().invoke(main, ["submit", str(card), "--weights", str(weights.parent), "--json"])
    assert result.exit_code == 0, result.output
    with lake_env.transaction() as session:
        version = session.scalars(select(ModelVersion)).one()
        assert (version.facts["format"], version.facts["parameters"], version.facts["layers"]) == ("safetensors", 32, 2)
        size = weights.stat().st_size
        assert version.facts["files"] == [{"path": "model.safetensors", "size": size, "sha256": sha256_file(weights),
                                           "bytes_read": 16 + size}]  # the format check, then the file (smaller than one block)
        assert version.fingerprint["format"] == SKETCH_FORMAT and sorted(version.fingerprint["tensors"]) == [
            "encoder.layer.0.weight", "encoder.layer.1.weight"]
    assert json.loads(result.stdout)["review"]["verdict"] == "changes_requested"  # the card's artifacts and digest are missing
