"""Weight fingerprints for lineage: the weight sketch of engine.lineage.sketch where the format allows it.

A sketch samples every float tensor through mmap (never the whole model in memory); a GGUF file's tensors are
sampled by dequantizing only the blocks that hold a sampled position (engine.lineage.gguf_tensors). Formats whose tensors
cannot be sampled get an explicit "unavailable" fingerprint naming the reason, so a stored version says
why lineage has no sketch for it rather than silently having none.
"""
from __future__ import annotations

from pathlib import Path

from engine.errors import NotFound
from engine.facts.extract import model_files
from engine.facts.formats import detect_format
from engine.storable import unstorable

UNAVAILABLE = "modellake-fingerprint-unavailable/1"
REASONS = {
    "pytorch": "pickle-based checkpoint: tensor bytes are not sampled; convert the weights to safetensors for a weight sketch",
    "pickle": "pickle file: tensor bytes are not sampled; convert the weights to safetensors for a weight sketch",
}


def compute_fingerprint(path: str | Path) -> dict | None:
    """The lineage weight sketch of a safetensors model or a GGUF file; an 'unavailable' record for pickles; None without weights."""
    path = Path(path)
    if not path.exists():
        raise NotFound(f"no model file or directory at {path}")
    detected = {file: fmt.name for file in model_files(path) if (fmt := detect_format(file)) is not None}
    gguf = [file for file, name in detected.items() if name == "gguf"]
    sketchable = path if "safetensors" in detected.values() else gguf[0] if len(gguf) == 1 else None
    if sketchable is not None:
        from engine.lineage.sketch import weight_sketch

        sketch = weight_sketch(sketchable)
        broken = next(unstorable(sketch), None)
        if broken:  # NaN or infinite weights (a diverged run, an fp16 overflow): no sketch to compare, and none to store
            return {"format": UNAVAILABLE, "source_format": detected.get(sketchable, "safetensors"),
                    "reason": f"the weights hold values no sketch can summarise ({'.'.join(map(str, broken[0]))}: {broken[1]})"}
        return sketch
    source = next((name for name in REASONS if name in detected.values()), None)
    return {"format": UNAVAILABLE, "source_format": source, "reason": REASONS[source]} if source else None
