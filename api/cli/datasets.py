"""Evaluation datasets: `modellake dataset add NAME PATH|URI` and `modellake dataset list`."""
from __future__ import annotations

import getpass

import click
from rich.table import Table

from api.cli._output import console, json_option, print_json


@click.group()
def dataset() -> None:
    """Evaluation datasets registered in the lake: the only data reruns read."""


@dataset.command()
@click.argument("name", metavar="NAME")
@click.argument("source", metavar="PATH|URI")
@click.option("--license", "license_", required=True, help="The dataset's license (recorded with every rerun that reads it).")
@click.option("--version", help="Version label (default: the next integer; the same bytes again are a no-op).")
@click.option("--description", help="What the set is and where it comes from.")
@click.option("--by", default=getpass.getuser, show_default="current user",
              help="Who registers it (a set its submitter registered is not independent evidence for their own models).")
@json_option
def add(name: str, source: str, license_: str, version: str | None, description: str | None, by: str, as_json: bool) -> None:
    """Register a .jsonl/.csv file with a `split` column (or a .txt) as NAME: digest, rows per split, columns, license, who."""
    from engine.evals.lake_datasets import register_dataset
    from engine.store.database import open_lake

    lake = open_lake()
    try:
        registration, created = register_dataset(lake, name, source, license=license_, registered_by=by, version=version,
                                                 description=description)
    finally:
        lake.dispose()
    if as_json:
        print_json(registration.to_dict() | {"created": created})
        return
    rows = ", ".join(f"{split} {count}" for split, count in registration.rows.items())
    state = "registered" if created else "already registered (same bytes)"
    console.print(f"{state}: {registration.ref}  sha256 {registration.sha256}  rows: {rows}", markup=False)


@dataset.command(name="list")
@json_option
def list_datasets(as_json: bool) -> None:
    """Every evaluation set a card can name: the lake's own, then the registered ones (newest version first)."""
    from engine.evals.lake_datasets import list_datasets as registered
    from engine.store.database import open_lake

    lake = open_lake()
    try:
        datasets = registered(lake)
    finally:
        lake.dispose()
    if as_json:
        print_json([registration.to_dict() for registration in datasets])
        return
    table = Table("dataset", "rows", "license", "registered by", "sha256")
    for registration in datasets:
        table.add_row(registration.ref, ", ".join(f"{s} {n}" for s, n in registration.rows.items()), registration.license,
                      registration.registered_by, (registration.sha256 or "generated")[:16])
    console.print(table)


COMMANDS = [dataset]
