"""Card commands: init, validate, submit, list, show."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from rich.table import Table

from api.cli._errors import EXIT_FAILED
from api.cli._output import console, error_console, json_option, print_json
from engine.cards import load_card
from engine.errors import CardInvalid
from engine.policy.severity import SEVERITY_NAMES


@click.command()
def init() -> None:
    """Create the lake: start the database (embedded unless DATABASE_URL is set) and apply migrations."""
    from engine.config import load_settings
    from engine.store.database import open_lake

    settings = load_settings()
    lake = open_lake(settings)
    where = settings.database_url and "DATABASE_URL" or f"embedded Postgres in {settings.pgdata}"
    console.print(f"lake ready ({where})")
    lake.dispose()


@click.command()
@click.argument("cards", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@json_option
def validate(cards: tuple[Path, ...], as_json: bool) -> None:
    """Validate model cards against their schema; print every problem. Exit 0 valid, 1 invalid."""
    results = []
    for path in cards:
        try:
            card = load_card(path)
            results.append({"file": str(path), "valid": True, "ref": card.ref, "problems": []})
        except CardInvalid as error:
            results.append({"file": str(path), "valid": False, "ref": None, "problems": [p.to_dict() | {"text": str(p)} for p in error.problems]})
    if as_json:
        print_json(results)
    else:
        for result in results:
            if result["valid"]:
                console.print(f"[green]ok[/] {result['file']} ({result['ref']})")
            for problem in result["problems"]:
                error_console.print(problem["text"], markup=False)
    sys.exit(0 if all(r["valid"] for r in results) else EXIT_FAILED)


@click.command()
@click.argument("card_path", metavar="CARD|README.md", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--weights", type=click.Path(exists=True, path_type=Path), help="Model file or directory (default: the card's artifacts).")
@click.option("--by", default=getpass.getuser, show_default="current user", help="Who submits (recorded; cannot later approve it).")
@click.option("--rerun", is_flag=True, help="Re-run the card's evaluations first; the review checks the claims against them.")
@click.option("--fail-on", type=click.Choice(SEVERITY_NAMES),
              help="Exit 1 when the automated review fails a rule at or above this severity, or leaves one unverified.")
@click.option("--allow-unverified", is_flag=True, help="With --fail-on: do not fail on unverified rules (still listed).")
@click.option("--async", "deferred", is_flag=True, help="Store the card now and enqueue facts, digests, behaviour, reruns and lineage as "
              "jobs for `modellake worker` processes; the version shows evidence: pending until they finish.")
@json_option
def submit(card_path: Path, weights: Path | None, by: str, rerun: bool, fail_on: str | None, allow_unverified: bool, deferred: bool,
           as_json: bool) -> None:
    """Validate a card, read facts from its weights, review it against the policies, and store it as a new version."""
    from api.cli.evals import stderr_progress
    from engine.store.database import open_lake
    from engine.governance.evidence import card_with_facts, gather_evidence
    from engine.governance.submission import submit as submit_card

    if deferred:
        from engine.cards.hf_import import load_card_or_readme

        if fail_on:
            raise click.UsageError("--fail-on judges the complete review; with --async the evidence is still pending")
        card = load_card_or_readme(card_path)  # nothing read from the files here: the jobs read them
        evidence = gather_evidence(card, weights, rerun=rerun, defer=True)
    else:
        card, files, facts = card_with_facts(card_path, weights)
        with stderr_progress(rerun and not as_json) as report:
            evidence = gather_evidence(card, weights, rerun=rerun, progress=report, known=(files, facts))
    lake = open_lake()
    try:
        result = submit_card(lake, card, evidence, submitted_by=by)
    finally:
        lake.dispose()
    review = result.review or {}
    violations = at_or_above(review.get("violations", []), fail_on) if fail_on else []
    unchecked = at_or_above(review.get("unverified", []), fail_on) if fail_on and not allow_unverified else []
    if as_json:
        print_json(result.to_dict())
    else:
        outcome = "created" if result.created else "unchanged (identical content already stored)"
        verdict = f", automated review: {review['verdict']}" if review else ""
        console.print(f"{outcome}: {result.ref} [{result.status}]{verdict}", markup=False)
        if result.pending:
            jobs = ", ".join(f"{name} #{job['id']}" for name, job in result.evidence["jobs"].items())
            console.print(f"evidence: pending ({jobs}); `modellake worker` runs them, `modellake show {result.ref}` follows them", markup=False)
        for finding in at_or_above(review.get("violations", []), fail_on or "medium"):
            console.print(f"  {finding['outcome']} [{finding['severity']}] {finding['rule_id']}: {finding['message']}", markup=False)
        for finding in at_or_above(review.get("unverified", []), fail_on or "high"):
            console.print(f"  unverified [{finding['severity']}] {finding['rule_id']}: needs {finding['missing']}", markup=False)
    sys.exit(EXIT_FAILED if violations or unchecked else 0)


def at_or_above(findings: list[dict], severity: str) -> list[dict]:
    from engine.policy.severity import rank

    return [finding for finding in findings if rank(finding["severity"]) >= rank(severity)]


@click.command(name="list")
@click.option("--status", help="Only models whose latest version has this status.")
@click.option("--task", help="Only this task (pipeline_tag).")
@click.option("--domain", help="Only this domain.")
@click.option("--license", "license_", metavar="LICENSE", help="Only this license.")
@click.option("--owner", help="Only models whose first owner is this.")
@click.option("--name", "name_contains", metavar="TEXT", help="Only names containing TEXT (any case).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 200), help="Models per page.")
@click.option("--after", metavar="CURSOR", help="The page after this one: the `next` cursor a page printed.")
@click.option("--before", metavar="CURSOR", help="The page before this one: the `previous` cursor a page printed.")
@json_option
def list_models(status: str | None, task: str | None, domain: str | None, license_: str | None, owner: str | None, name_contains: str | None,
                limit: int, after: str | None, before: str | None, as_json: bool) -> None:
    """List the models in the lake (latest version of each, by name), one page at a time."""
    from engine.catalog import catalog_page

    filters = {"status": status, "task": task, "domain": domain, "license": license_, "owner": owner}
    page = catalog_page(filters=filters, name_contains=name_contains, after=after, before=before, limit=limit)
    if as_json:
        print_json(page)
        return
    table = Table("name", "latest", "versions", "status", "task", "license", "owner", caption=f"{page['total']} models")
    for row in page["items"]:
        table.add_row(row["name"], row["version"], str(row["versions"]), row["status"], row["task"] or "", row["license"] or "", row["owner"] or "")
    console.print(table)
    for label, option in (("next", "--after"), ("previous", "--before")):
        if page[label]:
            console.print(f"{label} page: modellake list {option} {page[label]}", markup=False)


@click.command()
@click.argument("ref", metavar="NAME[@VERSION]")
@json_option
def show(ref: str, as_json: bool) -> None:
    """Show one version: its card, status, facts and the latest automated review."""
    from engine.catalog import version_detail

    detail = version_detail(ref)
    if as_json:
        print_json(detail)
        return
    console.print(f"[bold]{detail['name']}@{detail['version']}[/]  status: {detail['status']}  versions: {', '.join(detail['versions'])}")
    evidence = detail["evidence"]
    jobs = "".join(f"  {name}: {job['state']}" + (f" ({job['error']})" if job.get("error") else "") for name, job in evidence["jobs"].items())
    console.print(f"evidence: {evidence['state']}{jobs}", markup=False)
    console.print(detail["card_text"], markup=False, highlight=False)
    if detail["facts"]:
        table = Table("fact", "value", "source", title="facts from the weights")
        sources = detail["facts"].get("sources", {})
        for key, value in detail["facts"].items():
            if key not in ("sources", "files", "security", "metadata", "dtype_elements") and value is not None:
                table.add_row(key, str(value), sources.get(key, ""))
        console.print(table)
    review = detail["review"]
    if review:
        console.print(f"automated review: [bold]{review['verdict']}[/] ({review['verdict_reason'] or 'no rule fired'})")
        for finding in review["violations"]:
            console.print(f"  {finding['outcome']} [{finding['severity']}] {finding['rule_id']}: {finding['message']}", markup=False)


COMMANDS = [init, validate, submit, list_models, show]
