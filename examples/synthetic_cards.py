"""Synthetic cards for the demo lake: 160 models across tasks, domains, licenses, owners and risk tiers.

They have no local weights (their artifacts are URIs), so the lake checks what a card alone can show:
completeness, license, data approvals, risk obligations, lineage declarations. Generated from the tables
below with a fixed seed, so every build produces the same cards: descriptions combine a task's phrasing
with a domain's subject, so semantic search has real differences to find. About half the cards are
clean; the others carry one flaw from FLAWS, so the review queue holds every verdict.

Usage: python examples/synthetic_cards.py [--count N]   (prints the cards as YAML)
"""
from __future__ import annotations

import argparse
import hashlib
import random
from dataclasses import dataclass

SEED = 20261123
COUNT = 160


@dataclass(frozen=True)
class Task:
    tag: str
    suffix: str
    phrase: str  # "{subject}" is the domain's subject
    metric: str
    low: float
    high: float
    harness: str  # built-in where one fits; otherwise the owning team's registered harness
    architectures: tuple[str, ...]


@dataclass(frozen=True)
class Domain:
    name: str
    org: str
    team: str
    subjects: tuple[str, ...]
    audience: str
    data: str
    personal: bool = False
    regulation: str | None = None


@dataclass(frozen=True)
class Architecture:
    name: str
    parameters: int
    layers: int
    hidden_size: int
    context_length: int


TASKS = (
    Task("text-classification", "classifier", "Classifies {subject} into the categories {audience} triage by", "accuracy", 0.78, 0.97,
         "text-classification", ("bert", "deberta-v2", "distilbert")),
    Task("token-classification", "ner", "Extracts named entities (people, organisations, amounts, dates) from {subject}", "f1", 0.71, 0.93,
         "seqeval-ner", ("bert", "roberta")),
    Task("summarization", "summarizer", "Summarises long {subject} into short plain-language briefs for {audience}", "rouge-l", 0.31, 0.48,
         "rouge-summaries", ("t5", "bart")),
    Task("translation", "translator", "Translates {subject} between English and German for {audience}", "bleu", 24.0, 41.0, "sacrebleu",
         ("marian", "t5")),
    Task("sentence-similarity", "embedder", "Embeds {subject} for semantic search and duplicate detection by {audience}", "spearman", 0.74, 0.9,
         "sentence-similarity", ("bert", "mpnet")),
    Task("question-answering", "qa", "Answers questions about {subject} by pointing at the passage that holds the answer", "exact_match",
         0.55, 0.82, "squad-exact-match", ("roberta", "deberta-v2")),
    Task("text-generation", "assistant", "Drafts replies and notes about {subject} for {audience} to edit", "perplexity", 9.0, 28.0,
         "gguf-perplexity", ("llama", "mistral", "qwen2")),
    Task("image-classification", "vision", "Recognises defects and categories in photos of {subject}", "accuracy", 0.81, 0.98, "image-accuracy",
         ("vit", "convnext", "resnet")),
    Task("object-detection", "detector", "Locates and labels objects in images of {subject}", "map", 0.38, 0.61, "coco-map", ("detr", "yolos")),
    Task("automatic-speech-recognition", "asr", "Transcribes recorded calls and dictation about {subject}", "wer", 0.06, 0.19, "asr-wer",
         ("whisper", "wav2vec2")),
    Task("tabular-classification", "risk-score", "Scores {subject} for risk from structured records", "auc", 0.72, 0.91, "tabular-auc",
         ("xgboost", "tabtransformer")),
)

