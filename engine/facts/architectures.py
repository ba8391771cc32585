"""What the tensor table itself proves about an architecture, one table per family; the config is only compared.

Each family is a marker (a tensor name only that layout has) and a list of derivations: which tensor, which
axis, divided by what. A derivation whose divisor was itself declared (a head size from config.json) still
counts, with its source saying so; one marked `proven_only` runs only when its divisors came from tensors
too (the number of query heads from q_proj's rows would otherwise restate the config's own head size). A
fact the layout cannot show keeps the declared value, and its source says why it is not provable.

| family | models | proves | cannot prove |
| --- | --- | --- | --- |
| decoder | llama, mistral, qwen2, gemma, phi, phi3 (transformers' `model.layers.N`) | layers, hidden, vocabulary, intermediate (down_proj / fc2 inputs), KV heads (k_proj or fused qkv_proj rows / head size), tied (lm_head present or not in a *ForCausalLM); query heads when q_norm gives the head size (gemma 3, qwen 3) | query heads otherwise, context length (rotary) |
| bert | bert, roberta, sentence-transformers' BERT | layers, hidden, vocabulary, context (position rows), intermediate, KV heads | query heads |
| gpt2 | gpt2 (Conv1D weights are [in, out]) | layers, hidden, vocabulary, context (wpe rows), intermediate, KV heads (c_attn columns / 3 / head size), tied | query heads |
| t5 | t5, flan-t5 | layers (encoder blocks), hidden, vocabulary, heads (relative attention bias columns), head size (q rows / heads), KV heads, intermediate, tied | context length (relative buckets) |
| vit | vit | layers, hidden (patch projection), intermediate, KV heads | query heads |
| clip | clip (Hugging Face CLIPModel; text tower) | layers, hidden, vocabulary, context, intermediate, KV heads, embedding size (text_projection rows) | query heads |
| gguf | every llama.cpp architecture (names normalised to `blk.N.attn_k`, `token_embd`, ...) | layers, hidden, vocabulary, intermediate (ffn_down inputs), KV heads, query heads when attn_q_norm gives the head size, context when position_embd exists, tied (no output.weight) | query heads otherwise, rotary context length |

The head size a KV derivation divides by comes, in order, from a tensor (per-head norm length; T5's q rows
over its proven heads), from an explicit declaration (config.json `head_dim`/`d_kv`, GGUF
`<arch>.attention.key_length`), else from the (proven) hidden size over the declared query heads.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from engine.facts.record import Facts
from engine.facts.tensors import TensorInfo

ARCHITECTURE_FACTS = ("layers", "hidden_size", "intermediate_size", "attention_heads", "kv_heads", "vocab_size", "context_length",
                      "tied_embeddings", "embedding_dim")
LM_HEAD_CLASSES = ("ForCausalLM", "LMHeadModel", "ForConditionalGeneration")  # transformers classes that have an output head


@dataclass(frozen=True)
class Derivation:
    fact: str                  # a fact name, or "head_dim" (used by later derivations, not reported)
    tensor: str                # regex the whole tensor name must match; for "layers" its one group is the block index
    axis: int | None = None    # the dimension that gives the value; None: count the distinct block indices
    per: tuple = ()            # divide by these: numbers, or values derived (or declared) before
    minus: str | None = None   # subtract this value first (a fused qkv's query part is the hidden size)
    proven_only: bool = False  # the named divisors must come from tensors, not from a declaration


@dataclass(frozen=True)
class Family:
    name: str
    model_types: tuple[str, ...]      # config.json model_type values this table is written for (GGUF: every architecture)
    marker: str                       # a tensor name (regex) only this layout has
    derivations: tuple[Derivation, ...]
    head: str | None = None           # the separate output head's tensor: present means untied
    head_absent_is_tied: bool = False  # GGUF omits output.weight exactly when it reuses token_embd
    unprovable: dict[str, str] = field(default_factory=dict)  # fact -> why these shapes cannot show it


def _layers(prefix: str) -> Derivation:
    return Derivation("layers", prefix + r"(\d+)\..+")


ROTARY = "positions are rotary: no tensor has one row per position"
SQUARE_QUERY = "the query projection is hidden x hidden, which does not show how it splits into heads"
_D = r"model\.layers\.0\."
_B = r"(?:bert\.|roberta\.)?"
_G = r"(?:transformer\.)?"
_V = r"(?:vit\.)?"
_T5 = r"encoder\.block\.0\.layer\."
_CLIP = r"text_model\."

FAMILIES = (
    Family("decoder", ("llama", "mistral", "mixtral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "gemma3_text", "phi", "phi3"),
           r"model\.layers\.\d+\.self_attn\.(?:q_proj|qkv_proj)\.weight", (
        _layers(r"model\.layers\."),
        Derivation("hidden_size", r"model\.embed_tokens\.weight", 1),
        Derivation("vocab_size", r"model\.embed_tokens\.weight", 0),
        Derivation("intermediate_size", _D + r"mlp\.down_proj\.weight", 1),
        Derivation("intermediate_size", _D + r"mlp\.fc2\.weight", 1),
        Derivation("head_dim", _D + r"self_attn\.q_norm\.weight", 0),
        Derivation("attention_heads", _D + r"self_attn\.q_proj\.weight", 0, per=("head_dim",), proven_only=True),
        Derivation("kv_heads", _D + r"self_attn\.k_proj\.weight", 0, per=("head_dim",)),
        Derivation("kv_heads", _D + r"self_attn\.qkv_proj\.weight", 0, per=(2, "head_dim"), minus="hidden_size"),
    ), head="lm_head.weight", unprovable={"attention_heads": SQUARE_QUERY, "context_length": ROTARY}),
    Family("bert", ("bert", "roberta", "xlm-roberta"), _B + r"encoder\.layer\.\d+\.attention\.self\.query\.weight", (
        _layers(_B + r"encoder\.layer\."),
        Derivation("hidden_size", _B + r"embeddings\.word_embeddings\.weight", 1),
        Derivation("vocab_size", _B + r"embeddings\.word_embeddings\.weight", 0),
        Derivation("context_length", _B + r"embeddings\.position_embeddings\.weight", 0),
        Derivation("intermediate_size", _B + r"encoder\.layer\.0\.output\.dense\.weight", 1),
        Derivation("kv_heads", _B + r"encoder\.layer\.0\.attention\.self\.key\.weight", 0, per=("head_dim",)),
    ), unprovable={"attention_heads": SQUARE_QUERY}),
    Family("gpt2", ("gpt2",), _G + r"h\.\d+\.attn\.c_attn\.weight", (
        _layers(_G + r"h\."),
        Derivation("hidden_size", _G + r"wte\.weight", 1),
        Derivation("vocab_size", _G + r"wte\.weight", 0),
        Derivation("context_length", _G + r"wpe\.weight", 0),
        Derivation("intermediate_size", _G + r"h\.0\.mlp\.c_proj\.weight", 0),  # Conv1D: [in, out]
        Derivation("kv_heads", _G + r"h\.0\.attn\.c_attn\.weight", 1, per=(3, "head_dim")),
    ), head="lm_head.weight", unprovable={"attention_heads": "c_attn packs query, key and value as hidden x 3*hidden"}),
    Family("t5", ("t5", "mt5"), r"encoder\.block\.\d+\.layer\.0\.SelfAttention\.q\.weight", (
        _layers(r"encoder\.block\."),
        Derivation("hidden_size", r"shared\.weight", 1),
        Derivation("vocab_size", r"shared\.weight", 0),
        Derivation("attention_heads", _T5 + r"0\.SelfAttention\.relative_attention_bias\.weight", 1),
        Derivation("head_dim", _T5 + r"0\.SelfAttention\.q\.weight", 0, per=("attention_heads",), proven_only=True),
        Derivation("kv_heads", _T5 + r"0\.SelfAttention\.k\.weight", 0, per=("head_dim",)),
        Derivation("intermediate_size", _T5 + r"1\.DenseReluDense\.wo\.weight", 1),
    ), head="lm_head.weight", unprovable={"context_length": "positions are relative buckets: no tensor has one row per position"}),
    Family("vit", ("vit",), _V + r"encoder\.layer\.\d+\.attention\.attention\.query\.weight", (
        _layers(_V + r"encoder\.layer\."),
        Derivation("hidden_size", _V + r"embeddings\.patch_embeddings\.projection\.weight", 0),
        Derivation("intermediate_size", _V + r"encoder\.layer\.0\.output\.dense\.weight", 1),
        Derivation("kv_heads", _V + r"encoder\.layer\.0\.attention\.attention\.key\.weight", 0, per=("head_dim",)),
    ), unprovable={"attention_heads": SQUARE_QUERY}),
    Family("clip", ("clip",), _CLIP + r"encoder\.layers\.\d+\.self_attn\.q_proj\.weight", (
        _layers(_CLIP + r"encoder\.layers\."),
        Derivation("hidden_size", _CLIP + r"embeddings\.token_embedding\.weight", 1),
        Derivation("vocab_size", _CLIP + r"embeddings\.token_embedding\.weight", 0),
        Derivation("context_length", _CLIP + r"embeddings\.position_embedding\.weight", 0),
        Derivation("intermediate_size", _CLIP + r"encoder\.layers\.0\.mlp\.fc2\.weight", 1),
        Derivation("kv_heads", _CLIP + r"encoder\.layers\.0\.self_attn\.k_proj\.weight", 0, per=("head_dim",)),
        Derivation("embedding_dim", r"text_projection\.weight", 0),
    ), unprovable={"attention_heads": SQUARE_QUERY}),
    Family("gguf", (), r"blk\.\d+\..+", (
        _layers(r"blk\."),
        Derivation("hidden_size", r"token_embd\.weight", 1),
        Derivation("vocab_size", r"token_embd\.weight", 0),
        Derivation("context_length", r"position_embd\.weight", 0),
        Derivation("intermediate_size", r"blk\.0\.ffn_down\.weight", 1),
        Derivation("head_dim", r"blk\.0\.attn_q_norm\.weight", 0),
        Derivation("head_dim", r"blk\.0\.attn_k_norm\.weight", 0),
        Derivation("attention_heads", r"blk\.0\.attn_q\.weight", 0, per=("head_dim",), proven_only=True),
        Derivation("kv_heads", r"blk\.0\.attn_k\.weight", 0, per=("head_dim",)),
        Derivation("kv_heads", r"blk\.0\.attn_qkv\.weight", 0, per=(2, "head_dim"), minus="hidden_size"),
    ), head="output.weight", head_absent_is_tied=True, unprovable={"attention_heads": SQUARE_QUERY, "context_length": ROTARY}),
)


@dataclass(frozen=True)
class Known:
    value: int
    source: str
    proven: bool  # from tensors alone


_MARKERS = re.compile("|".join(f"(?P<f{index}>{family.marker})" for index, family in enumerate(FAMILIES)))


def family_of(names: list[str]) -> Family | None:
    """The first family in table order whose marker some tensor name matches (one combined pattern, one pass over the names)."""
    found = {int(match.lastgroup[1:]) for name in names if (match := _MARKERS.fullmatch(name))}
    return FAMILIES[min(found)] if found else None


def derive_architecture(tensors: list[TensorInfo], facts: Facts, hints: dict) -> Family | None:
    """Prove what the family's derivations can from the tensor table (overriding, and compared with, what was declared);
    mark declared facts the layout cannot prove. `hints` carries declared values no fact holds: head_dim, architectures."""
    table = {info.name: info.shape for info in tensors}
    family = family_of(list(table))
    if family is None or not _applies(family, facts):
        return None
    known: dict[str, Known] = {}
    for derivation in family.derivations:
        if derivation.fact in known and known[derivation.fact].proven:
            continue
        found = _apply(derivation, table, known, facts, hints)
        if found is not None:
            known[derivation.fact] = found
    for fact, result in known.items():
        if fact in ARCHITECTURE_FACTS:
            facts.prove(fact, result.value, result.source)
    _tied(family, table, facts, hints)
    for fact in ARCHITECTURE_FACTS:
        if fact not in known and fact in family.unprovable and facts[fact] is not None:
            facts.sources[fact] += f" (not provable from tensors: {family.unprovable[fact]})"
    facts.metadata["family"] = family.name
    return family


def _applies(family: Family, facts: Facts) -> bool:
    """Whether the family's table may speak for these weights. A config naming an architecture no table is written for
    (glm4_moe with its extra next-token block, ...) is left alone: its layout could differ in ways the table cannot see.
    One naming another family's architecture contradicts the tensors, and says so: a conflict on `architecture`."""
    declared = facts["architecture"] if facts.sources.get("architecture", "").split(":")[0].endswith("config.json") else None
    if declared is None or not family.model_types or declared in family.model_types:
        return True
    owner = next((other for other in FAMILIES if declared in other.model_types), None)
    if owner is None:
        facts.metadata["family"] = f"{family.name} layout, not derived: the table is not written for model_type {declared}"
        return False
    facts.conflicts.append({"fact": "architecture", "config": declared, "config_source": facts.sources["architecture"],
                            "tensors": f"{family.name} layout", "tensors_source": f"tensor names match the {family.name} family's marker",
                            "config_says": f"architecture = {declared} ({facts.sources['architecture']}), a {owner.name} model",
                            "tensors_say": f"architecture = a {family.name} model ({', '.join(family.model_types)}): tensor names match "
                                           f"{family.marker}"})
    return True


