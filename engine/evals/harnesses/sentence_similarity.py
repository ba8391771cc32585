"""Sentence-embedding similarity: correlation between cosine similarity and graded gold scores (STS style)."""
from __future__ import annotations

from engine.evals.datasets import sha256_file
from engine.evals.harness import PEARSON, SPEARMAN, Harness, HarnessResult, HarnessTask, ReportProgress
from engine.evals.harnesses._encoding import encode_texts, load_sentence_encoder


class SentenceSimilarityHarness(Harness):
    """Sentence-transformers models on a pair file with `sentence1`, `sentence2`, `score` per row.

    Metrics: `spearman` (the STS convention) and `pearson` between the cosine similarity of the two
    embeddings and the gold score. Samples = pairs.
    """

    metrics = {"spearman": SPEARMAN, "pearson": PEARSON}
    libraries = ("torch", "sentence-transformers", "transformers", "scipy")

    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        from scipy.stats import pearsonr, spearmanr

        rows = task.rows()
        model = load_sentence_encoder(task.weights, task.seed)
        texts = [row["sentence1"] for row in rows] + [row["sentence2"] for row in rows]
        embeddings = encode_texts(model, texts, report, batch_size=int(task.args.get("batch_size", 32)))
        first, second = embeddings[: len(rows)], embeddings[len(rows):]
        cosine = (first * second).sum(axis=1)
        gold = [float(row["score"]) for row in rows]
        return HarnessResult(
            metrics={"spearman": float(spearmanr(cosine, gold).statistic), "pearson": float(pearsonr(cosine, gold).statistic)},
            samples=len(rows), data_sha256=sha256_file(task.data_file),
        )
