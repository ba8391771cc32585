"""Benchmark reruns: `modellake rerun NAME[@VERSION]`."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from rich.table import Table

from api.cli._errors import EXIT_FAILED, EXIT_TOOL_ERROR, exits_1_when
from api.cli._output import console, error_console, json_option, print_json, stderr_progress
from engine.evals.isolation import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT_S

SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


class ByteSize(click.ParamType):
    """A memory size such as 16G, 512M or 1073741824; `none` for no limit."""

    name = "SIZE"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value is None:
            return value
        text = str(value).strip().upper().removesuffix("B").removesuffix("I")
        if text == "NONE":
            return None
        number, unit = (text[:-1], text[-1]) if text[-1:] in SIZE_UNITS else (text, "")
        try:
            return int(float(number) * SIZE_UNITS[unit])
        except ValueError:
            self.fail(f"{value!r} is not a size like 16G, 512M or none", param, ctx)


@exits_1_when("a claim failed against its rerun (a harness that errored is a tool error)")
@click.command()
@click.argument("ref", metavar="NAME[@VERSION]")
@click.option("--weights", type=click.Path(exists=True, path_type=Path), help="Model file or directory (default: the card's artifacts).")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT_S, show_default=True, help="Seconds each harness run may take before it is killed.")
@click.option("--memory-limit", type=ByteSize(), default=DEFAULT_MEMORY_LIMIT, show_default="16G", help="Address-space limit of each harness process (torch needs several GiB); 'none' for no limit.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress bars on stderr.")
@click.option("--by", default=getpass.getuser, show_default="current user", help="Who asked for the rerun (recorded in the audit log).")
@json_option
def rerun(ref: str, weights: Path | None, timeout: float, memory_limit: int | None, progress: bool, by: str, as_json: bool) -> None:
    """Re-run a version's claimed evaluations in isolated workers, compare each claim, store the results."""
    from engine.governance.reruns import rerun_stored_version
    from engine.store.database import open_lake

    lake = open_lake()
    try:
        with stderr_progress(progress and not as_json) as report:
            outcome = rerun_stored_version(lake, ref, weights=weights, timeout=timeout, memory_limit=memory_limit, progress=report, actor=by)
    finally:
        lake.dispose()
    if as_json:
        print_json(outcome)
    else:
        _print_table(outcome)
    for result in outcome["evals"]:  # a tool error is named on stderr, whatever stdout holds
        if result["status"] == "error":
            error_console.print(f"error: {result['metric']} on {result['dataset']}/{result['split']}: {result['error']}", markup=False)
    statuses = {result["status"] for result in outcome["evals"]}
    sys.exit(EXIT_TOOL_ERROR if "error" in statuses else EXIT_FAILED if {"fail", "refused"} & set(statuses) else 0)  # refused: the scan blocked it


def _print_table(outcome: dict) -> None:
    table = Table("metric", "dataset/split", "claimed", "observed", "tolerance", "status", "note", title=f"reruns of {outcome['ref']}")
    for result in outcome["evals"]:
        note = result["error"] or result["evidence"].get("reason") or f"n={result['evidence'].get('samples')}"
        table.add_row(result["metric"], f"{result['dataset']}/{result['split']}", _number(result["claimed"]), _number(result["observed"]),
                      _number(result["tolerance"]), result["status"], note)
    console.print(table)
    if not outcome["evals"]:
        console.print("the card has no evaluations that name a harness")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


COMMANDS = [rerun]
