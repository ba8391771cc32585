"""Card commands: init, validate, submit, list, show."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from rich.table import Table

from api.cli._errors import EXIT_FAILED, exits_1_when
from api.cli._output import console, error_console, json_option, print_json
from engine.cards import load_card
from engine.errors import CardInvalid, UsageError
from engine.policy.severity import SEVERITY_NAMES


@click.command()
@json_option
def init(as_json: bool) -> None:
    """Create the lake: start the database (embedded unless DATABASE_URL is set) and apply migrations."""
    from engine.config import load_settings
    from engine.store.database import open_lake

    settings = load_settings()
    open_lake(settings).dispose()
    where = {"database": "DATABASE_URL"} if settings.database_url else {"database": "embedded", "pgdata": str(settings.pgdata)}
    if as_json:
        print_json({"ready": True} | where)
    else:
        console.print(f"lake ready ({'DATABASE_URL' if settings.database_url else f'embedded Postgres in {settings.pgdata}'})", markup=False)


@exits_1_when("a card is invalid")
@click.command()
@click.argument("cards", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@json_option
def validate(cards: tuple[Path, ...], as_json: bool) -> None:
    """Validate model cards against their schema; print every problem."""
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


@exits_1_when("a card is invalid, or with --fail-on a rule at or above it failed or went unverified")
@click.command()
@click.argument("card_paths", metavar="CARD|README.md...", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))  # the loader names what is wrong with each file
@click.option("--weights", type=click.Path(exists=True, path_type=Path), help="Model file or directory (default: each card's artifacts); one CARD only.")
@click.option("--by", default=getpass.getuser, show_default="current user", help="Who submits (recorded; cannot later approve it).")
@click.option("--rerun/--no-rerun", default=True, show_default=True,
              help="Re-run the card's harness-backed claims first (after the scan, on registered data); without reruns they fail "
                   "evaluations.rerun-required.")
@click.option("--fail-on", type=click.Choice(SEVERITY_NAMES),
              help="Exit 1 when the automated review fails a rule at or above this severity, or leaves one unverified.")
@click.option("--allow-unverified", is_flag=True, help="With --fail-on: do not fail on unverified rules (still listed).")
@click.option("--async", "deferred", is_flag=True, help="Store the card now and enqueue facts, digests, behaviour, reruns and lineage as "
              "jobs for `modellake worker` processes; the version shows evidence: pending until they finish.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Progress bars on stderr (cards of a batch, reruns).")
@json_option
def submit(card_paths: tuple[Path, ...], weights: Path | None, by: str, rerun: bool, fail_on: str | None, allow_unverified: bool,
           deferred: bool, progress: bool, as_json: bool) -> None:
    """Validate cards, read facts from their weights, review them against the policies, and store each as a new version.

    Many cards run in one process (one database connection, the embedding model loaded once), each in its own transaction;
    a card that fails does not stop the others. With one CARD, --json prints its object; with several, a list.
    """
    from api.cli._batch import print_outcomes_json, run_batch, worst_exit_code
    from engine.evals.lake_datasets import lake_catalog
    from engine.governance.evidence import gather_evidence
    from engine.governance.submission import submit as submit_card
    from engine.store.database import open_lake

    if weights is not None and len(card_paths) > 1:
        raise UsageError("--weights applies to one CARD; several cards are each read from their own artifacts")
    if deferred and fail_on:
        raise click.UsageError("--fail-on judges the complete review; with --async the evidence is still pending")

    def submit_one(card, known, report) -> tuple[dict, int]:
        if deferred:  # nothing read from the files here: the jobs read them
            evidence = gather_evidence(card, weights, rerun=rerun, defer=True)
        else:
            evidence = gather_evidence(card, weights, rerun=rerun, progress=report, datasets=datasets, submitter=by, known=known)
        result = submit_card(lake, card, evidence, submitted_by=by)
        review = result.review or {}
        violations = at_or_above(review.get("violations", []), fail_on) if fail_on else []
        unchecked = at_or_above(review.get("unverified", []), fail_on) if fail_on and not allow_unverified else []
        return result.to_dict(), EXIT_FAILED if violations or unchecked else 0

    lake = open_lake()
    datasets = None if deferred else lake_catalog(lake)
    try:
        outcomes = run_batch(card_paths, weights, submit_one, read_files=not deferred, verb="submit", progress=progress and (rerun or len(card_paths) > 1),
                             show=lambda outcome: None if as_json or outcome.error else _print_submitted(outcome.result, fail_on))
    finally:
        lake.dispose()
    if as_json:
        print_outcomes_json(outcomes)
    sys.exit(worst_exit_code(outcomes))


def _print_submitted(result: dict, fail_on: str | None) -> None:
    review = result.get("review") or {}
    outcome = "created" if result["created"] else "unchanged (identical content already stored)"
    verdict = f", automated review: {review['verdict']}" if review else ""
    console.print(f"{outcome}: {result['ref']} [{result['status']}]{verdict}", markup=False)
    evidence = result.get("evidence") or {}
    if evidence.get("state") == "pending":
        jobs = ", ".join(f"{name} #{job['id']}" for name, job in evidence["jobs"].items())
        console.print(f"evidence: pending ({jobs}); `modellake worker` runs them, `modellake show {result['ref']}` follows them", markup=False)
    for finding in at_or_above(review.get("violations", []), fail_on or "medium"):
        console.print(f"  {finding['outcome']} [{finding['severity']}] {finding['rule_id']}: {finding['message']}", markup=False)
    for finding in at_or_above(review.get("unverified", []), fail_on or "high"):
        console.print(f"  unverified [{finding['severity']}] {finding['rule_id']}: needs {finding['missing']}", markup=False)


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