def _apply(derivation: Derivation, table: dict, known: dict[str, Known], facts: Facts, hints: dict) -> Known | None:
    pattern = re.compile(derivation.tensor)
    literal = _literal(derivation.tensor)
    if literal is not None:  # most derivations name one tensor: a lookup, not a scan of every name
        matches = [(literal, None)] if literal in table else []
    else:
        matches = [(name, match) for name in table if (match := pattern.fullmatch(name))]
    if not matches:
        return None
    if derivation.axis is None:  # count the blocks
        indices = sorted({int(match.group(1)) for _, match in matches})
        name, match = matches[0]
        return Known(len(indices), f"tensor names: {len(indices)} blocks {name[:match.start(1)]}N.* (indices {indices[0]}..{indices[-1]})", True)
    name = min(name for name, _ in matches)
    shape = table[name]
    if len(shape) <= derivation.axis:
        return None
    value, proven, steps = shape[derivation.axis], True, [f"{name} shape[{derivation.axis}] {shape[derivation.axis]:,}"]
    if derivation.minus:
        minus = _value(derivation.minus, known, facts, hints)
        if minus is None:
            return None
        value, proven = value - minus.value, proven and minus.proven
        steps.append(f"- {derivation.minus} {minus.value:,} ({minus.source})")
    for divisor in derivation.per:
        if isinstance(divisor, int):
            by = Known(divisor, "", True)
        else:
            by = _value(divisor, known, facts, hints)
            if by is None or (derivation.proven_only and not by.proven):
                return None
        if by.value <= 0 or value % by.value:
            return None  # not a whole number of heads: these shapes do not fit that divisor
        value //= by.value
        proven = proven and by.proven
        steps.append(f"/ {by.value:,}" + (f" {divisor} ({by.source})" if by.source else ""))
    return Known(value, " ".join(steps), proven) if value > 0 else None


