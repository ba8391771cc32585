"""Diff of two models, A -> B: architecture, weights, training data, performance and card.

A and B are lake references (NAME[@VERSION]: card, reruns and files from the lake) or paths to model files
or directories (weights and config only). Weights are compared one tensor of each side at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engine.errors import ModelLakeError, UsageError
from engine.lineage.measure import TableDiff, basis, diff_tables, layer_of, summarise, tensor_deltas, top_changed_layers
from engine.lineage.sources import ModelSource
from engine.store.tables import EvalRun, ModelVersion

CONFIG_IGNORED = ("_name_or_path", "transformers_version")  # provenance of the file, not of the model
CARD_IGNORED = ("name", "version")


@dataclass
class DiffSide:
    label: str
    source: ModelSource | None
    card: dict | None = None
    reruns: list[dict] | None = None


def names_a_path(text: str) -> bool:
    """True when `text` is an existing path; text no file system could hold (NUL, too long) is not one."""
    try:
        return Path(text).exists()
    except (OSError, ValueError):
        return False


def resolve_side(text: str, lake=None) -> DiffSide:
    """A path that exists is a model on disk; anything else is a lake reference."""
    if names_a_path(text):
        return DiffSide(text, ModelSource.of(text))
    if lake is None:
        raise UsageError(f"{text!r} is neither a model file or directory nor, without a lake, a lake reference")
    return lake_side(text, lake)


def lake_side(ref: str, lake) -> DiffSide:
    """A lake reference NAME[@VERSION]: its card, reruns and files as the lake knows them (never a path on disk)."""
    from engine.lineage.edges import model_source
    from engine.store.versions import get_version

    with lake.transaction() as session:
        version: ModelVersion = get_version(session, ref)
        reruns = [run.result for run in session.execute(select(EvalRun).where(EvalRun.version_id == version.id).order_by(EvalRun.id)).scalars()]
        return DiffSide(version.ref, model_source(version), version.card, reruns)


def diff_models(a: DiffSide, b: DiffSide) -> dict:
    """Everything that changed from A to B; sections without inputs on both sides say so instead of guessing."""
    result = {"a": a.label, "b": b.label}
    if a.source is not None and b.source is not None:
        from engine.lineage.naming import common_naming

        a.source, b.source = common_naming([a.source, b.source])
        table = diff_tables(b.source, a.source)
        result["architecture"] = architecture_diff(a.source, b.source, table)
        result["weights"] = weight_diff(a.source, b.source, table)
    else:
        missing = ", ".join(side.label for side in (a, b) if side.source is None)
        result["architecture"] = result["weights"] = {"unavailable": f"no weights reachable for {missing}"}
    if a.card is not None and b.card is not None:
        result["data"] = data_diff(a.card, b.card)
        result["performance"] = performance_diff(a, b)
        result["card"] = card_diff(a.card, b.card)
    return result


def architecture_diff(a: ModelSource, b: ModelSource, table: TableDiff) -> dict:
    layers_a = {layer_of(name) for name in a.table}
    layers_b = {layer_of(name) for name in b.table}
    config_keys = sorted((a.config.keys() | b.config.keys()) - set(CONFIG_IGNORED))
    return {"tensors_added": list(table.added), "tensors_removed": list(table.removed),
            "tensors_reshaped": [{"name": name, "a": list(old), "b": list(new)} for name, old, new in table.reshaped],
            "layers_added": sorted(layers_b - layers_a), "layers_removed": sorted(layers_a - layers_b),
            "config_changed": {key: [a.config.get(key), b.config.get(key)] for key in config_keys if a.config.get(key) != b.config.get(key)},
            "parameters": [a.parameters, b.parameters], "float_bits": [a.float_bits, b.float_bits]}


def weight_diff(a: ModelSource, b: ModelSource, table: TableDiff, top: int = 10) -> dict:
    try:
        deltas = tensor_deltas(b, a, table.shared, ranks=True)
    except ModelLakeError as error:
        return {"unavailable": str(error)}
    changed = sorted((d for d in deltas if not d.frozen), key=lambda d: d.relative_l2, reverse=True)
    return {"basis": basis(b, a), "summary": summarise(deltas),
            "changed": [d.to_dict() for d in changed], "frozen": [d.name for d in deltas if d.frozen],
            "top_changed_layers": top_changed_layers(deltas, top)}


def data_diff(a: dict, b: dict) -> dict:
    def names(card: dict) -> set[str]:
        return set(card.get("datasets") or []) | {item["name"] for item in card.get("training_data") or []}

    return {"added": sorted(names(b) - names(a)), "removed": sorted(names(a) - names(b))}


def performance_diff(a: DiffSide, b: DiffSide) -> list[dict]:
    """Claimed and rerun values per (metric, dataset, split), A beside B."""
    rows: dict[tuple, dict] = {}
    for index, side in enumerate((a, b)):
        for claim in side.card.get("evaluations") or []:
            row = rows.setdefault(_metric_key(claim), {"claimed": [None, None], "rerun": [None, None]})
            row["claimed"][index] = claim.get("value")
        for run in side.reruns or []:
            row = rows.setdefault(_metric_key(run), {"claimed": [None, None], "rerun": [None, None]})
            row["rerun"][index] = run.get("observed")
    return [{"metric": key[0], "dataset": key[1], "split": key[2], **row} for key, row in sorted(rows.items(), key=lambda item: tuple(map(str, item[0])))]


def card_diff(a: dict, b: dict) -> dict:
    keys = (a.keys() | b.keys()) - set(CARD_IGNORED)
    return {"changed": {key: [a[key], b[key]] for key in sorted(keys) if key in a and key in b and a[key] != b[key]},
            "added": sorted(k for k in keys if k not in a), "removed": sorted(k for k in keys if k not in b)}


def _metric_key(entry: dict) -> tuple:
    return entry.get("metric"), entry.get("dataset"), entry.get("split")
