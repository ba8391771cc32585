"""extract_facts(path): a model file or folder -> Facts, every value with its source.

Order of evidence: what the tensor table proves wins (engine.facts.architectures: one table per family,
packed quantized modules unpacked first by engine.facts.packed); the weights' own header (GGUF keys) and the
config files beside the weights are declarations, compared with it (a disagreement is a conflict naming both
values and both sources). Among declarations the first to state a fact wins; heuristics over tensor names
fill only what nothing states; a fact no source states stays null.
"""
from __future__ import annotations

from pathlib import Path

from engine.errors import NotFound, UnsupportedFormat
from engine.facts.configs import (ADAPTER_CONFIG, HF_CONFIG, ST_MODULES, apply_adapter_config, apply_hf_config, apply_lora_tensors,
                                  apply_sentence_transformers)
from engine.facts.digest import file_record
from engine.facts.formats import FORMATS, WeightFormat, detect_format
from engine.facts.architectures import count_layers, derive_architecture, embedding_rows
from engine.facts.openclip import apply_openclip
from engine.facts.packed import quantization_name, unpack_quantized
from engine.facts.record import Facts
from engine.facts.tensors import TensorInfo, count_parameters, dominant_dtype, dtype_elements

CONFIG_FILES = (ADAPTER_CONFIG, HF_CONFIG, ST_MODULES)


def extract_facts(path: str | Path, *, digest: bool = True) -> Facts:
    """Facts from a model file or directory. `digest=False` skips the sha256 of each file (headers only)."""
    path = Path(path)
    if not path.exists():
        raise NotFound(f"no model file or directory at {path}")
    root = path if path.is_dir() else path.parent
    files = model_files(path)
    detected = {file: detect_format(file) for file in files}
    if path.is_file() and detected[path] is None:
        raise UnsupportedFormat(f"{path}: not a model file this lake reads ({', '.join(f.name for f in FORMATS)}); "
                                f"it starts with {_first_bytes(path)}")
    facts = Facts()

    def label(file: Path) -> str:
        return file.relative_to(root).as_posix()

    tensors = _read_weights(detected, facts, label)
    _apply_configs(root, facts, label)
    if tensors:
        _apply_tensors(tensors, facts)
    if facts.format is None and not any((root / name).is_file() for name in CONFIG_FILES):
        raise UnsupportedFormat(f"{path}: no model files found (weights: {', '.join(f.name for f in FORMATS)}; or {', '.join(CONFIG_FILES)})")
    facts.files = [file_record(file, root, digest=digest) for file in files]
    weights = [record["size"] for file, record in zip(files, facts.files) if detected[file] is not None]
    facts.record("size_bytes", sum(weights) if weights else None, f"bytes of the {len(weights)} weight file(s)")
    return facts


def model_files(path: Path) -> list[Path]:
    """The file itself, or every regular file under the folder (hidden files and folders skipped)."""
    if path.is_file():
        return [path]
    return sorted(file for file in path.rglob("*") if file.is_file() and not any(part.startswith((".", "__pycache__"))
                                                                                 for part in file.relative_to(path).parts))


def _read_weights(detected: dict[Path, WeightFormat | None], facts: Facts, label) -> list[TensorInfo]:
    """The preferred format's tensor table; every pickle-based file is read too, for the security scan."""
    primary = next((fmt for fmt in FORMATS if fmt in detected.values()), None)
    tensors: list[TensorInfo] = []
    for fmt in FORMATS:
        files = [file for file, found in detected.items() if found is fmt]
        if files and (fmt is primary or fmt.pickled):
            table = fmt.read(files, facts, label)
            if fmt is primary:
                tensors = table
    facts.format = primary.name if primary else None
    return tensors


def _apply_configs(root: Path, facts: Facts, label) -> None:
    if (root / ADAPTER_CONFIG).is_file():
        apply_adapter_config(root / ADAPTER_CONFIG, label(root / ADAPTER_CONFIG), facts)
    if (root / HF_CONFIG).is_file():
        apply_hf_config(root / HF_CONFIG, label(root / HF_CONFIG), facts)
    if (root / ST_MODULES).is_file():
        apply_sentence_transformers(root, label, facts)


def _apply_tensors(tensors: list[TensorInfo], facts: Facts) -> None:
    described = f"{len(tensors)} tensors"
    tensors, packing = unpack_quantized(tensors, facts.hints.get("config") or {}) if facts.format == "safetensors" else (tensors, None)
    if packing:
        facts.prove("quantization", quantization_name(packing), packing["source"])
        facts.quantization_details = packing
        described += f", {packing['modules']} packed {packing['scheme']} modules counted at their unpacked shapes"
    parameters = count_parameters(tensors)
    buffers = [t.name for t in tensors if not t.is_parameter]
    facts.record("parameters", parameters, f"sum of element counts over {described}" +
                 (f"; integer buffers excluded: {', '.join(buffers[:3])}{' ...' if len(buffers) > 3 else ''}" if buffers else ""))
    facts.dtype_elements = dtype_elements(tensors)
    facts.record("dtype", dominant_dtype(tensors), f"dtype holding most parameter elements over {described}")
    facts.metadata["tensors"] = len(tensors)
    apply_lora_tensors(tensors, facts)
    if apply_openclip(tensors, facts) or facts.adapter is not None:
        return  # a CLIP tower pair or an adapter has no single layer stack or vocabulary to read off the names
    derive_architecture(tensors, facts, facts.hints)
    _infer_from_names(tensors, facts)


def _infer_from_names(tensors: list[TensorInfo], facts: Facts) -> None:
    """Layouts no family table knows: layers from indexed block names, vocabulary and width from the token embedding (gaps only)."""
    table = {info.name: (info.shape, info.dtype) for info in tensors}
    facts.record("layers", count_layers(table), "tensor names: distinct block indices under the most common prefix")
    embedding = next((name for name in table if embedding_rows({name: table[name]}) is not None and len(table[name][0]) == 2), None)
    if embedding is not None:
        rows, width = table[embedding][0]
        facts.record("vocab_size", rows, f"{embedding} shape[0]")
        facts.record("hidden_size", width, f"{embedding} shape[1]")
    if "lm_head.weight" in table:
        facts.record("tied_embeddings", False, "lm_head.weight tensor present")


def _first_bytes(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    return f"bytes {head.hex(' ')}" if head else "nothing (empty file)"