def _literal(pattern: str) -> str | None:
    """The one name a pattern made only of escaped dots and plain characters matches, else None."""
    plain = pattern.replace("\\.", ".")
    return plain if re.fullmatch(r"[\w.]+", plain) and "\\" not in plain else None


def _value(name: str, known: dict[str, Known], facts: Facts, hints: dict) -> Known | None:
    """A value a derivation divides by: derived before, else declared; the head size falls back to hidden / heads."""
    if name in known:
        return known[name]
    if name == "head_dim":
        if hints.get("head_dim"):
            value, source = hints["head_dim"]
            return Known(int(value), source, False)
        hidden, heads = _value("hidden_size", known, facts, hints), _value("attention_heads", known, facts, hints)
        if hidden is None or heads is None or heads.value <= 0 or hidden.value % heads.value:
            return None
        return Known(hidden.value // heads.value, f"hidden_size {hidden.value:,} / attention_heads {heads.value:,} ({heads.source})",
                     hidden.proven and heads.proven)
    if facts.values.get(name) is not None and isinstance(facts.values[name], int):
        return Known(facts.values[name], facts.sources.get(name, "declared"), False)
    return None


def _tied(family: Family, table: dict, facts: Facts, hints: dict) -> None:
    if family.head is None:
        return
    if family.head in table:
        facts.prove("tied_embeddings", False, f"{family.head} tensor present: the output head has its own weights")
    elif family.head_absent_is_tied:
        facts.prove("tied_embeddings", True, f"no {family.head} tensor: the token embedding is reused as the output head")
    else:
        heads = [name for name in hints.get("architectures") or [] if str(name).endswith(LM_HEAD_CLASSES)]
        if heads:
            facts.prove("tied_embeddings", True, f"no {family.head} tensor in a {heads[0]} checkpoint (config.json:architectures): the head reuses "
                                                 "the token embedding")


# Heuristics for layouts no family knows (extract's fallback, lineage's architecture summary): they fill gaps, never override.
_LAYER_INDEX = re.compile(r"^(.*?)\.(\d+)\.")


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
