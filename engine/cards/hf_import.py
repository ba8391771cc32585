"""Import Hugging Face READMEs (YAML front matter, prose, lists, tables) as cards of the lake's schema.

Tolerant by design: no front matter, null or empty keys, a value the schema refuses (kept verbatim under
`hf_metadata`, so a review sees what is missing) and HTML all import; only an unreadable file or broken YAML
is an error, located at file:line. HF keys the schema shares keep their meaning; `model-index` results and
benchmark tables become `evaluations`; the claims the prose and tables make (engine.claims) go to `claims`,
`uses`, `limitations`, `datasets`, each with its README line under `readme` (provenance that survives storage).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from engine.cards.card import Card, content_digest, read_card_bytes
from engine.cards.schema import schema_problems
from engine.cards.yaml_source import LocatedDocument, YamlLimits, decode_text, parse_yaml
from engine.errors import CardInvalid, InputInvalid, Problem

# HF front-matter key -> card key (same meaning). Everything else goes to hf_metadata.
SHARED_KEYS = {
    "license": "license", "license_name": "license_name", "license_link": "license_link",
    "base_model": "base_model", "base_model_relation": "base_model_relation", "datasets": "datasets",
    "pipeline_tag": "pipeline_tag", "tags": "tags", "language": "language", "model-index": "model-index",
}
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)
METRIC_NAME = re.compile(r"[^a-z0-9_@.-]+")
NAME_PART = re.compile(r"[^A-Za-z0-9._-]+")
GENERIC_TITLES = re.compile(r"^(?:model card(?: for model id)?|model id|readme|model|model information|model summary|model details|"
                            r"introduction|overview|table of contents|description|about)$", re.IGNORECASE)
# claim fields of the schema a README can state, lifted to `claims` when the README states one value
CARD_CLAIM_FIELDS = ("architecture", "parameters", "layers", "hidden_size", "attention_heads", "kv_heads", "vocab_size", "context_length",
                     "dtype", "quantization", "embedding_dim", "max_sequence_length", "size_bytes")
SECTION_TARGETS = {"intended_uses": ("uses", "intended"), "out_of_scope_uses": ("uses", "out_of_scope"), "limitations": ("limitations",)}
DTYPES = frozenset({"float64", "float32", "float16", "bfloat16", "int8", "uint8", "int4", "float8_e4m3", "float8_e5m2", "mixed"})
RELATIONS = (("quantized", "quantized"), ("distilled", "distillation"), ("converted", "conversion"), ("fine", "finetune"), ("trained", "finetune"))


@dataclass(frozen=True)
class ImportedCard:
    card: Card
    kept_unknown: list[str]  # HF keys moved under hf_metadata


def is_readme(path: str | Path) -> bool:
    """The one decision between a card file and a README: markdown is a README, anything else a YAML card."""
    path = Path(path)
    return path.suffix.lower() in (".md", ".markdown") or path.name.lower().startswith("readme")


def import_hf_readme(path: str | Path, *, name: str | None = None, version: str = "1.0", owner: str | None = None,
                     limits: YamlLimits = YamlLimits()) -> ImportedCard:
    """Read a README and return a valid lake card; CardInvalid (located) only for unreadable bytes or broken YAML."""
    path = Path(path)
    if path.is_dir():
        path = path / "README.md"
    source = str(path)
    try:
        text = decode_text(read_card_bytes(path, limits), source, limits)  # bounded, and never opens a FIFO or device
    except InputInvalid as error:
        raise CardInvalid(error.problems) from None
    return import_readme_text(text, source, name=name, version=version, owner=owner, limits=limits)


def import_readme_text(text: str, source: str, *, name: str | None = None, version: str = "1.0", owner: str | None = None,
                       limits: YamlLimits = YamlLimits()) -> ImportedCard:
    from engine.claims import extract_claims

    front, front_lines = _front_matter(text, source, limits)
    front = {key: value for key, value in front.items() if value not in (None, "", [], {})}
    extraction = extract_claims(text, source, front=front, name=name)
    chosen = name or _default_name(front, extraction.title, source)
    data, unknown, lines = hf_to_card(front, front_lines, extraction, text, name=chosen, version=version, owner=owner, source=source)
    data, unknown = _keep_what_validates(data, unknown, lines, source)
    return ImportedCard(readme_card(data, source, text), sorted(unknown))


def _front_matter(text: str, source: str, limits: YamlLimits) -> tuple[dict, dict]:
    match = FRONT_MATTER.match(text)
    if not match or not match.group(1).strip():
        return {}, {}
    try:
        document = parse_yaml(match.group(1), source, limits)
    except InputInvalid as error:  # lines are counted from the front matter: shift past the opening '---'
        raise CardInvalid([_shifted(problem) for problem in error.problems]) from None
    if not isinstance(document.data, dict):
        raise CardInvalid([Problem(source, 2, 1, "", "front matter must be a mapping of keys")])
    lines = {path[0]: line + 1 for path, (line, _) in document.positions.items() if len(path) == 1}
    return document.data, lines


def hf_to_card(front: dict, front_lines: dict, extraction, text: str, *, name: str, version: str, owner: str | None,
               source: str) -> tuple[dict, dict, dict]:
    """(card dict, HF keys kept under hf_metadata, README line of each card path) from front matter and extracted claims."""
    card: dict = {"schema_version": "1", "name": name, "version": version,
                  "owners": [{"name": owner or "unassigned", "role": "owner" if owner else "imported; assign an owner"}]}
    lines: dict[str, int] = {}
    body = FRONT_MATTER.sub("", text, count=1).strip()
    if body:
        card["description"] = body
        lines["description"] = text.count("\n", 0, text.find(body[:40])) + 1 if body[:40] in text else 1
    unknown = {}
    for key, value in front.items():
        if key in SHARED_KEYS:
            card[SHARED_KEYS[key]] = value
            lines[SHARED_KEYS[key]] = front_lines.get(key, 1)
        else:
            unknown[key] = value
    if isinstance(card.get("language"), str):
        card["language"] = [card["language"]]
    _lift_claims(card, lines, extraction)
    evaluations = evaluations_from_model_index(front.get("model-index") or []) + _table_evaluations(extraction, lines)
    if evaluations:
        card["evaluations"] = evaluations
    if unknown:
        card["hf_metadata"] = unknown
    card.setdefault("license", "unknown")
    card["readme"] = {"file": source, "claims": [claim.to_dict() for claim in extraction.claims],
                      "unverifiable": [claim.to_dict() for claim in extraction.unverifiable],
                      "variants": extraction.variants, "lines": lines}
    return card, unknown, lines


def _lift_claims(card: dict, lines: dict, extraction) -> None:
    """Card-level claims the README states with one value go to the card's fields, with their line."""
    by_field: dict[str, list] = {}
    for claim in extraction.claims:
        if claim.variant is None:
            by_field.setdefault(claim.field, []).append(claim)
    claims = {}
    for field_name in CARD_CLAIM_FIELDS:
        found = by_field.get(field_name, [])
        if found and len({str(c.value) for c in found}) == 1 and (field_name != "dtype" or found[0].value in DTYPES):
            claims[field_name] = found[0].value
            lines[f"claims.{field_name}"] = found[0].line
    if claims:
        card["claims"] = claims
    for field_name, target in SECTION_TARGETS.items():
        entries = by_field.get(field_name, [])
        if entries:
            holder = card.setdefault(target[0], {}) if len(target) == 2 else card
            holder[target[-1]] = [c.value for c in entries]
            for index, entry in enumerate(entries):
                lines[f"{'.'.join(target)}.{index}"] = entry.line
    bases = by_field.get("base_model", [])
    if "base_model" not in card and bases and len({c.value for c in bases}) == 1:
        card["base_model"] = bases[0].value
        lines["base_model"] = bases[0].line
        relation = next((relation for word, relation in RELATIONS if word in bases[0].span.lower()), None)
        if relation and "base_model_relation" not in card:
            card["base_model_relation"] = relation
    datasets = card.get("datasets") if isinstance(card.get("datasets"), list) else []
    known = {_folded(d) for d in datasets if isinstance(d, str)}
    # the front matter's dataset ids win; the names the prose gives fill the field only when it has none
    for claim in by_field.get("dataset", []) if not datasets else []:
        if _folded(claim.value) not in known:
            known.add(_folded(claim.value))
            lines[f"datasets.{len(datasets)}"] = claim.line
            datasets.append(str(claim.value))
    if datasets:
        card["datasets"] = datasets
    licenses = by_field.get("license", [])
    if "license" not in card and licenses and len({c.value for c in licenses}) == 1:
        card["license"] = licenses[0].value
        lines["license"] = licenses[0].line


