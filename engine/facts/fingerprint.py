"""Weight fingerprints for lineage: the weight sketch of engine.lineage.sketch where the format allows it.

A sketch samples every float tensor through mmap (never the whole model in memory); a GGUF file's tensors are
sampled by dequantizing only the blocks that hold a sampled position (engine.lineage.gguf_tensors). Formats whose tensors
cannot be sampled get an explicit "unavailable" fingerprint naming the reason, so a stored version says
why lineage has no sketch for it rather than silently having none.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

from engine.facts.formats import detect_format
from engine.storable import unstorable
from engine.storage import open_tree

UNAVAILABLE = "modellake-fingerprint-unavailable/1"
REASONS = {
    "pytorch": "pickle-based checkpoint: tensor bytes are not sampled; convert the weights to safetensors for a weight sketch",
    "pickle": "pickle file: tensor bytes are not sampled; convert the weights to safetensors for a weight sketch",
}


def compute_fingerprint(location: str | Path) -> dict | None:
    """The lineage weight sketch of a safetensors model or a GGUF file; an 'unavailable' record for pickles; None without weights.

    A sketch reads every weight (its moments cover the whole tensor), so weights behind a URI are streamed to a temporary
    copy first, each file once, and the copy is sketched."""
    tree = open_tree(location)
    detected = {file: fmt.name for file in tree.files if (fmt := detect_format(file)) is not None}
    safetensors = [file for file, name in detected.items() if name == "safetensors"]
    gguf = [file for file, name in detected.items() if name == "gguf"]
    sketched = safetensors or (gguf if len(gguf) == 1 else [])
    if sketched:
        from engine.lineage.sketch import weight_sketch

        if tree.local:
            sketch = weight_sketch(Path(tree.root) if safetensors and not tree.single else Path(sketched[0].path))
        else:
            with contextlib.ExitStack() as copies:
                paths = [copies.enter_context(file.local_copy()) for file in sketched]
                sketch = weight_sketch(paths[0] if len(paths) == 1 else _linked_folder(paths, copies))
        broken = next(unstorable(sketch), None)
        if broken:  # NaN or infinite weights (a diverged run, an fp16 overflow): no sketch to compare, and none to store
            return {"format": UNAVAILABLE, "source_format": "safetensors" if safetensors else "gguf",
                    "reason": f"the weights hold values no sketch can summarise ({'.'.join(map(str, broken[0]))}: {broken[1]})"}
        return sketch
    source = next((name for name in REASONS if name in detected.values()), None)
    return {"format": UNAVAILABLE, "source_format": source, "reason": REASONS[source]} if source else None


def _linked_folder(paths: list[Path], copies: contextlib.ExitStack) -> Path:
    """One folder holding the copies (the sketch of a sharded model reads its folder), by hard links: no second copy."""
    import os
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="modellake-shards-"))
    copies.callback(shutil.rmtree, folder, ignore_errors=True)
    for path in paths:
        os.link(path, folder / path.name)
    return folder
