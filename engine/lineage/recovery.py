"""Recovering undeclared parents from the weights, in the spirit of MoTHer (Horwitz et al. 2024).

Distances between weight sketches place the edges, direction signals orient them, and a minimum directed
spanning tree (Edmonds, networkx) over every candidate picks one parent per model. A virtual root with an
edge of cost UNRELATED_DISTANCE to every model lets unrelated families stay separate trees. Before the tree
is built, a model whose weights are a convex combination of two others is recognised as their merge.

Direction: MoTHer orients edges by weight kurtosis. On short fine-tunes of a pre-trained model that
statistic moves by a hair and in no consistent direction, while the spread of the changed tensors grows
(dense optimiser updates add variance); both are in DIRECTION_STATISTICS and the benchmark reports each.
Fewer bits per weight and fewer parameters also mark the child (quantization, pruning, distillation).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from engine.lineage.sources import ModelSource

UNRELATED_DISTANCE = 0.5   # beyond this RMS relative change two models are not parent and child
MIN_SHARED = 0.5           # share of the smaller tensor table two models must have in common to be compared
MERGE_MAX_RESIDUAL = 0.35  # a merge is within this share of the distance to its nearest parent from the segment
DIRECTION_WEIGHT = 0.5     # an edge against the direction evidence costs up to 1.5x its distance, with it 0.5x
BITS_TOLERANCE = 0.02      # bits-per-weight differences below this share are not a change of format
_VIRTUAL_ROOT = "\x00root"


def _spread_vote(new: dict, old: dict) -> float:
    return float(new["std"] > old["std"])


def _kurtosis_vote(new: dict, old: dict) -> float:
    return float(new["kurtosis"] > old["kurtosis"])


# name -> vote per changed tensor (1: this pair reads parent -> child); the share of votes is the direction.
DIRECTION_STATISTICS = {"spread": _spread_vote, "kurtosis": _kurtosis_vote}


@dataclass(frozen=True)
class RecoveredEdge:
    parent: str
    child: str
    relation: str
    distance: float
    direction: float  # probability-like share of evidence that parent -> child is the right way round
    confidence: float

    def to_dict(self) -> dict:
        return {"parent": self.parent, "child": self.child, "relation": self.relation, "distance": round(self.distance, 6),
                "direction": round(self.direction, 3), "confidence": round(self.confidence, 3)}


class PairTable:
    """Distances and direction shares for every comparable pair of a set of models, from their sketches."""

    def __init__(self, models: dict[str, ModelSource], statistic: str = "spread"):
        from engine.lineage.naming import common_naming

        self.models, self.vote = dict(zip(models, common_naming(list(models.values())))), DIRECTION_STATISTICS[statistic]
        self.tensors = {label: m.sketch_tensors for label, m in self.models.items()}
        self.samples = {label: {name: np.asarray(t["sample"]) for name, t in tensors.items()} for label, tensors in self.tensors.items()}
        self.distance: dict[tuple[str, str], float] = {}
        self.direction: dict[tuple[str, str], float] = {}
        for a, b in combinations(sorted(models), 2):
            measured = self._measure(a, b)
            if measured is not None:
                self.distance[a, b] = self.distance[b, a] = measured[0]
                self.direction[a, b], self.direction[b, a] = measured[1], 1.0 - measured[1]

    def shared(self, a: str, b: str) -> list[str]:
        """Weight matrices both have with one shape (biases and norms, often initialised to constants, would swamp relative change)."""
        ta, tb = self.tensors[a], self.tensors[b]
        return [name for name in ta if name in tb and ta[name]["shape"] == tb[name]["shape"] and len(ta[name]["shape"]) >= 2]

    def _measure(self, a: str, b: str) -> tuple[float, float] | None:
        names = self.shared(a, b)
        smaller = min(sum(len(t["shape"]) >= 2 for t in self.tensors[label].values()) for label in (a, b))
        if not names or len(names) < MIN_SHARED * smaller:
            return None
        squares, votes = [], []
        for name in names:
            x, y = self.samples[a][name], self.samples[b][name]
            scale = max(_norm(x), _norm(y), 1e-12)
            squares.append((_norm(x - y) / scale) ** 2)
            if squares[-1] > 0:
                votes.append(self.vote(self.tensors[b][name], self.tensors[a][name]))
        return float(np.sqrt(np.mean(squares))), _direction(self.models[a], self.models[b], votes)


def _direction(a: ModelSource, b: ModelSource, votes: list[float]) -> float:
    """Share of evidence that a is b's parent: float width and size decide when they differ, else the votes."""
    if _impossible(a, b) or _impossible(b, a):
        return 0.0 if _impossible(a, b) else 1.0
    return float(np.mean(votes)) if votes else 0.5


