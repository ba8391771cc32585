"""Architecture facts of a model for lineage checks: from its config when present, else from its tensor table."""
from __future__ import annotations

import re
from collections import Counter

from engine.lineage.sources import ModelSource

_LAYER_INDEX = re.compile(r"^(.*?)\.(\d+)\.")


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


def count_layers(table: dict) -> int | None:
    """Distinct indices under the most common indexed prefix ("encoder.layer.N." -> N + 1 layers)."""
    indices: dict[str, set[int]] = {}
    for name in table:
        match = _LAYER_INDEX.match(name)
        if match:
            indices.setdefault(match.group(1), set()).add(int(match.group(2)))
    if not indices:
        return None
    prefix, _ = Counter({prefix: len(found) for prefix, found in indices.items()}).most_common(1)[0]
    return len(indices[prefix])


def embedding_rows(table: dict) -> int | None:
    for name, (shape, _) in table.items():
        if "word_embeddings" in name or name.endswith(("embed_tokens.weight", "wte.weight", "tok_embeddings.weight")):
            return shape[0]
    return None


def compare_architectures(child: dict, parent: dict, keys: tuple[str, ...]) -> list[str]:
    """The named facts that both sides know and that differ, as 'key: parent -> child'."""
    return [f"{key}: {parent[key]} -> {child[key]}" for key in keys
            if child.get(key) is not None and parent.get(key) is not None and child[key] != parent[key]]
