"""Benchmark reruns: harnesses found by entry point, run in an isolated worker, claims judged with stated tolerances.

Importing this package is cheap: the names below load on first use (PEP 562), so the worker process,
which imports engine.evals.worker, does not pay for the card and store modules; harness libraries
(torch, llama-cpp, open_clip) load only inside a harness's `run`.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "DEFAULT_MEMORY_LIMIT": "engine.evals.isolation", "DEFAULT_TIMEOUT_S": "engine.evals.isolation",
    "Harness": "engine.evals.harness", "HarnessResult": "engine.evals.harness", "HarnessTask": "engine.evals.harness",
    "harness_targets": "engine.evals.registry", "registered_harness": "engine.evals.registry",
    "rerun_evaluations": "engine.evals.rerun",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'engine.evals' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