def _folded(value: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(value).lower())


def _table_evaluations(extraction, lines: dict) -> list[dict]:
    evaluations = []
    for claim in extraction.claims:
        if claim.field != "evaluation" or not isinstance(claim.value, (int, float)):
            continue
        metric = METRIC_NAME.sub("_", (claim.metric or "score").lower()).strip("_") or "score"
        entry = {"metric": metric, "value": claim.value}
        if claim.dataset:
            entry["dataset"] = claim.dataset
        lines[f"evaluations.{len(evaluations)}"] = claim.line
        evaluations.append(entry)
    return evaluations


def evaluations_from_model_index(model_index: list) -> list[dict]:
    """HF model-index results -> card evaluations (task, dataset, split, metric, value)."""
    evaluations = []
    for entry in model_index if isinstance(model_index, list) else []:
        for result in (entry or {}).get("results", []) or [] if isinstance(entry, dict) else []:
            if not isinstance(result, dict):
                continue
            task = (result.get("task") or {}).get("type")
            dataset = result.get("dataset") or {}
            for metric in result.get("metrics", []) or []:
                value = metric.get("value") if isinstance(metric, dict) else None
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    continue
                evaluation = {"metric": METRIC_NAME.sub("_", str(metric.get("type") or metric.get("name")).lower()).strip("_"), "value": value}
                for key, found in (("task", task), ("dataset", dataset.get("name") or dataset.get("type")), ("split", dataset.get("split"))):
                    if found:
                        evaluation[key] = str(found)
                evaluations.append(evaluation)
    return evaluations


