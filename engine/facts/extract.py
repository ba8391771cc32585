"""extract_facts(location): a model file or folder, on this disk or behind a URI -> Facts, every value with its source.

Files are opened by engine.storage (one opener for paths and URIs): headers come by ranged reads, and each file's
record in the facts says how many bytes its readers fetched.

Order of evidence: what the tensor table proves wins (engine.facts.architectures: one table per family,
packed quantized modules unpacked first by engine.facts.packed); the weights' own header (GGUF keys) and the
config files beside the weights are declarations, compared with it (a disagreement is a conflict naming both
values and both sources). Among declarations the first to state a fact wins; heuristics over tensor names
fill only what nothing states; a fact no source states stays null.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

from engine.errors import CorruptFile, ModelLakeError, NotFound, UnsupportedFormat
from engine.facts.configs import (ADAPTER_CONFIG, HF_CONFIG, ST_MODULES, apply_adapter_config, apply_hf_config, apply_lora_tensors,
                                  apply_sentence_transformers)
from engine.facts.digest import file_record
from engine.facts.formats import FORMATS, WeightFormat, detect_format
from engine.facts.architectures import count_layers, derive_architecture, embedding_rows
from engine.facts.openclip import apply_openclip
from engine.facts.packed import quantization_name, unpack_quantized
from engine.facts.record import Facts
from engine.facts.tensors import TensorInfo, count_parameters, dominant_dtype, dtype_elements
from engine.storable import INT64, unstorable
from engine.storage import ModelFile, ModelTree, open_tree

CONFIG_FILES = (ADAPTER_CONFIG, HF_CONFIG, ST_MODULES)
T = TypeVar("T")


def extract_facts(location: str | Path, *, digest: bool = True, block_bytes: int | None = None) -> Facts:
    """Facts from a model file or directory (a path or a URI). `digest=False` skips the sha256 of each file (headers only);
    `block_bytes`: the first ranged read of each header (default MODELLAKE_READ_BLOCK_BYTES, 64 KiB)."""
    tree = open_tree(location, block_bytes)  # on this disk: regular files only, and a bounded count (engine.storage.model_files)
    files = tree.files
    detected = {file: reading(str(file), "model file", lambda: detect_format(file)) for file in files}
    if tree.single and detected[files[0]] is None:
        # the message says what the file is not, never what it holds: a server must not read files back to its callers
        raise UnsupportedFormat(f"{files[0]}: not a model file this lake reads ({', '.join(f.name for f in FORMATS)}): its first bytes match "
                                f"none of their signatures and its name none of their suffixes")
    facts = Facts()
    labels = {str(file.location): file.label for file in files}  # what a tensor table points at -> how facts name the file
    tensors = _read_weights(detected, facts, tree, labels)
    _apply_configs(tree, facts)
    if tensors:
        reading(", ".join(sorted({labels.get(str(t.file), str(t.file)) for t in tensors})[:3]), "tensor table", lambda: _apply_tensors(tensors, facts))
    if facts.format is None and not any(tree.file(name) is not None for name in CONFIG_FILES):
        raise UnsupportedFormat(f"{tree.location}: no model files found (weights: {', '.join(f.name for f in FORMATS)}; or {', '.join(CONFIG_FILES)})")
    facts.files = [file_record(file, digest=digest) for file in files]
    weights = [record["size"] for file, record in zip(files, facts.files) if detected[file] is not None]
    facts.record("size_bytes", sum(weights) if weights else None, f"bytes of the {len(weights)} weight file(s)")
    _check_storable(location, facts)
    return facts


def reading(where: str, what: str, action: Callable[[], T]) -> T:
    """Run one reader over untrusted bytes. Readers raise precise errors where a message can be exact; anything else
    they raise (a parser tripping over a shape it never expected) means the file is not what it claims: CorruptFile
    naming it, never a traceback."""
    try:
        return action()
    except ModelLakeError:
        raise
    except FileNotFoundError as error:
        raise NotFound(f"{where}: {error.strerror}: {error.filename}") from None
    except RecursionError:
        raise CorruptFile(f"{where}: not a readable {what}: nested too deeply") from None
    except Exception as error:  # noqa: BLE001 - the boundary around every format reader
        raise CorruptFile(f"{where}: not a readable {what} ({type(error).__name__}: {str(error)[:300]})") from None


def _check_table(tensors: list[TensorInfo], labels: dict[str, str]) -> None:
    """What every format's tensor table must hold, whatever parser built it: names that are text, dimensions >= 0."""
    for info in tensors:
        label = labels.get(str(info.file), str(info.file))
        problem = next(unstorable(info.name), None)
        if problem or not isinstance(info.name, str):
            raise CorruptFile(f"{label}: tensor name {str(info.name)[:80]!r} {problem[1] if problem else 'is not text'}")
        if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in info.shape):
            raise CorruptFile(f"{label}: tensor {info.name} has shape {list(info.shape)}: dimensions are non-negative integers")


def _check_storable(location: str | Path, facts: Facts) -> None:
    """Facts reach the store: a value it cannot hold (NUL in a name, NaN in a config, 10^30 parameters) is the file's
    fault, reported with the source that stated it."""
    problem = next(unstorable(facts.to_dict(), max_int=INT64), None)
    if problem:
        where, why = problem
        source = facts.sources.get(str(where[0])) if where and where[0] in facts.values else None
        dotted = ".".join(map(str, where))
        raise CorruptFile(f"{location}: the model files state a value the lake cannot store, facts.{dotted}" + (f" ({source})" if source else "") + f": {why}")


def _read_weights(detected: dict[ModelFile, WeightFormat | None], facts: Facts, tree: ModelTree, labels: dict[str, str]) -> list[TensorInfo]:
    """The preferred format's tensor table; every pickle-based file is read too, for the security scan."""
    primary = next((fmt for fmt in FORMATS if fmt in detected.values()), None)
    tensors: list[TensorInfo] = []
    for fmt in FORMATS:
        files = [file for file, found in detected.items() if found is fmt]
        if files and (fmt is primary or fmt.pickled):
            table = reading(", ".join(file.label for file in files[:3]), f"{fmt.name} file", lambda: fmt.read(files, facts, tree))
            _check_table(table, labels)
            if fmt is primary:
                tensors = table
    facts.format = primary.name if primary else None
    return tensors


# config file -> how its facts are applied (the file, the model's tree, the facts)
CONFIG_READERS = ((ADAPTER_CONFIG, lambda file, tree, facts: apply_adapter_config(file, file.label, facts)),
                  (HF_CONFIG, lambda file, tree, facts: apply_hf_config(file, file.label, facts)),
                  (ST_MODULES, lambda file, tree, facts: apply_sentence_transformers(tree, facts)))


def _apply_configs(tree: ModelTree, facts: Facts) -> None:
    for name, apply in CONFIG_READERS:
        file = tree.file(name)
        if file is not None:
            reading(file.label, name, lambda: apply(file, tree, facts))


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
