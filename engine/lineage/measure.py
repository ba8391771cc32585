"""How far one model's weights moved from another's, tensor by tensor (one tensor of each in memory at a time).

Per shared tensor: relative L2 change ||child - parent|| / ||parent||, mean-centred cosine of the two
tensors, frozen (bit-identical values) and, for changed 2-D weights measured from files, the estimated
rank of the delta. Exact when both models have files; estimated from sketch samples otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from engine.lineage.sources import ModelSource

RANK_ENERGY = 0.99  # the delta's rank: singular values holding this share of its energy
_LAYER = re.compile(r"^(.*?\.\d+)\.")  # "encoder.layer.4.attention..." -> "encoder.layer.4"


@dataclass(frozen=True)
class TensorDelta:
    name: str
    shape: tuple[int, ...]
    relative_l2: float
    centred_cosine: float | None
    frozen: bool
    rank: int | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "shape": list(self.shape), "relative_l2": _round(self.relative_l2),
                "centred_cosine": _round(self.centred_cosine), "frozen": self.frozen, "rank": self.rank}


@dataclass(frozen=True)
class TableDiff:
    """Tensor names and shapes: what only one side has, and what both have with different shapes."""

    shared: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    reshaped: tuple[tuple[str, tuple, tuple], ...]

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.reshaped)


def diff_tables(child: ModelSource, parent: ModelSource) -> TableDiff:
    new, old = child.table, parent.table
    same = sorted(n for n in new.keys() & old.keys() if new[n][0] == old[n][0])
    reshaped = tuple((n, old[n][0], new[n][0]) for n in sorted(new.keys() & old.keys()) if new[n][0] != old[n][0])
    return TableDiff(tuple(same), tuple(sorted(new.keys() - old.keys())), tuple(sorted(old.keys() - new.keys())), reshaped)


def basis(child: ModelSource, parent: ModelSource) -> str:
    """Whole tensors when both sides are files that read them cheaply (safetensors); the sampled values otherwise."""
    return "weights" if child.exact and parent.exact else "sketch"


def tensor_deltas(child: ModelSource, parent: ModelSource, names: tuple[str, ...], *, ranks: bool = False) -> list[TensorDelta]:
    """The change of every named (shared, same-shape) tensor from parent to child."""
    exact = basis(child, parent) == "weights"
    deltas = []
    for name in names:
        new, old = (child.values(name), parent.values(name)) if exact else (child.samples(name), parent.samples(name))
        deltas.append(_delta(name, new, old, ranks and exact))
    return deltas


def summarise(deltas: list[TensorDelta]) -> dict:
    """Numbers for evidence: the overall change and its spread over tensors."""
    changed = [d for d in deltas if not d.frozen]
    relative = np.array([d.relative_l2 for d in deltas]) if deltas else np.zeros(1)
    cosines = [d.centred_cosine for d in changed if d.centred_cosine is not None]
    return {"tensors_compared": len(deltas), "tensors_changed": len(changed), "tensors_frozen": len(deltas) - len(changed),
            "mean_relative_l2": _round(float(relative.mean())), "max_relative_l2": _round(float(relative.max())),
            "median_centred_cosine": _round(float(np.median(cosines))) if cosines else None}


def layer_of(name: str) -> str:
    """The layer a tensor belongs to: up to its first numeric component, else its module path."""
    match = _LAYER.match(name)
    return match.group(1) if match else name.rsplit(".", 1)[0]


def top_changed_layers(deltas: list[TensorDelta], limit: int = 5) -> list[dict]:
    layers: dict[str, list[float]] = {}
    for delta in deltas:
        layers.setdefault(layer_of(delta.name), []).append(delta.relative_l2)
    ranked = sorted(((max(v), k) for k, v in layers.items() if max(v) > 0), reverse=True)[:limit]
    return [{"layer": layer, "max_relative_l2": _round(value)} for value, layer in ranked]


def _delta(name: str, new: np.ndarray, old: np.ndarray, with_rank: bool) -> TensorDelta:
    difference = new.astype(np.float64) - old
    frozen = not difference.any()
    norm_old = float(np.linalg.norm(old))
    relative = float(np.linalg.norm(difference)) / norm_old if norm_old else float(np.linalg.norm(difference))
    rank = _delta_rank(difference) if with_rank and not frozen and difference.ndim == 2 else None
    return TensorDelta(name, tuple(new.shape), relative, _centred_cosine(new, old), frozen, rank)


def _centred_cosine(a: np.ndarray, b: np.ndarray) -> float | None:
    x = a.reshape(-1).astype(np.float64)
    y = b.reshape(-1).astype(np.float64)
    x -= x.mean()
    y -= y.mean()
    denominator = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(x @ y) / denominator if denominator else None


def _delta_rank(difference: np.ndarray) -> int:
    """Singular values of the delta via the Gram matrix of its smaller side (cheap for tall embeddings)."""
    gram = difference.T @ difference if difference.shape[0] >= difference.shape[1] else difference @ difference.T
    energy = np.clip(np.linalg.eigvalsh(gram)[::-1], 0, None)
    cumulative = np.cumsum(energy) / energy.sum()
    return int(np.searchsorted(cumulative, RANK_ENERGY) + 1)


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else float(f"{value:.{digits}g}")
