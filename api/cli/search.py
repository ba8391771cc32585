"""`modellake search`: the hybrid search from the command line; filters as field:op:value."""
from __future__ import annotations

import json

import click
from rich.table import Table

from api.cli._output import console, json_option, print_json
from engine.errors import UsageError
from engine.search.dsl import METRIC_FAMILIES, OPERATORS, VALUES


def parse_filter_option(text: str) -> dict:
    """'license:eq:mit' -> {field, op, value}. The value is JSON when it parses (numbers, lists), else text.

    A metric field holds one colon itself (metric:accuracy:gt:0.9, verified:f1:gte:0.8); the value keeps any colons it has.
    """
    width = 2 if text.startswith(tuple(METRIC_FAMILIES)) else 1
    parts = text.split(":")
    if len(parts) < width + 2:
        raise UsageError(f"--filter {text!r}: expected FIELD:OP:VALUE, e.g. license:eq:mit or metric:accuracy:gt:0.9")
    field, op, value = ":".join(parts[:width]), parts[width], ":".join(parts[width + 1:])
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    if op in OPERATORS and OPERATORS[op].takes == VALUES and not isinstance(parsed, list):
        parsed = [item for item in value.split(",") if item]
    return {"field": field, "op": op, "value": parsed}


def parse_sort_option(text: str) -> dict:
    field, _, order = text.partition(":")
    return {"field": field} | ({"order": order} if order else {})


@click.command()
@click.argument("text", required=False, default="")
@click.option("--filter", "filters", multiple=True, metavar="FIELD:OP:VALUE", help="Repeatable; e.g. license:eq:mit, parameters:lt:1e8, language:in:en,de.")
@click.option("--sort", metavar="FIELD[:asc|desc]", help="relevance (default), name, created, any number field, metric:<m>, verified:<m>.")
@click.option("--limit", default=20, show_default=True, help="Results per page (1-100).")
@click.option("--offset", default=0, show_default=True, help="Results to skip (pagination).")
@click.option("--descendant-of", metavar="NAME[@VERSION]", help="Only models derived (transitively) from this one.")
@click.option("--ancestor-of", metavar="NAME[@VERSION]", help="Only models this one derives from.")
@click.option("--sibling-of", metavar="NAME[@VERSION]", help="Only models sharing a direct parent with this one.")
@click.option("--relation", type=click.Choice(["finetune", "adapter", "quantized", "merge", "distillation", "conversion"]),
              help="With a lineage option: walk only edges of this relation.")
@click.option("--depth", type=int, help="With a lineage option: at most this many generations (1: direct only).")
@click.option("--count", is_flag=True, help="Mark the query as a count: the output leads with how many models match.")
@click.option("--similar-to", metavar="NAME[@VERSION]", help="Rank models that behave like this one (behaviour signature).")
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest of each model.")
@json_option
def search(text: str, filters: tuple[str, ...], sort: str | None, limit: int, offset: int, descendant_of: str | None,
           ancestor_of: str | None, sibling_of: str | None, relation: str | None, depth: int | None, count: bool, similar_to: str | None,
           all_versions: bool, as_json: bool) -> None:
    """Search the lake by meaning, facets and lineage; ranks with vector, full-text and name signals fused."""
    from engine.search import search as run_search
    from engine.store.database import open_lake

    query: dict = {"text": text, "filters": [parse_filter_option(f) for f in filters], "limit": limit, "offset": offset}
    if sort:
        query["sort"] = parse_sort_option(sort)
    lineage = {key: ref for key, ref in (("descendant_of", descendant_of), ("ancestor_of", ancestor_of), ("sibling_of", sibling_of)) if ref}
    if lineage:
        query["lineage"] = lineage | ({"relation": relation} if relation else {}) | ({"depth": depth} if depth else {})
    if count:
        query["count"] = True
    if similar_to:
        query["similar_to"] = similar_to
    if all_versions:
        query["all_versions"] = True
    lake = open_lake()
    try:
        with lake.transaction() as session:
            page = run_search(session, query).to_dict()
    finally:
        lake.dispose()
    if as_json:
        print_json(page)
        return
    console.print(f"{page['description']} — {page['total']} found", markup=False)
    table = Table("#", "model", "score", "status", "task", "license", "description")
    for rank, row in enumerate(page["results"], start=page["offset"] + 1):
        table.add_row(str(rank), row["ref"], f"{row['score']:.4f}", row["status"] or "", row["task"] or "", row["license"] or "", row["description"])
    console.print(table)


COMMANDS = [search]