DOMAINS = (
    Domain("finance", "northbank", "Credit risk analytics", ("loan applications", "invoices", "transaction memos", "earnings call transcripts"),
           "credit analysts", "northbank/loan-files-2024", personal=True, regulation="gdpr"),
    Domain("legal", "lexcorp", "Legal operations", ("contracts", "court filings", "NDAs", "regulatory notices"), "paralegals",
           "lexcorp/contracts-2025"),
    Domain("medical", "stmary", "Clinical informatics", ("discharge summaries", "radiology reports", "clinical trial protocols"),
           "clinicians", "stmary/ehr-notes-2023", personal=True, regulation="hipaa"),
    Domain("customer-support", "helpdesk", "Support tooling", ("support tickets", "chat transcripts", "product FAQs"), "support agents",
           "helpdesk/tickets-2025"),
    Domain("e-commerce", "shopline", "Marketplace relevance", ("product listings", "customer reviews", "search queries"), "merchandisers",
           "shopline/catalog-2025"),
    Domain("hr", "peopleops", "People analytics", ("job descriptions", "employee survey comments", "CVs"), "recruiters",
           "peopleops/hr-records-2024", personal=True, regulation="gdpr"),
    Domain("manufacturing", "fabworks", "Quality engineering", ("machine maintenance logs", "production line parts", "inspection reports"),
           "quality engineers", "fabworks/line-data-2025"),
    Domain("media", "dailyglobe", "Newsroom tools", ("news articles", "press releases", "interview transcripts"), "editors",
           "dailyglobe/archive-2020-2025"),
    Domain("security", "sentinel", "Threat detection", ("phishing emails", "security alerts", "server logs"), "security analysts",
           "sentinel/incidents-2025"),
    Domain("public-sector", "civic", "Digital services", ("citizen requests", "benefit applications", "council minutes"), "caseworkers",
           "civic/requests-2024", personal=True, regulation="gdpr"),
)

ARCHITECTURES = {
    "bert": Architecture("bert", 109_482_240, 12, 768, 512), "distilbert": Architecture("distilbert", 66_362_880, 6, 768, 512),
    "deberta-v2": Architecture("deberta-v2", 184_422_144, 12, 768, 512), "roberta": Architecture("roberta", 124_645_632, 12, 768, 514),
    "mpnet": Architecture("mpnet", 109_486_464, 12, 768, 514), "t5": Architecture("t5", 222_903_552, 12, 768, 512),
    "bart": Architecture("bart", 406_291_456, 12, 1024, 1024), "marian": Architecture("marian", 74_410_496, 6, 512, 512),
    "llama": Architecture("llama", 1_235_814_400, 16, 2048, 131072), "mistral": Architecture("mistral", 7_241_732_096, 32, 4096, 32768),
    "qwen2": Architecture("qwen2", 494_032_768, 24, 896, 32768), "vit": Architecture("vit", 86_389_248, 12, 768, 197),
    "convnext": Architecture("convnext", 28_589_128, 18, 768, 0), "resnet": Architecture("resnet", 25_557_032, 50, 2048, 0),
    "detr": Architecture("detr", 41_524_768, 6, 256, 100), "yolos": Architecture("yolos", 6_488_448, 12, 192, 0),
    "whisper": Architecture("whisper", 241_734_912, 12, 768, 448), "wav2vec2": Architecture("wav2vec2", 94_395_552, 12, 768, 0),
    "xgboost": Architecture("xgboost", 1_200_000, 0, 0, 0), "tabtransformer": Architecture("tabtransformer", 2_400_000, 6, 32, 0),
}
ALLOWED_LICENSES = ("apache-2.0", "apache-2.0", "mit", "mit", "bsd-3-clause", "cc-by-4.0", "openrail")
QUANTIZATIONS = (None, None, None, "Q8_0", "Q4_K_M", "int8")
PEOPLE = ("Amara Okafor", "Jonas Weber", "Priya Natarajan", "Mateo Alvarez", "Sofia Rossi", "Kenji Watanabe", "Lea Martin",
          "Noah Fischer", "Chloe Dubois", "Ravi Shah", "Elif Yilmaz", "Tomasz Nowak")
LIMITATIONS = ("English only", "Not evaluated on text longer than 512 tokens", "Accuracy drops on documents older than 2015",
               "Rare categories (under 1% of training data) are often missed", "Scanned documents need OCR first",
               "Not tested on dialects or non-native writing")
RISK_TIERS = ("minimal", "minimal", "limited", "limited", "limited", "high")
# task -> a real model of the demo lake a synthetic card of that task may be derived from
REAL_BASES = {"sentence-similarity": "sentence-transformers/all-MiniLM-L6-v2", "text-classification": "sentence-transformers/all-MiniLM-L6-v2",
              "text-generation": "HuggingFaceTB/SmolLM2-135M-Instruct"}


def _flaw_license(card: dict, rng: random.Random) -> None:
    card["license"] = rng.choice(("cc-by-nc-4.0", "llama3", "gpl-3.0", "cc-by-nc-sa-4.0"))


def _flaw_no_harness(card: dict, rng: random.Random) -> None:
    for evaluation in card["evaluations"]:
        evaluation.pop("harness", None)


