"""Facts from the JSON files beside the weights: Hugging Face config.json, PEFT adapter_config.json,
sentence-transformers modules.json (and the Pooling/Dense configs it points to); LoRA facts from tensor names.
"""
from __future__ import annotations

import posixpath
import re

from engine.errors import CorruptFile
from engine.facts.record import Facts
from engine.facts.tensors import TensorInfo
from engine.storable import loads_strict
from engine.storage import ModelFile, ModelTree

HF_CONFIG, ADAPTER_CONFIG, ST_MODULES = "config.json", "adapter_config.json", "modules.json"
# fact -> config keys that state it, most common spelling first (GPT-2 and T5 families spell them differently)
CONFIG_KEYS = {
    "architecture": ("model_type",),
    "layers": ("num_hidden_layers", "n_layer", "num_layers"),
    "hidden_size": ("hidden_size", "d_model", "n_embd"),
    "intermediate_size": ("intermediate_size", "n_inner", "d_ff", "ffn_dim"),
    "attention_heads": ("num_attention_heads", "n_head", "num_heads"),
    "kv_heads": ("num_key_value_heads", "num_kv_heads"),
    "vocab_size": ("vocab_size",),
    "context_length": ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length", "n_ctx"),
    "tied_embeddings": ("tie_word_embeddings",),
}
NESTED_CONFIGS = ("text_config",)  # multimodal configs keep the language model's shape here
HEAD_DIM_KEYS = ("head_dim", "d_kv")  # an explicit head size (Llama 3.2, Gemma, T5): what KV heads are counted in
# sentence-transformers module type -> (config key giving the output dimension)
ST_DIMENSION_KEYS = {"Pooling": "word_embedding_dimension", "Dense": "out_features"}
_LORA = re.compile(r"^(?P<module>.*)\.lora_(?P<part>A|B)(?:\.[^.]+)?\.weight$")


def read_json(file: ModelFile, shape: type = dict) -> dict | list:
    """A config file as strict JSON (UTF-8, a BOM tolerated; no NaN, no duplicate keys) of the expected `shape`, read
    through engine.storage (a local file or one behind a URI)."""
    try:
        data = loads_strict(file.read_text(encoding="utf-8-sig"))
    except RecursionError:
        raise CorruptFile(f"{file}: not valid JSON (nested too deeply)") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise CorruptFile(f"{file}: not valid JSON ({error})") from None
    if not isinstance(data, shape):
        raise CorruptFile(f"{file}: expected a JSON {'object' if shape is dict else 'list'}, not {type(data).__name__}")
    return data


def apply_hf_config(file: ModelFile, label: str, facts: Facts) -> dict:
    """Declare the facts config.json states; returns the config (the tensor derivations and packed layouts read it too)."""
    from engine.facts.packed import declared_quantization

    config = read_json(file)
    scopes = [("", config)] + [(f"{name}.", config[name]) for name in NESTED_CONFIGS if isinstance(config.get(name), dict)]
    for fact, keys in CONFIG_KEYS.items():
        for prefix, scope in scopes:
            key = next((k for k in keys if scope.get(k) is not None), None)
            if key is not None:
                value = scope[key]
                facts.record(fact, value.lower() if isinstance(value, str) else value, f"{label}:{prefix}{key}")
                break
    if facts["kv_heads"] is None and facts["attention_heads"] is not None:
        # Configs without a key-value head count use plain multi-head attention: one KV head per query head.
        facts.record("kv_heads", facts["attention_heads"], f"{facts.sources['attention_heads']} (no num_key_value_heads: multi-head attention)")
    for prefix, scope in scopes:
        key = next((k for k in HEAD_DIM_KEYS if isinstance(scope.get(k), int)), None)
        if key is not None and "head_dim" not in facts.hints:
            facts.hints["head_dim"] = (scope[key], f"{label}:{prefix}{key}")
    facts.hints.setdefault("architectures", config.get("architectures"))
    declared = declared_quantization(config)
    if declared:
        facts.record("quantization", declared[0], f"{label}:{declared[1]}")
    facts.hints.setdefault("config", config)
    facts.metadata.setdefault("config", {k: config[k] for k in ("architectures", "torch_dtype", "_name_or_path") if k in config})
    return config


def apply_adapter_config(file: ModelFile, label: str, facts: Facts) -> None:
    config = read_json(file)
    targets = config.get("target_modules")
    if not (targets is None or isinstance(targets, str) or isinstance(targets, list) and all(isinstance(t, str) for t in targets)):
        raise CorruptFile(f"{file}: target_modules must be a module name or a list of them, not {str(targets)[:80]}")
    facts.record_adapter("type", str(config["peft_type"]).lower() if config.get("peft_type") else None, f"{label}:peft_type")
    facts.record_adapter("rank", config.get("r"), f"{label}:r")
    facts.record_adapter("alpha", config.get("lora_alpha"), f"{label}:lora_alpha")
    facts.record_adapter("target_modules", sorted(targets) if isinstance(targets, list) else targets, f"{label}:target_modules")
    facts.record_adapter("base_model", config.get("base_model_name_or_path"), f"{label}:base_model_name_or_path")


def apply_lora_tensors(tensors: list[TensorInfo], facts: Facts) -> None:
    """LoRA pairs in the tensor table: rank from lora_A's rows, targets from the module names."""
    pairs = [(match, info) for info in tensors if (match := _LORA.match(info.name))]
    if not pairs:
        return
    first_a = next((info for match, info in pairs if match["part"] == "A"), None)
    facts.record_adapter("type", "lora", f"tensor names: {len(pairs)} lora_A/lora_B tensors")
    if first_a is not None:
        facts.record_adapter("rank", first_a.shape[0], f"{first_a.name} shape {list(first_a.shape)}")
    modules = sorted({match["module"].rsplit(".", 1)[-1] for match, _ in pairs})
    facts.record_adapter("target_modules", modules, "tensor names before .lora_A/.lora_B")


def apply_sentence_transformers(tree: ModelTree, facts: Facts) -> None:
    """embedding_dim: the output size of the last Pooling or Dense module listed in modules.json."""
    listing = tree.file(ST_MODULES)
    modules = read_json(listing, list)
    if not all(isinstance(module, dict) for module in modules):
        raise CorruptFile(f"{listing}: expected a list of modules, each an object")
    dimension = None
    for module in modules:
        kind = str(module.get("type", "")).rsplit(".", 1)[-1]
        config_label = posixpath.join(str(module.get("path") or ""), "config.json")
        if not tree.contains(config_label):  # '..', an absolute path or (on this disk) a link: never read outside the model
            raise CorruptFile(f"{listing}: module path {str(module.get('path'))[:80]!r} points outside the model folder")
        config_file = tree.file(config_label)
        if kind == "Transformer" and module.get("path") and config_file is not None:  # older layout: 0_Transformer/config.json
            apply_hf_config(config_file, config_file.label, facts)
        if kind in ST_DIMENSION_KEYS and config_file is not None:
            key = ST_DIMENSION_KEYS[kind]
            value = read_json(config_file).get(key)
            if value is not None:
                dimension = (value, f"{config_file.label}:{key}")
    facts.metadata["sentence_transformers"] = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    bert_config = tree.file("sentence_bert_config.json")
    if bert_config is not None:
        facts.record("max_sequence_length", read_json(bert_config).get("max_seq_length"), f"{bert_config.label}:max_seq_length")
    if dimension:
        facts.record("embedding_dim", *dimension)
