"""Behaviour signatures: how a model's own outputs relate to each other on a fixed probe set of sentences.

Two embedding models are not comparable output by output (different widths, arbitrary rotations), but the
cosine-similarity matrix of their outputs over the same probe sentences is (representational similarity
analysis). The signature is that matrix's upper triangle, centred and L2-normalised, so the cosine of two
signatures is the Pearson correlation of the two models' similarity structures: "models that behave like X".

A model gets a signature when its weights can be run offline here; RUNNERS says how, one row per kind,
recognised by a marker file in the weights directory. torch and the model libraries load only when used.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Callable

from engine.store.tables.search import BEHAVIOUR_DIM, BEHAVIOUR_PROBES

PROBE_SET = "probes-v1"


@dataclass(frozen=True)
class Runner:
    kind: str
    markers: tuple[str, ...]  # any of these files in the weights directory means this runner applies
    encode: Callable[[Path, list[str]], object]  # (model directory, sentences) -> numpy matrix, one row per sentence


def probe_sentences() -> list[str]:
    """The fixed probe set shipped as data (comment lines skipped)."""
    text = files("engine.search").joinpath("data/behaviour_probes.txt").read_text(encoding="utf-8")
    sentences = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(sentences) == BEHAVIOUR_PROBES, f"behaviour_probes.txt must hold {BEHAVIOUR_PROBES} sentences"
    return sentences


def _encode_sentence_transformer(directory: Path, sentences: list[str]):
    from engine.evals.harnesses._encoding import load_sentence_encoder
    from engine.facts.configs import ST_MODULES, read_json

    # sentence-transformers imports each module's `type` by name: only its own classes are let through
    modules = read_json(directory / ST_MODULES, list) if (directory / ST_MODULES).is_file() else []
    foreign = [str(m.get("type")) for m in modules if not (isinstance(m, dict) and str(m.get("type", "")).startswith("sentence_transformers."))]
    if foreign:
        raise ValueError(f"modules.json names {foreign[0][:80]!r}, outside sentence_transformers: it is not imported")

    model = load_sentence_encoder(directory, seed=0)
    return model.encode(sentences, convert_to_numpy=True, show_progress_bar=False)


def _encode_openclip_text(directory: Path, sentences: list[str]):
    import open_clip
    import torch

    name = f"local-dir:{directory}"
    model = open_clip.create_model(name, device="cpu").eval()
    with torch.no_grad():
        return model.encode_text(open_clip.get_tokenizer(name)(sentences)).numpy()


RUNNERS = (
    Runner("sentence-transformers", ("modules.json", "config_sentence_transformers.json"), _encode_sentence_transformer),
    Runner("openclip", ("open_clip_config.json",), _encode_openclip_text),
)


# Loading these would unpickle untrusted bytes in this process; such models get no behaviour signature.
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


def runner_for(weights: Path | None) -> tuple[Runner, Path] | None:
    """The runner and model directory for a weights path (a directory or a file inside one), if any applies."""
    if weights is None:
        return None
    directory = weights if weights.is_dir() else weights.parent
    if any(path.suffix in PICKLE_SUFFIXES for path in directory.rglob("*") if path.is_file()):
        return None
    for runner in RUNNERS:
        if any((directory / marker).is_file() for marker in runner.markers):
            return runner, directory
    return None


def signature_from_outputs(outputs) -> list[float] | None:
    """Centred, normalised upper triangle of the outputs' cosine-similarity matrix; None when it is constant."""
    import numpy as np

    matrix = np.asarray(outputs, dtype=np.float64)
    matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    upper = (matrix @ matrix.T)[np.triu_indices(len(matrix), k=1)]
    centred = upper - upper.mean()
    norm = np.linalg.norm(centred)
    if norm < 1e-9:
        return None
    assert len(centred) == BEHAVIOUR_DIM
    return (centred / norm).astype(np.float32).tolist()


def behaviour_signature(weights: Path | None) -> tuple[list[float] | None, dict]:
    """(signature or None, provenance) for a model's weights; provenance says which runner and probe set, or why not."""
    found = runner_for(weights)
    if found is None:
        return None, {}
    runner, directory = found
    try:
        outputs = runner.encode(directory, probe_sentences())
    except Exception as error:  # noqa: BLE001 - the model's own files are untrusted: one that will not run gets no signature, not a failed submission
        return None, {"runner": runner.kind, "error": f"{type(error).__name__}: {error}"[:500]}
    signature = signature_from_outputs(outputs)
    return signature, {"runner": runner.kind, "probes": PROBE_SET} | ({} if signature else {"error": "constant outputs"})