def _flaw_high_risk_without_bias_check(card: dict, rng: random.Random) -> None:
    card["governance"] = {"risk_tier": "high", "human_oversight": card["governance"].get("human_oversight", "A reviewer checks outputs.")}


def _flaw_gdpr_without_dua(card: dict, rng: random.Random) -> None:
    card["training_data"] = [{"name": card["datasets"][0], "personal_data": True, "gdpr": True}]
    card["governance"].setdefault("regulations", ["gdpr"])


def _flaw_prohibited(card: dict, rng: random.Random) -> None:
    card["governance"] = {"risk_tier": "unacceptable", "human_oversight": "None: scores are applied automatically."}
    card["uses"]["intended"] = ["Social scoring of citizens from their online behaviour"]


def _flaw_no_limitations(card: dict, rng: random.Random) -> None:
    card.pop("limitations")
    card.pop("uses")


def _flaw_stale_evaluation(card: dict, rng: random.Random) -> None:
    for evaluation in card["evaluations"]:
        evaluation["date"] = f"2022-0{rng.randint(1, 9)}-15"


def _flaw_no_risk_tier(card: dict, rng: random.Random) -> None:
    card["governance"].pop("risk_tier")


# name -> (how it breaks the card, weight in the draw); "clean" leaves the card alone.
FLAWS = {
    "clean": (None, 10), "license": (_flaw_license, 2), "no-harness": (_flaw_no_harness, 2),
    "high-risk-without-bias-check": (_flaw_high_risk_without_bias_check, 1), "gdpr-without-dua": (_flaw_gdpr_without_dua, 1),
    "prohibited-use": (_flaw_prohibited, 1), "no-limitations": (_flaw_no_limitations, 1), "stale-evaluation": (_flaw_stale_evaluation, 1),
    "no-risk-tier": (_flaw_no_risk_tier, 1),
}


