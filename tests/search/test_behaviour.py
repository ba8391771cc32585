"""Behaviour signatures from real models run offline: MiniLM (sentence-transformers) and a tiny OpenCLIP."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.search import search
from engine.search.behaviour import probe_sentences, runner_for, signature_from_outputs
from engine.search.embeddings import text_model_dir
from engine.store.tables import SearchDocument
from engine.governance.evidence import Evidence
from engine.governance.submission import submit
from tests.search.cards import search_card

TINY_OPENCLIP = {
    "model_cfg": {
        "embed_dim": 64,
        "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "patch_size": 16, "head_width": 32},
        "text_cfg": {"context_length": 32, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
    },
}


def test_signature_ignores_width_rotation_and_scale():
    rng = np.random.default_rng(0)
    outputs = rng.normal(size=(24, 32))
    rotation, _ = np.linalg.qr(rng.normal(size=(48, 48)))
    wider = np.hstack([outputs, np.zeros((24, 16))]) @ rotation * 3.0  # another width, basis and scale
    first, second = np.array(signature_from_outputs(outputs)), np.array(signature_from_outputs(wider))
    assert first.shape == (276,) and np.allclose(first, second, atol=1e-5)
    assert signature_from_outputs(np.ones((24, 8))) is None  # every probe the same: nothing to compare


def tiny_openclip(directory):
    import open_clip
    import torch
    from safetensors.torch import save_model

    directory.mkdir()
    (directory / "open_clip_config.json").write_text(json.dumps(TINY_OPENCLIP))
    torch.manual_seed(0)
    save_model(open_clip.create_model(f"local-dir:{directory}", load_weights=False), str(directory / "open_clip_model.safetensors"))
    return directory


def mirror(source, directory):
    """The same weights under another directory (symlinks): a model that must behave identically."""
    directory.mkdir()
    for item in source.iterdir():
        (directory / item.name).symlink_to(item)
    return directory


@pytest.mark.slow
def test_similar_to_ranks_models_that_behave_alike(lake, tmp_path):
    minilm = text_model_dir()
    models = {"st/minilm": minilm, "st/minilm-mirror": mirror(minilm, tmp_path / "mirror"), "clip/tiny": tiny_openclip(tmp_path / "clip"),
              "plain/no-weights": None}
    assert runner_for(minilm)[0].kind == "sentence-transformers" and runner_for(tmp_path / "clip")[0].kind == "openclip"
    for name, weights in models.items():
        submit(lake, search_card(name, description=f"model {name}"), Evidence(weights=weights), submitted_by="alice")
    with lake.transaction() as session:
        documents = {d.name: d for d in session.query(SearchDocument)}
        signatures = {name: np.array(d.behaviour) if d.behaviour is not None else None for name, d in documents.items()}
        assert documents["st/minilm"].facets["behaviour"] == {"runner": "sentence-transformers", "probes": "probes-v1"}
        assert documents["clip/tiny"].facets["behaviour"] == {"runner": "openclip", "probes": "probes-v1"}
        assert signatures["plain/no-weights"] is None and "behaviour" not in documents["plain/no-weights"].facets
        page = search(session, {"similar_to": "st/minilm"}).to_dict()
    assert float(signatures["st/minilm"] @ signatures["st/minilm-mirror"]) == pytest.approx(1.0, abs=1e-3)
    assert float(signatures["st/minilm"] @ signatures["clip/tiny"]) < 0.9
    assert [row["ref"] for row in page["results"]] == ["st/minilm-mirror@1.0", "clip/tiny@1.0"]  # itself and unsignatured models left out
    assert page["description"] == "models behaving like st/minilm"


def test_probe_set_is_fixed_data():
    sentences = probe_sentences()
    assert len(sentences) == len(set(sentences)) == 24
