"""Weight fingerprints for lineage: the weight sketch of engine.lineage.sketch where the format allows it.

A sketch samples every float tensor through mmap (never the whole model in memory). Formats whose tensors
cannot be sampled get an explicit "unavailable" fingerprint naming the reason, so a stored version says
why lineage has no sketch for it rather than silently having none.
"""
from __future__ import annotations

from pathlib import Path

from engine.errors import NotFound
from engine.facts.extract import model_files
from engine.facts.formats import detect_format

UNAVAILABLE = "modellake-fingerprint-unavailable/1"
REASONS = {
    "gguf": "GGUF tensors are stored in quantized blocks (Q4_1, Q8_0, ...); they are not dequantized to sample them, so there is no weight sketch",
    "pytorch": "pickle-based checkpoint: tensor bytes are not sampled; convert the weights to safetensors for a weight sketch",
    "pickle": "pickle file: tensor bytes are not sampled; convert the weights to safetensors for a weight sketch",
}


def compute_fingerprint(path: str | Path) -> dict | None:
    """The lineage weight sketch of a safetensors model; an 'unavailable' record for other formats; None without weights."""
    path = Path(path)
    if not path.exists():
        raise NotFound(f"no model file or directory at {path}")
    formats = {fmt.name for fmt in map(detect_format, model_files(path)) if fmt is not None}
    if "safetensors" in formats:
        from engine.lineage.sketch import weight_sketch

        return weight_sketch(path)
    source = next((name for name in REASONS if name in formats), None)
    return {"format": UNAVAILABLE, "source_format": source, "reason": REASONS[source]} if source else None
