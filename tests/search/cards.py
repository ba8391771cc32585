"""A small, varied lake for search tests: cards built with card_from_dict and submitted for real."""
from __future__ import annotations

from engine.cards import card_from_dict
from engine.governance.evidence import Evidence
from engine.governance.submission import submit


def search_card(name: str, version: str = "1.0", **extra):
    data = {"schema_version": "1", "name": name, "version": version, "owners": [{"name": "Jane Doe"}], "license": "mit", **extra}
    return card_from_dict(data, source=f"/nonexistent/{name.replace('/', '_')}-{version}.yaml")


LAKE_CARDS = [
    dict(name="acme/contract-summarizer", version="1.0", license="apache-2.0", pipeline_tag="summarization", domain="legal",
         description="Summarises commercial contracts into plain-language bullet points for the legal operations team.",
         tags=["contracts"], language=["en"], datasets=["acme/contracts-2024"], created="2026-05-01",
         claims={"architecture": "bert", "parameters": 22_713_216, "dtype": "float32", "context_length": 512},
         evaluations=[{"metric": "rouge-l", "value": 0.41}], governance={"risk_tier": "limited"},
         base_model="sentence-transformers/all-MiniLM-L6-v2", base_model_relation="finetune"),
    dict(name="acme/contract-summarizer", version="2.0", license="apache-2.0", pipeline_tag="summarization", domain="legal",
         description="Second release: summarises commercial contracts and NDAs into short bullet points.",
         language=["en", "de"], datasets=["acme/contracts-2025"], created="2026-07-01",
         claims={"architecture": "bert", "parameters": 22_713_216, "dtype": "float16", "context_length": 1024, "hidden_size": 384, "layers": 6,
                 "embedding_dim": 384},
         evaluations=[{"metric": "rouge-l", "value": 0.45}], governance={"risk_tier": "limited"},
         base_model="acme/contract-summarizer@1.0", base_model_relation="finetune"),
    dict(name="medi/radiology-triage", license="cc-by-4.0", pipeline_tag="image-classification", domain="medical",
         description="Flags chest X-rays that need urgent attention from a radiologist.", tags=["x-ray", "triage"],
         owners=[{"name": "Ravi Patel"}, {"name": "Imaging Team"}], language=["en"], datasets=["nih/chest-xray"], created="2025-11-20",
         claims={"architecture": "vit", "parameters": 86_000_000, "dtype": "bfloat16", "quantization": "int8", "hidden_size": 768, "layers": 12,
                 "attention_heads": 12, "kv_heads": 12},
         evaluations=[{"metric": "accuracy", "value": 0.93}, {"metric": "f1", "value": 0.88}], governance={"risk_tier": "high"}),
    dict(name="fin/sentiment-small", license="mit", pipeline_tag="text-classification", domain="finance",
         description="Classifies the sentiment of financial news headlines as positive, negative or neutral.",
         language=["en"], datasets=["fin/headlines"], created="2026-01-15",
         claims={"architecture": "distilbert", "parameters": 66_000_000, "dtype": "float32", "context_length": 512, "hidden_size": 768,
                 "layers": 6, "vocab_size": 30522},
         evaluations=[{"metric": "accuracy", "value": 0.87}], governance={"risk_tier": "minimal"},
         base_model="distilbert-base-uncased", base_model_relation="finetune"),
    dict(name="fin/sentiment-small-q4", license="mit", pipeline_tag="text-classification", domain="finance",
         description="A 4-bit quantized build of the finance headline sentiment classifier for CPUs.",
         language=["en"], created="2026-02-01",
         claims={"architecture": "distilbert", "parameters": 66_000_000, "quantization": "q4_k_m", "dtype": "int4"},
         evaluations=[{"metric": "accuracy", "value": 0.85}], governance={"risk_tier": "minimal"},
         base_model="fin/sentiment-small", base_model_relation="quantized"),
    dict(name="geo/crop-yield", license="gpl-3.0", pipeline_tag="tabular-regression", domain="agriculture",
         description="Predicts the harvest of wheat fields from satellite imagery and rainfall records.",
         language=["fr"], datasets=["geo/sentinel-fields"], created="2024-03-10",
         claims={"architecture": "xgboost", "parameters": 1200},
         evaluations=[{"metric": "rmse", "value": 0.7}], governance={"risk_tier": "low"}),
]


def build_lake(lake, cards=LAKE_CARDS, **evidence) -> dict[str, int]:
    """Submit every card (as the user "alice"); returns {ref: version_id}."""
    ids = {}
    for data in cards:
        card = search_card(**data)
        ids[card.ref] = submit(lake, card, Evidence(**evidence), submitted_by="alice").version_id
    return ids
