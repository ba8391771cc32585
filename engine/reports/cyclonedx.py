"""CycloneDX 1.6 ML-BOM of one model version: a machine-learning-model component with its modelCard,
artifact digests, license and pedigree (ancestors from the lineage, else the card's base_model).

cyclonedx-python-lib builds and serialises the BOM; it has no model-card object yet, so `modelCard` is
added to the serialised component (the result is checked against the 1.6 schema in the tests).
"""
from __future__ import annotations

import json

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.output.json import JsonV1Dot6

from engine.cards import Card

FACT_PROPERTIES = ("format", "parameters", "architecture", "layers", "hidden_size", "context_length", "dtype", "quantization", "embedding_dim")


def _ancestors(card: Card, lineage: dict | None) -> list[Component]:
    parents = (lineage or {}).get("parents") or []
    if not parents:
        declared = card.data.get("base_model") or []
        parents = [{"name": name} for name in ([declared] if isinstance(declared, str) else declared)]
    return [Component(name=p["name"], version=p.get("version"), type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=f"{p['name']}@{p.get('version') or 'unknown'}",
                      properties=[Property(name=f"modellake:{key}", value=str(p[key])) for key in ("relation", "status", "verified") if p.get(key) is not None])
            for p in parents]


def _model_card(card: Card, facts: dict) -> dict:
    data = card.data
    claims = data.get("claims") or {}
    parameters = {key: value for key, value in {
        "task": data.get("pipeline_tag"),
        "architectureFamily": facts.get("architecture") or claims.get("architecture"),
        "datasets": [{"type": "dataset", "name": name} for name in data.get("datasets") or []] or None,
    }.items() if value}
    metrics = [{"type": e["metric"], "value": str(e["value"]), "slice": f"{e.get('dataset', '')}/{e.get('split', '')}".strip("/")}
               for e in data.get("evaluations") or [] if "metric" in e and "value" in e]
    uses = data.get("uses") or {}
    considerations = {key: value for key, value in {
        "useCases": uses.get("intended"), "technicalLimitations": data.get("limitations"),
        "ethicalConsiderations": [{"name": f"out of scope: {use}"} for use in uses.get("out_of_scope") or []] or None,
        "fairnessAssessments": [{"groupAtRisk": check["name"], "harms": check.get("result", "")} for check in (data.get("governance") or {}).get("bias_checks") or []] or None,
    }.items() if value}
    model_card = {"modelParameters": parameters, "quantitativeAnalysis": {"performanceMetrics": metrics}, "considerations": considerations,
                  "properties": [{"name": "modellake:risk_tier", "value": str((data.get("governance") or {}).get("risk_tier", "not set"))}]}
    return {key: value for key, value in model_card.items() if value and value != {"performanceMetrics": []}}


def build_bom(card: Card, facts: dict | None = None, lineage: dict | None = None) -> dict:
    """The CycloneDX 1.6 ML-BOM of a card (plus facts from its weights and its lineage, when known), as JSON-native data."""
    facts = facts or {}
    digests = [a["sha256"] for a in card.data.get("artifacts") or [] if a.get("sha256")] or [f["sha256"] for f in facts.get("files") or [] if f.get("sha256")]
    component = Component(
        name=card.name, version=card.version, type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=card.ref,
        description=card.data.get("description"), licenses=[LicenseFactory().make_from_string(card.data["license"])],
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=digest) for digest in sorted(set(digests))],
        tags=card.data.get("tags") or [],
        properties=[Property(name=f"modellake:fact:{key}", value=str(facts[key])) for key in FACT_PROPERTIES if facts.get(key) is not None]
        + [Property(name="modellake:card_digest", value=card.digest)],
    )
    ancestors = _ancestors(card, lineage)
    if ancestors:
        component.pedigree = Pedigree(ancestors=ancestors)
    bom = Bom(components=[component])
    bom.metadata.component = None
    document = json.loads(JsonV1Dot6(bom).output_as_string())
    document["components"][0]["modelCard"] = _model_card(card, facts)
    return document


def render_bom(card: Card, facts: dict | None = None, lineage: dict | None = None) -> str:
    return json.dumps(build_bom(card, facts, lineage), indent=2, ensure_ascii=False) + "\n"
