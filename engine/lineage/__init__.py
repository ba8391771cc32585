"""Lineage: the declared graph (recursive SQL), relation verification from the weights, parent recovery, model diff.

Importing this package is cheap: the names below load on first use (PEP 562). Nothing here imports torch.
- `record_declared_edges` (a submission step), `lineage_graph`, `lineage_context` (the review's lineage evidence)
- `verify_relation(child, parent, relation) -> {relation, verified, measured, reason, basis}`
- `recover_tree(models)`, `suggest_parents(session, ref)`, `accept_suggestion(session, ref, parent, by)`
- `diff_models(resolve_side(a, lake), resolve_side(b, lake))`
- `weight_sketch(path)`: the per-tensor sample sketch that recovery and sketch-based verification use
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "record_declared_edges": "engine.lineage.edges", "lineage_graph": "engine.lineage.graph", "lineage_context": "engine.lineage.graph",
    "verify_relation": "engine.lineage.verify", "VERIFIERS": "engine.lineage.verify", "recover_tree": "engine.lineage.recovery",
    "suggest_parents": "engine.lineage.suggestions", "accept_suggestion": "engine.lineage.suggestions",
    "diff_models": "engine.lineage.diff", "resolve_side": "engine.lineage.diff", "weight_sketch": "engine.lineage.sketch",
    "FORMATS": "engine.lineage.render",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'engine.lineage' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
