"""Behaviour signatures run a model in the server's process: never one whose weights are pickles."""
from __future__ import annotations

from engine.search.behaviour import runner_for


def test_a_sentence_transformers_folder_with_pickled_weights_is_not_run(tmp_path):
    (tmp_path / "modules.json").write_text("[]")
    (tmp_path / "model.safetensors").write_bytes(b"")
    assert runner_for(tmp_path)[0].kind == "sentence-transformers"
    (tmp_path / "pytorch_model.bin").write_bytes(b"\x80\x04N.")
    assert runner_for(tmp_path) is None