def _default_name(front: dict, title: str | None, source: str) -> str:
    """The front matter's model-index name, else the README's title unless generic, else the folder (or file) name."""
    index = front.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict) and index[0].get("name"):
        candidate = _as_name(str(index[0]["name"]))
        if candidate:
            return candidate
    if title:
        cleaned = re.sub(r"^model card for\s+", "", title.strip(" `*#"), flags=re.IGNORECASE).strip(" `*")
        candidate = _as_name(cleaned) if not GENERIC_TITLES.match(cleaned) else None
        if candidate:
            return candidate
    path = Path(source)
    folder = path.parent.name if path.name.lower() == "readme.md" else path.stem
    return _as_name(folder) or "imported-model"


def _as_name(text: str) -> str | None:
    """A schema-valid model id: org/name kept, other characters become '-'."""
    parts = [NAME_PART.sub("-", part).strip("-.")[:96] for part in text.split("/")[-2:]]
    parts = [part for part in parts if part and part[0].isalnum()]
    return "/".join(parts) if parts else None


def _keep_what_validates(data: dict, unknown: dict, lines: dict, source: str) -> tuple[dict, dict]:
    """A front-matter or extracted value the schema refuses moves under hf_metadata (or is dropped, if extracted):
    the import succeeds and the review says what is missing."""
    for _ in range(len(data)):
        problems = schema_problems(LocatedDocument(data, {}), source)
        if not problems:
            return data, unknown
        moved = False
        if data.get("license") == "other" and not (data.get("license_name") and data.get("license_link")):
            problems = [Problem(source, None, None, "license", "other without license_name and license_link")]
        for problem in problems:
            key = problem.where.split(".")[0].split("[")[0]
            if key in ("schema_version", "name", "version", "owners", "readme", "", "card") or key not in data:
                continue
            value = data.pop(key)
            lines.pop(key, None)
            if key in SHARED_KEYS.values():
                unknown[key] = value
                data.setdefault("hf_metadata", {})[key] = value
            moved = True
        data.setdefault("license", "unknown")
        if not moved:
            raise CardInvalid(problems)
    return data, unknown


def readme_positions(data: dict) -> dict:
    """README line of every card path the README stated (kept in the card's `readme.lines`, so stored cards have them too)."""
    positions = {(): (1, 1)}
    for dotted, line in ((data.get("readme") or {}).get("lines") or {}).items():
        positions[tuple(int(part) if part.isdigit() else part for part in dotted.split("."))] = (line, 1)
    return positions


def readme_card(data: dict, source: str, text: str) -> Card:
    """A Card whose text is the README and whose positions are README lines."""
    return Card(data, source, text, content_digest(data), LocatedDocument(data, readme_positions(data)))


def stored_card(text: str, data: dict, source: str) -> Card:
    """The Card of a stored version: a README keeps its README lines; a YAML card is re-parsed for its lines."""
    if is_readme(source) and isinstance(data.get("readme"), dict):
        return readme_card(data, source, text)
    from engine.cards.card import parse_card

    return parse_card(text.encode("utf-8"), source)


def load_card_or_readme(path: str | Path, *, name: str | None = None, version: str = "1.0", owner: str | None = None) -> Card:
    """A card file, or a README imported as one (decided by the file: see is_readme)."""
    from engine.cards.card import load_card

    path = Path(path)
    return import_hf_readme(path, name=name, version=version, owner=owner).card if is_readme(path) else load_card(path)


def with_audited_artifacts(card: Card, facts: dict | None, root: str | Path | None) -> Card:
    """A README card names no files: the files audited become its artifacts, with the digests the lake computed,
    so it is not failed for a digest it had no place to state. Any other card is returned as it is."""
    if not card.data.get("readme") or card.data.get("artifacts") or not facts or not facts.get("files") or root is None:
        return card
    data = dict(card.data)
    data["artifacts"] = [_audited(root, Path(card.source).parent, record["path"]) | {"format": _format(facts.get("format")),
                                                                                    "sha256": record["sha256"]}
                         for record in facts["files"] if record.get("sha256")]
    return readme_card(data, card.source, card.text)


def _audited(root: str | Path, here: Path, label: str) -> dict:
    """Where one audited file is, as an artifact: a path relative to the card, or the URI it was read from."""
    if isinstance(root, str) and "://" in root:
        folder = root if root.endswith("/") else root.rsplit("/", 1)[0] + "/"
        return {"uri": folder + label}
    root = Path(root)
    folder = root if root.is_dir() else root.parent
    return {"path": os.path.relpath(folder / label, here)}


def _format(name: str | None) -> str:
    return name if name in ("safetensors", "gguf", "pytorch", "onnx") else "other"


def _shifted(problem: Problem) -> Problem:
    line = problem.line + 1 if problem.line is not None else None
    return Problem(problem.file, line, problem.column, problem.where, problem.message)
