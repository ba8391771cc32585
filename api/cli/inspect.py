"""`modellake inspect LOCATION`: facts read from a model file or directory (a path or a URI), each with its source."""
from __future__ import annotations

import sys

import click
from rich.table import Table

from api.cli._errors import EXIT_FAILED, exits_1_when
from api.cli._output import console, json_option, print_json
from engine.facts import extract_facts
from engine.facts.record import FACT_NAMES


@exits_1_when("a file has a critical or high security finding (an unsafe pickle)")
@click.command(name="inspect")
@click.argument("location")
@click.option("--no-digest", is_flag=True, help="Skip the sha256 of each file (headers only).")
@json_option
def inspect_model(location: str, no_digest: bool, as_json: bool) -> None:
    """Read facts from a model file or directory: a path, or a URI (file://, s3://, https://; headers by ranged reads).
    Never executes pickles."""
    facts = extract_facts(location, digest=not no_digest).to_dict()
    findings = facts["security"]["findings"]
    if as_json:
        print_json(facts)
    else:
        _print_facts(facts)
    sys.exit(EXIT_FAILED if any(f["severity"] in ("critical", "high") for f in findings) else 0)


def _print_facts(facts: dict) -> None:
    table = Table("fact", "value", "source", title=f"{facts['format'] or 'no weights'}: facts from the files")
    for name in FACT_NAMES:
        table.add_row(name, _show(facts[name]), facts["sources"].get(name, ""))
    for name, value in (facts["adapter"] or {}).items():
        table.add_row(f"adapter.{name}", _show(value), facts["sources"].get(f"adapter.{name}", ""))
    console.print(table)
    files = Table("file", "size", "bytes read", "sha256")
    for record in facts["files"]:
        read = record.get("bytes_read")
        files.add_row(record["path"], f"{record['size']:,}", "" if read is None else f"{read:,}", record["sha256"] or "")
    console.print(files)
    for finding in facts["security"]["findings"]:
        colour = "red" if finding["severity"] in ("critical", "high") else "yellow"
        console.print(f"[{colour}]{finding['severity']}[/] {finding['file']}: {finding['message']}", highlight=False)
    for conflict in facts["conflicts"]:
        console.print(f"[yellow]conflict[/] {conflict['config_says']} but the tensors prove {conflict['tensors_say']}", highlight=False)
    for item in facts["integrity"]:
        console.print(f"[yellow]{item['kind']}[/] {item['problem']}", highlight=False)


def _show(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


COMMANDS = [inspect_model]
