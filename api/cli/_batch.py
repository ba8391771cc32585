"""Many cards in one process, for `submit` and `audit`: each card (or README) is read by one function, what is heavy (the lake
connection, policy packs, the embedding model, torch) is loaded once by the caller or the engine, one progress bar counts
the cards, a card that fails does not stop the others, and the batch exits with the worst code (2 over 1 over 0)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from api.cli._errors import EXIT_OK, error_lines, exit_code_of
from api.cli._output import error_console, print_json, stderr_progress
from engine.errors import InputInvalid, ModelLakeError

Report = Callable[[str, float, float | None], None]


def read_card(path: Path, weights: Path | None, read_files: bool = True):
    """The one way a batch reads a card: (card, files, facts), a YAML card or a README imported as one
    (engine.governance.evidence.card_with_facts decides which); without `read_files`, (card, None, None)."""
    if not read_files:
        from engine.cards.hf_import import load_card_or_readme

        return load_card_or_readme(path), None, None
    from engine.governance.evidence import card_with_facts

    return card_with_facts(path, weights)


@dataclass
class CardOutcome:
    """One card of a batch: what the command made of it (a JSON-able dict) and its exit code, or the error that stopped it."""

    path: Path
    result: dict = field(default_factory=dict)
    exit_code: int = EXIT_OK
    error: BaseException | None = None

    def to_dict(self) -> dict:
        row = {"card": str(self.path)} | self.result | {"exit_code": self.exit_code}
        if isinstance(self.error, InputInvalid):
            row["problems"] = [problem.to_dict() | {"text": str(problem)} for problem in self.error.problems]
        elif self.error is not None:
            row["error"] = str(self.error)
        return row


Work = Callable[[object, tuple, Report | None], tuple[dict, int]]  # (card, (files, facts), progress) -> (result, exit code)


def run_batch(paths: tuple[Path, ...], weights: Path | None, work: Work, *, verb: str, progress: bool,
              show: Callable[[CardOutcome], None], read_files: bool = True) -> list[CardOutcome]:
    """`work` on each card in order; `show` each outcome as it comes (errors go to stderr here, whatever `show` does)."""
    outcomes = []
    with stderr_progress(progress) as report:
        for done, path in enumerate(paths, start=1):
            outcome = _one_card(path, weights, read_files, work, report)
            for line in error_lines(outcome.error) if outcome.error else []:
                error_console.print(line, markup=False)
            show(outcome)
            outcomes.append(outcome)
            if report and len(paths) > 1:
                report(verb, done, len(paths))
    return outcomes


def _one_card(path: Path, weights: Path | None, read_files: bool, work: Work, report: Report | None) -> CardOutcome:
    try:
        card, files, facts = read_card(path, weights, read_files)
        result, code = work(card, (files, facts), report)
        return CardOutcome(path, result, code)
    except (ModelLakeError, OSError) as error:
        return CardOutcome(path, exit_code=exit_code_of(error), error=error)


def print_outcomes_json(outcomes: list[CardOutcome]) -> None:
    """One card: its object, as a single-card command always printed; several: a list of them, in the order given."""
    rows = [outcome.to_dict() for outcome in outcomes]
    print_json(rows[0] if len(rows) == 1 else rows)


def worst_exit_code(outcomes: list[CardOutcome]) -> int:
    return max((outcome.exit_code for outcome in outcomes), default=EXIT_OK)
