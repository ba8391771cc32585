"""Sentence-transformers encoding shared by the text harnesses: offline load, batched encode with progress."""
from __future__ import annotations

from pathlib import Path

from engine.evals.harness import ReportProgress

BATCH_SIZE = 32


def load_sentence_encoder(weights: Path, seed: int):
    """A SentenceTransformer from a local directory, on CPU, with torch seeded; weights from safetensors only (never unpickled)."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(seed)
    return SentenceTransformer(str(weights), device="cpu", local_files_only=True, model_kwargs={"use_safetensors": True})


def encode_texts(model, texts: list[str], report: ReportProgress, *, done_before: int = 0, total: int | None = None,
                 batch_size: int = BATCH_SIZE):
    """L2-normalised embeddings (numpy, one row per text), reporting progress after each batch."""
    import numpy as np

    total = total or len(texts)
    batches = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        batches.append(model.encode(batch, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True))
        report(done_before + start + len(batch), total)
    return np.concatenate(batches)
