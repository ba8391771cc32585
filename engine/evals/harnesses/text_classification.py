"""Text classification, measured on the model as it ships: its own head when it has one, else a linear probe.

A model whose config.json names a `*ForSequenceClassification` architecture is loaded with
AutoModelForSequenceClassification (safetensors only: a pickle is never unpickled) and predicts each row;
its `id2label` names must cover the dataset's labels, since which id means "positive" is the model's word,
not ours to guess. An encoder without a head (a sentence-transformers model) is measured by the
linear-probe protocol: a seeded logistic-regression head fitted on `args.train_split` over the frozen
embeddings. The result's `method` says which (`model-head` or `linear-probe`).
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.evals.datasets import sha256_file
from engine.evals.harness import PROPORTION, Harness, HarnessResult, HarnessTask, ReportProgress
from engine.evals.harnesses._encoding import encode_texts, load_sentence_encoder

HEAD_SUFFIX = "ForSequenceClassification"
BATCH_SIZE = 32


def sequence_classifier_config(weights: Path) -> dict | None:
    """The model's config.json when it declares a sequence-classification head, else None."""
    config_file = weights / "config.json" if weights.is_dir() else None
    if config_file is None or not config_file.is_file():
        return None
    config = json.loads(config_file.read_text(encoding="utf-8"))
    return config if any(str(name).endswith(HEAD_SUFFIX) for name in config.get("architectures") or []) else None


class TextClassificationHarness(Harness):
    """Classifiers (own head) and sentence encoders (linear probe) on rows with `text` and `label`.

    Metrics: `accuracy`, `f1_macro` on the claimed split; samples = its rows. Args: max_length (head, default
    128); train_split (probe, default "train"), C (probe, inverse regularisation, default 1.0).
    """

    metrics = {"accuracy": PROPORTION, "f1_macro": PROPORTION}
    libraries = ("torch", "transformers", "sentence-transformers", "scikit-learn")

    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        from sklearn.metrics import accuracy_score, f1_score

        test = task.rows()
        gold = [str(row["label"]) for row in test]
        config = sequence_classifier_config(task.weights)
        predicted, details = (predict_with_head(task, config, test, report) if config is not None else predict_with_probe(task, test, report))
        return HarnessResult(
            metrics={"accuracy": float(accuracy_score(gold, predicted)), "f1_macro": float(f1_score(gold, predicted, average="macro"))},
            samples=len(test), data_sha256=sha256_file(task.data_file), details=details,
        )


def predict_with_head(task: HarnessTask, config: dict, rows: list[dict], report: ReportProgress) -> tuple[list[str], dict]:
    """The model's own predictions, as the dataset's label names (matched to id2label without case)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if not any(task.weights.glob("*.safetensors")):
        raise ValueError(f"text-classification loads weights only from safetensors and {task.weights} has none (a pickle is never unpickled)")
    id2label = {int(index): str(name) for index, name in (config.get("id2label") or {}).items()}
    by_name = {name.casefold(): name for name in id2label.values()}
    dataset_labels = sorted({str(row["label"]) for row in rows})
    if not all(label.casefold() in by_name for label in dataset_labels):
        raise ValueError(f"the model's labels ({', '.join(id2label[i] for i in sorted(id2label))}) do not name the dataset's labels "
                         f"({', '.join(dataset_labels)})")
    to_dataset = {by_name[label.casefold()]: label for label in dataset_labels}
    torch.manual_seed(task.seed)
    tokenizer = AutoTokenizer.from_pretrained(task.weights, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(task.weights, local_files_only=True, use_safetensors=True).eval()
    max_length = int(task.args.get("max_length", 128))
    predicted: list[str] = []
    with torch.inference_mode():
        for start in range(0, len(rows), BATCH_SIZE):
            batch = [row["text"] for row in rows[start:start + BATCH_SIZE]]
            encoded = tokenizer(batch, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            for index in model(**encoded).logits.argmax(dim=-1).tolist():
                name = id2label[index]
                predicted.append(to_dataset.get(name, name))  # a label the dataset does not use is simply wrong
            report(start + len(batch), len(rows))
    return predicted, {"method": "model-head", "labels": {str(i): id2label[i] for i in sorted(id2label)}}


def predict_with_probe(task: HarnessTask, rows: list[dict], report: ReportProgress) -> tuple[list[str], dict]:
    """A seeded logistic-regression head fitted on the train split over the frozen encoder, predicting `rows`."""
    from sklearn.linear_model import LogisticRegression

    train_split = task.args.get("train_split", "train")
    train = task.rows(train_split)
    model = load_sentence_encoder(task.weights, task.seed)
    total = len(train) + len(rows)
    train_x = encode_texts(model, [row["text"] for row in train], report, total=total)
    test_x = encode_texts(model, [row["text"] for row in rows], report, done_before=len(train), total=total)
    head = LogisticRegression(C=float(task.args.get("C", 1.0)), max_iter=1000, random_state=task.seed)
    head.fit(train_x, [str(row["label"]) for row in train])
    return [str(label) for label in head.predict(test_x)], {"method": "linear-probe", "train_split": train_split, "train_samples": len(train)}
