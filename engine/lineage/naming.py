"""Tensor names across formats: a Hugging Face checkpoint seen through GGUF's names, with gguf's own TensorNameMap.

llama.cpp normalises every architecture's names (model.layers.3.self_attn.q_proj.weight -> blk.3.attn_q.weight).
When the models compared mix GGUF files with safetensors ones, the safetensors tables are viewed in GGUF names,
with the map the GGUF converter itself used; tensors the map does not know (rotary caches, heads it drops)
simply do not take part in the comparison.
"""
from __future__ import annotations

from typing import Iterable

_MAP_SPARE_BLOCKS = 8  # a child may have a few more blocks than its parent; the map must cover both


def gguf_aliases(names: Iterable[str], naming: dict) -> dict[str, str]:
    """GGUF name -> own name, for every own tensor gguf's map knows for that architecture."""
    from gguf.constants import MODEL_ARCH_NAMES
    from gguf.tensor_mapping import get_tensor_name_map

    from engine.facts.architectures import count_layers

    names = list(names)
    arch = next((key for key, value in MODEL_ARCH_NAMES.items() if value == naming.get("architecture")), None)
    if arch is None:
        return {}
    blocks = max(int(naming.get("blocks") or 0), count_layers(dict.fromkeys(names)) or 0) + _MAP_SPARE_BLOCKS
    mapping = get_tensor_name_map(arch, blocks)
    aliases: dict[str, str] = {}
    for name in names:
        mapped = mapping.get_name(name, try_suffixes=(".weight", ".bias"))
        if mapped is not None:
            aliases.setdefault(mapped, name)
    return aliases


def common_naming(sources: list) -> list:
    """The sources, with non-GGUF ones viewed in GGUF names when any source is a GGUF file or sketch, and a task-head
    checkpoint viewed in its base model's names (below)."""
    gguf = next((source.naming for source in sources if source.naming and source.naming.get("scheme") == "gguf"), None)
    if gguf is not None:
        return [source if source.naming else source.in_names_of(gguf) for source in sources]
    names = [set(source.own_names) for source in sources]
    viewed = []
    for index, source in enumerate(sources):
        others = set().union(*(other for at, other in enumerate(names) if at != index))
        prefix = model_prefix(names[index], others)
        viewed.append(source.without_prefix(prefix) if prefix else source)
    return viewed


def model_prefix(names: set[str], others: set[str]) -> str | None:
    """The attribute a task-head class nests its base model under, when that is all that keeps these names from the
    others': transformers' BertForSequenceClassification saves `bert.encoder...` where BertModel saves `encoder...`
    (and a head, `classifier.*`, the base lacks). None unless nearly every nested name is one of the others'."""
    if not names or not others or len(names & others) * 2 >= len(names):
        return None
    firsts = {name.split(".", 1)[0] for name in names if "." in name}
    for prefix in sorted(firsts):
        nested = {name[len(prefix) + 1:] for name in names if name.startswith(prefix + ".")}
        if len(nested) * 2 > len(names) and len(nested & others) >= _NESTED_SHARE * len(nested):
            return prefix
    return None


_NESTED_SHARE = 0.9
