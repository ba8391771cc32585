"""Import Hugging Face model cards (README.md with YAML front matter) as cards of the lake's schema.

HF keys the schema shares keep their meaning; `model-index` results also become `evaluations`; HF keys
the schema has no field for are kept verbatim under `hf_metadata`; the prose becomes `description`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from engine.cards.card import Card, card_from_dict
from engine.cards.yaml_source import YamlLimits, decode_text, parse_yaml
from engine.errors import CardInvalid, InputInvalid, Problem

# HF front-matter key -> card key (same meaning). Everything else goes to hf_metadata.
SHARED_KEYS = {
    "license": "license", "license_name": "license_name", "license_link": "license_link",
    "base_model": "base_model", "base_model_relation": "base_model_relation", "datasets": "datasets",
    "pipeline_tag": "pipeline_tag", "tags": "tags", "language": "language", "model-index": "model-index",
}
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)
METRIC_NAME = re.compile(r"[^a-z0-9_@.-]+")


@dataclass(frozen=True)
class ImportedCard:
    card: Card
    kept_unknown: list[str]  # HF keys moved under hf_metadata


def import_hf_readme(path: str | Path, *, name: str | None = None, version: str = "1.0", owner: str | None = None,
                     limits: YamlLimits = YamlLimits()) -> ImportedCard:
    """Read an HF README.md and return a validated lake card (CardInvalid with located problems if not)."""
    path = Path(path)
    source = str(path)
    try:
        text = decode_text(path.read_bytes(), source, limits)
    except InputInvalid as error:
        raise CardInvalid(error.problems) from None
    match = FRONT_MATTER.match(text)
    if not match:
        raise CardInvalid([Problem(source, 1, 1, "", "no YAML front matter: an HF card starts with a '---' line and a closing '---'")])
    try:
        document = parse_yaml(match.group(1), source, limits)
    except InputInvalid as error:  # lines are counted from the front matter: shift past the opening '---'
        raise CardInvalid([_shifted(problem) for problem in error.problems]) from None
    front = document.data
    if not isinstance(front, dict):
        raise CardInvalid([Problem(source, 2, 1, "", "front matter must be a mapping of keys")])
    prose = text[match.end():].strip()
    data, unknown = hf_to_card(front, prose, name=name or _default_name(front, path), version=version, owner=owner)
    return ImportedCard(card_from_dict(data, source, _card_positions(document.positions)), unknown)


def hf_to_card(front: dict, prose: str, *, name: str, version: str, owner: str | None) -> tuple[dict, list[str]]:
    """Map HF metadata + prose to a schema-v1 card dict; returns (card, keys kept under hf_metadata)."""
    card: dict = {"schema_version": "1", "name": name, "version": version,
                  "owners": [{"name": owner or "unassigned", "role": "owner" if owner else "imported; assign an owner"}]}
    if prose:
        card["description"] = prose
    unknown = {}
    for key, value in front.items():
        if key in SHARED_KEYS:
            card[SHARED_KEYS[key]] = value
        else:
            unknown[key] = value
    if isinstance(card.get("language"), str):
        card["language"] = [card["language"]]
    evaluations = evaluations_from_model_index(front.get("model-index") or [])
    if evaluations:
        card["evaluations"] = evaluations
    if unknown:
        card["hf_metadata"] = unknown
    card.setdefault("license", "unknown")
    return card, sorted(unknown)


def evaluations_from_model_index(model_index: list) -> list[dict]:
    """HF model-index results -> card evaluations (task, dataset, split, metric, value)."""
    evaluations = []
    for entry in model_index if isinstance(model_index, list) else []:
        for result in (entry or {}).get("results", []) or []:
            task = (result.get("task") or {}).get("type")
            dataset = result.get("dataset") or {}
            for metric in result.get("metrics", []) or []:
                value = metric.get("value")
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    continue
                evaluation = {"metric": METRIC_NAME.sub("_", str(metric.get("type") or metric.get("name")).lower()).strip("_"), "value": value}
                for key, found in (("task", task), ("dataset", dataset.get("name") or dataset.get("type")), ("split", dataset.get("split"))):
                    if found:
                        evaluation[key] = str(found)
                evaluations.append(evaluation)
    return evaluations


def _default_name(front: dict, path: Path) -> str:
    index = front.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict) and index[0].get("name"):
        return str(index[0]["name"])
    folder = path.parent.name if path.name.lower() == "readme.md" else path.stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folder).strip("-.") or "imported-model"


def _card_positions(front_positions: dict) -> dict:
    """Front-matter positions -> positions of the same values in the card, in README lines."""
    positions = {(): (1, 1)}
    for path, (line, column) in front_positions.items():
        if path and path[0] in SHARED_KEYS:
            positions[(SHARED_KEYS[path[0]],) + path[1:]] = (line + 1, column)
        elif path:
            positions[("hf_metadata",) + path] = (line + 1, column)
    return positions


def _shifted(problem: Problem) -> Problem:
    line = problem.line + 1 if problem.line is not None else None
    return Problem(problem.file, line, problem.column, problem.where, problem.message)
