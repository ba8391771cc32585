"""Build the demo lake, offline: real models shipped in packages, a family derived from them for real,
planted problems the lake must catch, and 170 synthetic cards for search and chat.

Idempotent: weights are built once under $MODELLAKE_HOME/models and reused; a card already stored with
the same content is skipped (the store treats an identical resubmission as a no-op anyway); reruns,
waivers and reviewer decisions are made once. `modellake demo` runs this, then serves the lake.

Usage: python -m examples.build_lake   (from the checkout; uses $MODELLAKE_HOME and DATABASE_URL like every command)
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from engine.cards import Card, load_card
from engine.errors import NotFound
from engine.paths import EXAMPLES_DIR
from engine.store.database import Lake

TABLE = EXAMPLES_DIR / "lake.yaml"
CARD_TEMPLATES = EXAMPLES_DIR / "cards"
FORMATS = {".safetensors": "safetensors", ".gguf": "gguf", ".bin": "pytorch", ".json": "other"}
DECISION_COMMENTS = {
    "approve": "Reviewed: the claims match the weights' facts and no rule at medium or above fails.",
    "request_changes": "Findings at medium or above must be fixed before this model can be used.",
    "reject": "The model must not be used: see the critical findings.",
}
# The reviewer follows the automated verdict on synthetic cards, except every PENDING_EVERY-th, left in the queue.
SYNTHETIC_DECISIONS = {"approved": "approve", "needs_human_review": "approve", "changes_requested": "request_changes", "rejected": "reject"}
PENDING_EVERY = 7

Tell = Callable[[str], None]  # told what is being done ("submit ..." once per card)


@dataclass(frozen=True)
class DemoModel:
    """One row of examples/lake.yaml."""

    weights: dict
    card: str | None = None
    base: str | None = None
    overlay: dict = field(default_factory=dict)
    decision: str | None = None
    comment: str | None = None
    planted: str | None = None
    also: list[str] = field(default_factory=list)  # rules failing as a consequence of the planted problem


@dataclass(frozen=True)
class LakePlan:
    submitter: str
    reviewer: str
    defaults: dict
    waivers: list[dict]
    models: list[DemoModel]


@dataclass
class BuildReport:
    home: Path
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    planted: dict[str, str] = field(default_factory=dict)  # ref -> rule id it must fail

    @property
    def cards(self) -> int:
        return len(self.created) + len(self.unchanged)


def load_plan(path: Path = TABLE) -> LakePlan:
    data = yaml.safe_load(path.read_text())
    return LakePlan(data["submitter"], data["reviewer"], data["defaults"], data.get("waivers", []),
                    [DemoModel(**row) for row in data["models"]])


def build_lake(lake: Lake, home: Path, *, plan: LakePlan | None = None, synthetic: bool = True, progress: Tell | None = None) -> BuildReport:
    """Build every weight, write and submit every card, rerun, record waivers and decisions; returns what was done."""
    from examples.synthetic_cards import synthetic_cards

    plan = plan or load_plan()
    tell = progress or (lambda text: None)
    report = BuildReport(home)
    record_waivers(lake, plan.waivers)
    for model in plan.models:
        add_real_model(lake, model, plan, home / "models", report, tell)
    if synthetic:
        for index, data in enumerate(synthetic_cards()):
            add_synthetic_card(lake, index, data, plan, home / "models" / "cards" / "synthetic", report, tell)
    return report


def add_real_model(lake: Lake, model: DemoModel, plan: LakePlan, models: Path, report: BuildReport, tell: Tell) -> None:
    """Weights, card, submission with facts and reruns, and decision for one row of lake.yaml (each step skipped when done)."""
    tell(f"weights: {model.card or model.weights['recipe']}")
    card = write_card(compose_card(model, plan, models), models / "cards")
    tell(f"submit {card.ref}")
    created = submit_card(lake, card, plan.submitter)  # its harness-backed claims are re-run and stored with the submission
    (report.created if created else report.unchanged).append(card.ref)
    if model.planted:
        report.planted[card.ref] = model.planted
    if model.decision:
        comment = model.comment or DECISION_COMMENTS[model.decision]
        comment = f"Planted problem: {model.planted}. {comment}" if model.planted else comment
        decide_once(lake, card.ref, model.decision, plan.reviewer, comment)


def add_synthetic_card(lake: Lake, index: int, data: dict, plan: LakePlan, folder: Path, report: BuildReport, tell: Tell) -> None:
    """Submit one synthetic card (no weights) by its owner; the reviewer follows the automated verdict, or leaves it pending."""
    data = dict(data)
    flaw = data.pop("_flaw")
    tell(f"submit {data['name']}@{data['version']}")
    card = write_card(data, folder)
    created = submit_card(lake, card, data["owners"][0]["email"])
    (report.created if created else report.unchanged).append(card.ref)
    verdict = automated_verdict(lake, card.ref)
    if verdict in SYNTHETIC_DECISIONS and index % PENDING_EVERY != PENDING_EVERY - 1:
        comment = f"Following the automated review ({verdict}); synthetic card, planted flaw: {flaw}."
        decide_once(lake, card.ref, SYNTHETIC_DECISIONS[verdict], plan.reviewer, comment)


def planned_card_count(plan: LakePlan | None = None, synthetic: bool = True) -> int:
    """How many cards build_lake submits (for a progress bar)."""
    from examples.synthetic_cards import synthetic_cards

    plan = plan or load_plan()
    return len(plan.models) + (len(synthetic_cards()) if synthetic else 0)


def compose_card(model: DemoModel, plan: LakePlan, models: Path) -> tuple[dict, list[Path]]:
    """The card data (base <- defaults <- template <- overlay) and the weight files its artifacts list."""
    from examples.demo_weights import build_weights

    files = build_weights(model.weights, models)
    base = {}
    if model.base == "hf-readme":
        from engine.cards.hf_import import import_hf_readme

        base = import_hf_readme(files[0].parent / "README.md").card.data
    elif model.base == "family":
        base = yaml.safe_load((files[0].parent / "card.yaml").read_text())
    template = yaml.safe_load((CARD_TEMPLATES / model.card).read_text()) if model.card else {}
    data = deep_merge(deep_merge(deep_merge(base, plan.defaults), template), model.overlay)
    return data, files


def write_card(composed: tuple[dict, list[Path]] | dict, folder: Path) -> Card:
    """Write the card (artifacts relative to it, with each file's sha256) and load it back, validated."""
    from engine.facts import sha256_file  # remembered per file version: facts and rebuilds do not hash again

    data, files = composed if isinstance(composed, tuple) else (composed, [])
    data = copy.deepcopy(data)
    folder.mkdir(parents=True, exist_ok=True)
    if files:
        data["artifacts"] = [{"path": os.path.relpath(path, folder), "format": FORMATS.get(path.suffix, "other"),
                              "sha256": sha256_file(path, progress=False)} for path in files]
    target = folder / f"{data['name'].replace('/', '__')}@{data['version']}.yaml"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return load_card(target)


def submit_card(lake: Lake, card: Card, submitter: str) -> bool:
    """Submit unless the same content is stored already (skipping the facts, fingerprint and rerun work); True if created."""
    from engine.evals.lake_datasets import lake_catalog
    from engine.governance.evidence import gather_evidence
    from engine.governance.submission import submit

    if stored_digest(lake, card.ref) == card.digest:
        return False
    evidence = gather_evidence(card, datasets=lake_catalog(lake), submitter=submitter)
    return submit(lake, card, evidence, submitted_by=submitter).created


def stored_digest(lake: Lake, ref: str) -> str | None:
    from engine.store.versions import get_version

    with lake.transaction() as session:
        try:
            return get_version(session, ref).card_digest
        except NotFound:
            return None


def automated_verdict(lake: Lake, ref: str) -> str | None:
    """The verdict of the latest automated review stored for the version, if any."""
    from engine.governance.decisions import latest_review
    from engine.store.versions import get_version

    with lake.transaction() as session:
        record = latest_review(session, get_version(session, ref).id)
        return record.verdict if record is not None else None


def decide_once(lake: Lake, ref: str, decision: str, reviewer: str, comment: str) -> None:
    """A reviewer's decision, unless a human already decided on this version."""
    from engine.governance.decisions import decide
    from engine.governance.stored import human_decided
    from engine.store.versions import get_version

    with lake.transaction() as session:
        if human_decided(session, get_version(session, ref).id):
            return
    decide(lake, ref, decision, by=reviewer, comment=comment)


def record_waivers(lake: Lake, waivers: list[dict]) -> None:
    """Store the demo's waivers through engine.governance.admin (validated, audited), once each (same rule, target and ticket)."""
    from engine.governance.admin import add_waiver, list_waivers

    stored = {(w["rule_id"], w["target"], w["ticket"]) for w in list_waivers(lake)}
    for waiver in waivers:
        if (waiver["rule_id"], waiver["target"], waiver.get("ticket")) not in stored:
            add_waiver(lake, rule_id=waiver["rule_id"], target=waiver["target"], reason=waiver["reason"], by=waiver["approved_by"],
                       ticket=waiver.get("ticket"), expires_at=waiver.get("expires_at"))


def deep_merge(under: dict, over: dict) -> dict:
    """`over` wins; mappings merge key by key, everything else (lists included) is replaced."""
    merged = copy.deepcopy(under)
    for key, value in over.items():
        merged[key] = deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else copy.deepcopy(value)
    return merged


def build_with_progress(lake: Lake, home: Path, *, synthetic: bool = True) -> BuildReport:
    """build_lake with a rich progress bar (one step per card) on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # One bar for the whole build: the per-load bars of transformers and huggingface_hub would tear it apart.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    columns = (TextColumn("{task.description:<44}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("demo lake", total=planned_card_count(synthetic=synthetic))

        def advance(text: str) -> None:
            bar.update(task, description=text[:44], advance=1 if text.startswith("submit ") else 0)

        return build_lake(lake, home, synthetic=synthetic, progress=advance)


def main() -> None:
    from engine.config import load_settings
    from engine.store.database import open_lake

    settings = load_settings()
    lake = open_lake(settings)
    try:
        report = build_with_progress(lake, settings.home)
    finally:
        lake.dispose()
    print(f"{report.cards} cards ({len(report.created)} new, {len(report.unchanged)} already in the lake); "
          f"weights in {settings.home / 'models'}")


if __name__ == "__main__":
    main()
