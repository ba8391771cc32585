"""Weight sketches: a few hundred values per tensor at positions fixed by the tensor's size, plus its moments.

Two models' sketches sample the same positions of every same-shaped tensor, so the relative change and
the correlation of the samples estimate those of the full tensors: recovery ranks many candidate pairs
from sketches in microseconds where a full comparison reads every weight of both models. A sketch is
JSON-native, so it can be stored with a version and used when the files are gone.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.lineage.tensors import open_weights

SKETCH_FORMAT = "modellake-weight-sketch/1"
SAMPLES_PER_TENSOR = 256
_CHUNK = 1 << 20  # moments are accumulated in float64 over chunks of this many values


def sample_positions(numel: int, count: int = SAMPLES_PER_TENSOR) -> np.ndarray:
    """Sorted flat positions sampled from a tensor of `numel` values; the same for every tensor of that size."""
    if numel <= count:
        return np.arange(numel)
    return np.unique(np.random.default_rng(numel).integers(0, numel, count))


def tensor_moments(values: np.ndarray) -> dict:
    """Mean, standard deviation and excess kurtosis, in float64, without a float64 copy of the tensor."""
    flat = values.reshape(-1)
    n = flat.size
    if n == 0:
        return {"mean": 0.0, "std": 0.0, "kurtosis": 0.0}
    total = sum(float(flat[i:i + _CHUNK].sum(dtype=np.float64)) for i in range(0, n, _CHUNK))
    mean = total / n
    second = fourth = 0.0
    for i in range(0, n, _CHUNK):
        centred = flat[i:i + _CHUNK].astype(np.float64) - mean
        squared = centred * centred
        second += float(squared.sum())
        fourth += float((squared * squared).sum())
    variance = second / n
    kurtosis = fourth / n / variance**2 - 3.0 if variance > 0 else 0.0
    return {"mean": mean, "std": variance**0.5, "kurtosis": kurtosis}


def weight_sketch(path: str | Path) -> dict:
    """The sketch of a safetensors model or a GGUF file: per sampled tensor its shape, dtype, moments and sampled values.

    GGUF sketches keep GGUF's tensor names (`naming` says so: engine.lineage.naming maps a Hugging Face table onto
    them) and sample the positions of the original layout; their moments come from the dequantized blocks read."""
    files = open_weights(path)
    resolved = files.path.resolve()
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files.files)
    return _cached_sketch(str(resolved), stamp)


@lru_cache(maxsize=64)
def _cached_sketch(path: str, stamp: tuple) -> dict:
    files = open_weights(path)
    tensors = {}
    for name, info in files.tensors.items():
        if not files.samplable(info):
            continue
        sample, population = files.read_samples(name, sample_positions(info.numel))
        tensors[name] = {"shape": list(info.shape), "dtype": info.dtype, **tensor_moments(population), "sample": sample.astype(float).tolist()}
    sketch = {"format": SKETCH_FORMAT, "parameters": files.parameters, "float_bits": files.float_bits, "bits_per_weight": files.bits_per_weight,
              "tensors": tensors}
    return sketch | ({"naming": files.naming} if files.naming else {})


def is_sketch(value: object) -> bool:
    return isinstance(value, dict) and value.get("format") == SKETCH_FORMAT
