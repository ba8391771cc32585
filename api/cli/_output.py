"""Output helpers shared by commands: rich for people, plain JSON for scripts."""
from __future__ import annotations

import json
import sys

from rich.console import Console

console = Console(highlight=False, soft_wrap=True, emoji=False)  # ":100:" in "README.md:100:" is not an emoji
error_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def print_json(data: object) -> None:
    """Machine-readable output: JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def json_option(function):
    import click

    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of tables.")(function)