def synthetic_cards(count: int = COUNT, seed: int = SEED) -> list[dict]:
    """`count` valid schema-v1 cards, the same for the same seed; each carries its flaw under `_flaw` (removed before submission)."""
    rng = random.Random(seed)
    cards, names = [], set()
    for index in range(count):
        task, domain = TASKS[index % len(TASKS)], DOMAINS[(index * 7 // len(TASKS)) % len(DOMAINS)]
        subject = rng.choice(domain.subjects)
        name = _unique(f"{domain.org}/{_slug(subject)}-{task.suffix}", names)
        card = _card(name, task, domain, subject, rng)
        if index % 9 == 4 and cards:
            _derive(card, rng.choice([c for c in cards if c["pipeline_tag"] == task.tag] or [None]), task, rng)
        flaw = rng.choices(list(FLAWS), weights=[weight for _, weight in FLAWS.values()])[0]
        if FLAWS[flaw][0]:
            FLAWS[flaw][0](card, rng)
        card["_flaw"] = flaw
        cards.append(card)
        if index % 17 == 3:  # a second version of some models: version lineage in the lake
            cards.append(_next_version(card, rng))
    return cards


def _card(name: str, task: Task, domain: Domain, subject: str, rng: random.Random) -> dict:
    architecture = ARCHITECTURES[rng.choice(task.architectures)]
    owner = rng.choice(PEOPLE)
    value = round(rng.uniform(task.low, task.high), 3)
    samples = rng.choice((200, 500, 1000, 2500, 10000))
    evaluation = {"task": task.tag, "dataset": f"{domain.data}-eval", "split": "test", "metric": task.metric, "value": value,
                  "samples": samples, "date": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"}
    evaluation["harness"] = {"name": task.harness}
    claims = {"architecture": architecture.name, "parameters": architecture.parameters}
    if architecture.layers:
        claims |= {"layers": architecture.layers, "hidden_size": architecture.hidden_size}
    if architecture.context_length:
        claims["context_length"] = architecture.context_length
    quantization = rng.choice(QUANTIZATIONS)
    if quantization:
        claims["quantization"] = quantization
    tier = rng.choice(RISK_TIERS)
    governance = {"risk_tier": tier, "human_oversight": f"{domain.audience.capitalize()} review every output before it is used."}
    if tier == "high":
        governance["bias_checks"] = [{"name": rng.choice(("gender", "age", "region", "language variety")),
                                      "result": f"largest gap {rng.uniform(0.2, 2.5):.1f} points", "date": evaluation["date"]}]
    training = {"name": domain.data, "personal_data": domain.personal}
    if domain.personal:
        dua = f"DUA-{rng.randint(2023, 2026)}-{rng.randint(10, 99)}"
        training |= {domain.regulation: True, "dua_id": dua,
                     "approvals": [{"type": "dua", "id": dua, "approved_by": "Data protection office", "date": "2026-01-15"},
                                   {"type": "privacy", "id": f"PIA-{rng.randint(100, 999)}", "approved_by": "Privacy officer",
                                    "date": "2026-01-20"}]}
        governance["regulations"] = [domain.regulation]
    description = (f"{task.phrase.format(subject=subject, audience=domain.audience)}. Built by the {domain.team} team on a "
                   f"{architecture.name} backbone ({architecture.parameters / 1e6:,.0f}M parameters) trained on {domain.data}. "
                   f"{_extra_sentence(task, domain, subject, rng)}")
    return {
        "schema_version": "1", "name": name, "version": "1.0",
        "owners": [{"name": owner, "email": f"{owner.split()[0].lower()}@{domain.org}.example", "role": "owner"},
                   {"name": domain.team, "email": f"{_slug(domain.team)}@{domain.org}.example", "role": "maintainer"}],
        "description": description, "pipeline_tag": task.tag, "domain": domain.name,
        "tags": sorted({_slug(subject), domain.name, task.suffix, architecture.name}), "language": ["en"],
        "license": rng.choice(ALLOWED_LICENSES),
        "uses": {"intended": [f"{task.phrase.split(' ')[0]} {subject} for {domain.audience}"],
                 "out_of_scope": [rng.choice(("Fully automated decisions about individuals", "Languages other than English",
                                              "Use outside " + domain.name))]},
        "limitations": rng.sample(LIMITATIONS, 2),
        "artifacts": [{"uri": f"s3://{domain.org}-models/{name.split('/')[1]}/1.0/model.safetensors", "format": "safetensors",
                       "sha256": hashlib.sha256(name.encode()).hexdigest()}],
        "claims": claims, "datasets": [domain.data], "training_data": [training], "evaluations": [evaluation], "governance": governance,
    }


def _extra_sentence(task: Task, domain: Domain, subject: str, rng: random.Random) -> str:
    return rng.choice((
        f"Replaces a keyword-rule system that {domain.audience} found brittle.",
        f"Used daily by {domain.audience} handling {subject}.",
        f"Tuned for recall: it is better to flag too many {subject} than to miss one.",
        f"Runs on CPU inside the {domain.org} data centre; no data leaves the network.",
        f"Retrained quarterly as new {subject} arrive.",
        f"Evaluated against a hand-labelled sample of {subject} from the last quarter.",
    ))


def _derive(card: dict, parent: dict | None, task: Task, rng: random.Random) -> None:
    """Make `card` a child of an earlier synthetic card of the same task, or of a real model of the demo lake."""
    base = parent["name"] if parent and (rng.random() < 0.7 or task.tag not in REAL_BASES) else REAL_BASES.get(task.tag)
    if base is None:
        return
    relation = rng.choice(("finetune", "finetune", "quantized", "adapter"))
    card |= {"base_model": base, "base_model_relation": relation}
    if relation == "quantized":
        card["claims"]["quantization"] = "Q4_K_M"
    card["description"] += f" {'Quantized from' if relation == 'quantized' else 'Derived from'} {base} ({relation})."


def _next_version(card: dict, rng: random.Random) -> dict:
    newer = {key: value for key, value in card.items() if key != "_flaw"} | {"version": "1.1", "_flaw": card["_flaw"]}
    newer["evaluations"] = [evaluation | {"value": round(evaluation["value"] * 1.01, 3), "date": "2026-10-30"}
                            for evaluation in card["evaluations"]]
    newer["description"] = card["description"] + " Version 1.1 retrains on three more months of data."
    newer["artifacts"] = [artifact | {"uri": artifact["uri"].replace("/1.0/", "/1.1/"),
                                      "sha256": hashlib.sha256((card["name"] + "@1.1").encode()).hexdigest()} for artifact in card["artifacts"]]
    return newer


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    taken.add(candidate)
    return candidate


if __name__ == "__main__":
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT)
    print(yaml.safe_dump_all(synthetic_cards(parser.parse_args().count), sort_keys=False))
