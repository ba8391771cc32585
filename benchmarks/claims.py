"""README claim extraction: cards per second, precision, recall and variant recovery against expected claims.

Scores the tuned-on corpus (tests/cards/readmes) and, when present, the held-out set (benchmarks/claims_heldout),
both in the expected-claims format of docs/claims.md. The baseline in the same run is the cost of parsing the
markdown alone (markdown-it-py), so the figure is the rule table's cost on top of parsing.
Usage: python benchmarks/claims.py [--repeats N]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from engine.claims import extract_claims
from engine.claims.markdown import parse_readme
from engine.claims.scoring import score_corpus

ROOT = Path(__file__).resolve().parent.parent
SETS = {"corpus (tuned on)": ROOT / "tests" / "cards" / "readmes", "held-out": ROOT / "benchmarks" / "claims_heldout"}


def cards_per_second(texts: list[str], run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for text in texts:
            run(text)
        times.append(time.perf_counter() - start)
    return len(texts) / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{'set':<20} {'cards':>5} {'cards/s':>9} {'parse-only/s':>13} {'precision':>9} {'recall':>7} {'variants':>8} {'lines':>6} {'unverif.':>8}")
    for name, folder in SETS.items():
        if not folder.is_dir():
            print(f"{name:<20} (not present)")
            continue
        texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))]
        speed = cards_per_second(texts, lambda text: extract_claims(text, "README.md"), args.repeats)
        baseline = cards_per_second(texts, parse_readme, args.repeats)
        score = score_corpus(folder)
        unverifiable = sum(card.unverifiable for card in score.per_card)
        print(f"{name:<20} {score.cards:>5} {speed:>9.0f} {baseline:>13.0f} {score.precision:>9.3f} {score.recall:>7.3f} "
              f"{score.variant_recall:>8.3f} {score.line_accuracy:>6.3f} {unverifiable:>8}")
    print("LLM proposals: not implemented (see the report); the figures above are the rule table alone.")


if __name__ == "__main__":
    main()
