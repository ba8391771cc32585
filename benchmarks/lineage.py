"""Parent recovery on the generated MiniLM family: edge accuracy, and time per model pair against full weights.

The family is examples/derive_family.py: 11 models with weights (the LoRA adapter has none of the base's
shape and is left out) in three levels under all-MiniLM-L6-v2, plus an unrelated tree (a BERT of the same
shape initialised independently, and its fine-tune). Truth is the FAMILY table.

1. Accuracy: recovered edges with the right placement AND direction / true edges, for each direction
   statistic in engine.lineage.recovery.DIRECTION_STATISTICS ("spread", the default, and MoTHer's
   "kurtosis"); placement alone (either direction) is reported beside it.
2. Time per model pair, medians over every pair of the family, in the same run:
   sketch  = one pair compared from the stored weight sketches (what recovery does for each pair);
   numpy   = the plain baseline: both models' tensors loaded fully with safetensors.numpy and the same
             per-tensor relative L2 computed over every shared weight matrix.
   The sketch's estimate of the pair distance is compared with the exact one (largest absolute error).

Usage: python benchmarks/lineage.py [--family DIR] [--repeats R]   (the family is built when missing)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from engine.lineage.recovery import DIRECTION_STATISTICS, PairTable, recover_tree
from engine.lineage.sources import ModelSource

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/ is a folder of scripts, not an installed package
from examples.derive_family import FAMILY, WEIGHTS, build_family, default_root  # noqa: E402

MEMBERS = [member for member in FAMILY if member.relation != "adapter"]
TRUE_EDGES = {(parent, member.name) for member in MEMBERS for parent in member.parents}


def accuracy(models: dict[str, ModelSource], statistic: str) -> dict:
    tree = recover_tree(models, statistic)
    found = {(edge.parent, edge.child) for edge in tree}
    placed = {frozenset(edge) for edge in found}
    return {"correct": len(found & TRUE_EDGES), "placed": sum(frozenset(edge) in placed for edge in TRUE_EDGES),
            "spurious": len(found - TRUE_EDGES), "wrong": sorted(found - TRUE_EDGES), "missed": sorted(TRUE_EDGES - found)}


def full_weight_distance(a: Path, b: Path) -> float:
    """The baseline: every tensor of both models in memory, RMS over shared matrices of ||a - b|| / max(||a||, ||b||)."""
    left, right = load_file(a / WEIGHTS), load_file(b / WEIGHTS)
    squares = []
    for name, x in left.items():
        y = right.get(name)
        if y is None or y.shape != x.shape or x.ndim < 2 or not np.issubdtype(x.dtype, np.floating):
            continue
        x, y = x.astype(np.float32), y.astype(np.float32)
        squares.append((np.linalg.norm(x - y) / max(np.linalg.norm(x), np.linalg.norm(y), 1e-12)) ** 2)
    return float(np.sqrt(np.mean(squares)))


def sketch_distance(a: ModelSource, b: ModelSource) -> float | None:
    """One pair from stored sketches, as recovery compares it (None: not comparable)."""
    table = PairTable({"a": a, "b": b})
    return table.distance.get(("a", "b"))


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", type=Path, default=default_root(), help="Family directory (built when missing).")
    parser.add_argument("--repeats", type=int, default=3, help="Repeats of the sketch timings and of recovery.")
    args = parser.parse_args()
    folders = build_family(args.family, {member.name for member in MEMBERS})

    # Sketches are made once per model (at submission, stored with the version); their cost is reported apart.
    sketch_times = {}
    models = {}
    for member in MEMBERS:
        source = ModelSource.of(folders[member.name], label=member.name)
        sketch_times[member.name], _ = timed(lambda s=source: s.sketch)
        models[member.name] = ModelSource.of(source.sketch, label=member.name)

    print(f"family: {len(MEMBERS)} models, {len(TRUE_EDGES)} true edges (merge = 2 edges), unrelated tree: bert-scratch")
    for statistic in DIRECTION_STATISTICS:
        result = accuracy(models, statistic)
        recovery_time = statistics.median(timed(recover_tree, models, statistic)[0] for _ in range(args.repeats))
        print(f"recovery [{statistic:8}] placement+direction {result['correct']}/{len(TRUE_EDGES)} = {result['correct'] / len(TRUE_EDGES):.0%}, "
              f"placement {result['placed']}/{len(TRUE_EDGES)}, spurious {result['spurious']}, whole tree {recovery_time * 1000:.0f} ms (median)")
        for parent, child in result["wrong"]:
            print(f"    wrong: {parent} -> {child}")

    sketch_times_pair, full_times, errors = [], [], []
    pairs = list(combinations(sorted(models), 2))
    for a, b in pairs:
        sketch_times_pair.append(statistics.median(timed(sketch_distance, models[a], models[b])[0] for _ in range(args.repeats)))
        elapsed, exact = timed(full_weight_distance, folders[a], folders[b])
        full_times.append(elapsed)
        estimate = sketch_distance(models[a], models[b])
        if estimate is not None:
            errors.append(abs(estimate - exact))
    sketch_median, full_median = statistics.median(sketch_times_pair), statistics.median(full_times)
    print(f"time per model pair over {len(pairs)} pairs (medians):")
    print(f"  sketch (stored sketches)          {sketch_median * 1000:9.2f} ms")
    print(f"  baseline numpy (full weights)     {full_median * 1000:9.2f} ms")
    print(f"  speed-up {full_median / sketch_median:.0f}x; sketch distance error vs exact: max {max(errors):.2g} "
          f"over {len(errors)} comparable pairs")
    print(f"  one-off sketch per model (at submission): {statistics.median(sketch_times.values()) * 1000:.0f} ms (median)")


if __name__ == "__main__":
    main()