HEAD_GROWTH = 0.02  # a new task head (a classifier on an encoder) grows a model by a sliver of its parameters


def _impossible(parent: ModelSource, child: ModelSource) -> bool:
    """Derivation does not widen weights or grow models: a child has no more bits per weight than its parent, and no more
    parameters beyond a new head's."""
    return _narrower(child, parent) is False or child.parameters > parent.parameters * (1 + HEAD_GROWTH)


def _narrower(child: ModelSource, parent: ModelSource) -> bool | None:
    """True when the child's weights are stored in fewer bits, False when in more, None when about the same or unknown
    (a new float32 head on a float16 model moves the average by a hair, not by a format)."""
    new, old = child.bits_per_weight, parent.bits_per_weight
    if not (new and old) or abs(new - old) <= BITS_TOLERANCE * old:
        return None
    return new < old


def find_merges(pairs: PairTable) -> dict[str, tuple[str, str, float, float]]:
    """child -> (parent a, parent b, weight of a, residual ratio) for models lying on the segment between two others."""
    merges: dict[str, tuple[str, str, float, float]] = {}
    stacked: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}  # every candidate pair reuses each model's concatenated samples

    def vector(label: str, names: tuple[str, ...]) -> np.ndarray:
        if (label, names) not in stacked:
            stacked[label, names] = np.concatenate([pairs.samples[label][n] for n in names])
        return stacked[label, names]

    for a, b in combinations(sorted(pairs.models), 2):
        if (a, b) not in pairs.distance:
            continue
        shared = pairs.shared(a, b)
        for child in sorted(pairs.models):
            if child in (a, b) or (child, a) not in pairs.distance or (child, b) not in pairs.distance:
                continue
            names = tuple(n for n in shared if n in pairs.samples[child])
            x, y, m = vector(a, names), vector(b, names), vector(child, names)
            span = x - y
            spread = _inner(span, span)
            if not spread:
                continue
            alpha = _inner(m - y, span) / spread
            residual = _norm(m - y - alpha * span) / max(min(_norm(m - x), _norm(m - y)), 1e-12)
            if 0.05 < alpha < 0.95 and residual < MERGE_MAX_RESIDUAL and (child not in merges or residual < merges[child][3]):
                merges[child] = (a, b, alpha, residual)
    return merges


def _inner(x: np.ndarray, y: np.ndarray) -> float:
    # Not `x @ y`: BLAS may hand vectors of a few thousand samples to its threads, and on a busy machine that
    # dwarfs the arithmetic (merge search over the 11-model family on 2 shared cores: 2-12 s with BLAS dots, 0.2 s without).
    return float(np.multiply(x, y).sum())


def _norm(x: np.ndarray) -> float:
    return _inner(x, x) ** 0.5


def recover_tree(models: dict[str, ModelSource], statistic: str = "spread") -> list[RecoveredEdge]:
    """The most likely parent of every model (none for roots), merges with both parents."""
    import networkx as nx

    pairs = PairTable(models, statistic)
    merges = find_merges(pairs)
    graph = nx.DiGraph()
    for label in models:
        if label not in merges:
            graph.add_edge(_VIRTUAL_ROOT, label, cost=UNRELATED_DISTANCE)
    for (a, b), distance in pairs.distance.items():
        if distance < UNRELATED_DISTANCE and b not in merges and a not in merges and not _impossible(models[a], models[b]):
            graph.add_edge(a, b, cost=distance * (1 + DIRECTION_WEIGHT * (1 - 2 * pairs.direction[a, b])))
    tree = nx.minimum_spanning_arborescence(graph, attr="cost") if graph.number_of_nodes() > 1 else graph
    recovered = []
    for parent, child in sorted(tree.edges()):
        if parent == _VIRTUAL_ROOT:
            continue
        cost = graph[parent][child]["cost"]
        rivals = [graph[p][child]["cost"] for p in graph.predecessors(child) if p not in (parent, _VIRTUAL_ROOT)]
        placement = 1.0 - cost / min(rivals) if rivals and min(rivals) > 0 else 1.0
        direction = pairs.direction[parent, child]
        confidence = max(placement, 0.0) * (0.5 + abs(direction - 0.5))
        recovered.append(RecoveredEdge(parent, child, _relation_guess(models[parent], models[child]), pairs.distance[parent, child], direction, confidence))
    for child, (a, b, alpha, residual) in sorted(merges.items()):
        for parent in (a, b):
            recovered.append(RecoveredEdge(parent, child, "merge", pairs.distance[parent, child], 1.0, max(1.0 - float(residual), 0.0)))
    return recovered


def _relation_guess(parent: ModelSource, child: ModelSource) -> str:
    if _narrower(child, parent):
        return "quantized"
    if child.parameters < parent.parameters * (1 - HEAD_GROWTH):
        return "distillation"
    return "finetune"
