"""`modellake review`: a reviewer approves, rejects or requests changes on a version."""
from __future__ import annotations

import getpass

import click

from api.cli._output import console, json_option, print_json


@click.command()
@click.argument("ref", metavar="NAME[@VERSION]")
@click.option("--approve", "decision", flag_value="approve", help="Approve the version.")
@click.option("--reject", "decision", flag_value="reject", help="Reject the version.")
@click.option("--request-changes", "decision", flag_value="request_changes", help="Send it back to its owner.")
@click.option("-m", "--message", "comment", required=True, help="Why (kept with the decision).")
@click.option("--by", default=getpass.getuser, show_default="current user", help="Who decides.")
@json_option
def review(ref: str, decision: str | None, comment: str, by: str, as_json: bool) -> None:
    """Record a reviewer's decision on a version (the latest when no version is given)."""
    from engine.governance.decisions import decide
    from engine.store.database import open_lake

    if decision is None:
        raise click.UsageError("choose one of --approve, --reject, --request-changes")
    result = decide(open_lake(), ref, decision, by=by, comment=comment)
    if as_json:
        print_json(result)
    else:
        console.print(f"{result['ref']}: {result['previous_status']} -> {result['status']} by {by}", markup=False)


COMMANDS = [review]
