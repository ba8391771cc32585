"""Text classification: a logistic-regression head fitted on the train split over a frozen sentence encoder."""
from __future__ import annotations

from engine.evals.datasets import read_split, sha256_file
from engine.evals.harness import PROPORTION, Harness, HarnessResult, HarnessTask, ReportProgress
from engine.evals.harnesses._encoding import encode_texts, load_sentence_encoder


class TextClassificationHarness(Harness):
    """Sentence-transformers encoders on a labelled CSV/JSONL with `text`, `label` and `split` columns.

    The encoder stays frozen; a logistic-regression head (scikit-learn, seeded) is fitted on the split
    named by `args.train_split` (default "train") and scored on the claimed split. This is the linear-probe
    protocol: it measures how well the embeddings separate the labels. Metrics: `accuracy`, `f1_macro`.
    Samples = rows of the scored split. Args: train_split, C (inverse regularisation, default 1.0).
    """

    metrics = {"accuracy": PROPORTION, "f1_macro": PROPORTION}
    libraries = ("torch", "sentence-transformers", "transformers", "scikit-learn")

    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import accuracy_score, f1_score

        train = read_split(task.data_file, task.args.get("train_split", "train"))
        test = read_split(task.data_file, task.split)
        model = load_sentence_encoder(task.weights, task.seed)
        total = len(train) + len(test)
        train_x = encode_texts(model, [row["text"] for row in train], report, total=total)
        test_x = encode_texts(model, [row["text"] for row in test], report, done_before=len(train), total=total)
        head = LogisticRegression(C=float(task.args.get("C", 1.0)), max_iter=1000, random_state=task.seed)
        head.fit(train_x, [row["label"] for row in train])
        gold, predicted = [row["label"] for row in test], head.predict(test_x)
        return HarnessResult(
            metrics={"accuracy": float(accuracy_score(gold, predicted)), "f1_macro": float(f1_score(gold, predicted, average="macro"))},
            samples=len(test), data_sha256=sha256_file(task.data_file),
        )
