"""Architecture facts of a model for lineage checks: from its config when present, else from its tensor table."""
from __future__ import annotations

from engine.facts.architectures import count_layers, embedding_rows
from engine.lineage.sources import ModelSource


def architecture_of(source: ModelSource) -> dict:
    """model_type, layers, hidden_size, vocab_size, parameters and float width (None where unknown)."""
    config = source.config
    return {
        "model_type": config.get("model_type"),
        "layers": config.get("num_hidden_layers") or config.get("n_layer") or count_layers(source.table),
        "hidden_size": config.get("hidden_size") or config.get("d_model") or config.get("n_embd"),
        "vocab_size": config.get("vocab_size") or embedding_rows(source.table),
        "parameters": source.parameters,
        "float_bits": source.float_bits,
    }


def compare_architectures(child: dict, parent: dict, keys: tuple[str, ...]) -> list[str]:
    """The named facts that both sides know and that differ, as 'key: parent -> child'."""
    return [f"{key}: {parent[key]} -> {child[key]}" for key in keys
            if child.get(key) is not None and parent.get(key) is not None and child[key] != parent[key]]
