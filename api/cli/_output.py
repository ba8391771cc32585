"""Output helpers shared by commands: rich for people, plain JSON for scripts."""
from __future__ import annotations

import json
import sys
from contextlib import ExitStack, contextmanager
from typing import Callable, Iterator

from rich.console import Console

console = Console(highlight=False, soft_wrap=True, emoji=False)  # ":100:" in "README.md:100:" is not an emoji
error_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def print_json(data: object) -> None:
    """Machine-readable output: JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def json_option(function):
    import click

    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of tables.")(function)


@contextmanager
def stderr_progress(enabled: bool = True) -> Iterator[Callable[[str, float, float | None], None] | None]:
    """A progress callback `report(label, done, total)` drawing one rich bar per label on stderr, None when off
    (reruns draw one bar per evaluation; a batch of cards one more for the cards). The display starts with the
    first report, so a command whose work reports nothing prints nothing."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars: dict[str, int] = {}
    with ExitStack() as stack:
        display: list[Progress] = []

        def report(label: str, done: float, total: float | None) -> None:
            if not display:
                display.append(stack.enter_context(Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                                            TimeElapsedColumn(), console=error_console)))
            if label not in bars:
                bars[label] = display[0].add_task(label, total=total)
            display[0].update(bars[label], completed=done, total=total)

        yield report
