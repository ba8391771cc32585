"""Facts from a model's own files: format, architecture, parameters, quantization, adapters, digests, a
weight fingerprint, and a scan of pickle-based files for imports that would run code on load.

What the tensors prove (one table per architecture family; packed quantized modules unpacked) wins over
what config.json or a GGUF header declares, and every disagreement is a conflict naming both.

- `extract_facts(path, digest=True) -> Facts` (`.to_dict()` is the JSON stored with a version)
- `compute_fingerprint(path) -> dict | None` (the lineage weight sketch, or why there is none)
- `sha256_file(path)` (streamed once; progress bar on a terminal above 100 MB)
See docs/facts.md for the formats, every fact and its source, and the pickle allow-list.
"""
from __future__ import annotations

from engine.facts.digest import sha256_file
from engine.facts.extract import extract_facts
from engine.facts.fingerprint import compute_fingerprint
from engine.facts.record import Facts

__all__ = ["Facts", "compute_fingerprint", "extract_facts", "sha256_file"]
