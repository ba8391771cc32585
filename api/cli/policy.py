"""Policy commands: `audit` (the CI gate: no server, no database), `policies` (list the rules), `export-bom`."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from rich.table import Table

from api.cli._errors import EXIT_TOOL_ERROR, exits_1_when
from api.cli._output import console, error_console, json_option, print_json
from engine.errors import PolicyInvalid, UsageError
from engine.paths import POLICIES_DIR
from engine.policy.severity import SEVERITY_NAMES

_SEVERITY = click.Choice(SEVERITY_NAMES)


def _load_rules(policies: Path, waivers: Path | None):
    """Packs and waivers; a malformed one is the gate's own configuration error (exit 2), not a violation."""
    from engine.policy.packs import load_policies
    from engine.policy.waivers import load_waivers

    try:
        return load_policies(policies), load_waivers(waivers) if waivers else []
    except PolicyInvalid as error:
        for problem in error.problems:
            error_console.print(str(problem), markup=False)
        sys.exit(EXIT_TOOL_ERROR)


@exits_1_when("a rule at or above --fail-on failed, or applies but went unchecked, or a card is invalid")
@click.command()
@click.argument("card_paths", metavar="CARD|README.md...", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))  # the loader names what is wrong with each file
@click.option("--weights", type=click.Path(exists=True, path_type=Path),
              help="Model file or directory to read facts from (default: each card's own artifacts, relative to the card; a README names none); one CARD only.")
@click.option("--rerun", is_flag=True, help="Re-run the card's evaluations (harnesses) and check the claims against them.")
@click.option("--policies", "policies_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=POLICIES_DIR,
              show_default="policies/", help="Directory of policy packs (*.yaml).")
@click.option("--waivers", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML file of waivers.")
@click.option("--format", "formats", default="", metavar="LIST", help="Reports to write: json,sarif,junit,md,html,pdf.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the reports (default: stdout, one text format, one card): modellake-audit.EXT for one card, NAME@VERSION.EXT for each of several.")
@click.option("--combined", is_flag=True, help="With several cards: one SARIF file (modellake-audit.sarif, one run) for them all.")
@click.option("--fail-on", default="high", show_default=True, type=_SEVERITY,
              help="Exit 1 when a rule at or above this severity fails, or applies but could not be checked (unverified).")
@click.option("--allow-unverified", is_flag=True,
              help="Do not fail on unverified rules (their evidence is missing); the reports still list each one and what would settle it.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Review date (default today): makes audits reproducible.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Progress bars on stderr (cards of a batch, reruns).")
@json_option
def audit(card_paths: tuple[Path, ...], weights: Path | None, rerun: bool, policies_dir: Path, waivers: Path | None, formats: str,
          out: Path | None, combined: bool, fail_on: str, allow_unverified: bool, as_of: dt.datetime | None, progress: bool, as_json: bool) -> None:
    """Review cards (or READMEs) against the policies (the CI gate: no server, no database) and write their reports.

    Facts come from --weights, else from the files each card lists under `artifacts` (as `submit` reads them). Many cards
    run in one process and share the policy packs; --json prints each card's verdict, counts and reports (one card: an object).
    """
    from api.cli._batch import print_outcomes_json, run_batch, worst_exit_code
    from engine.governance.review import review_card
    from engine.reports import parse_formats, render_report

    chosen = parse_formats(formats)
    several = len(card_paths) > 1
    if out is None and (several and chosen or len(chosen) > 1 or any(fmt.name == "pdf" for fmt in chosen)):
        raise UsageError("several cards need --out DIR for their reports" if several else "several formats or pdf need --out DIR")
    if as_json and chosen and out is None:
        raise UsageError("--json prints the summary on stdout; write the reports with --out DIR")
    if weights is not None and several:
        raise UsageError("--weights applies to one CARD; several cards are each read from their own artifacts")
    if combined and not (several and any(fmt.name == "sarif" for fmt in chosen) and out is not None):
        raise UsageError("--combined writes one SARIF file for several cards: give several CARDs, --format sarif and --out DIR")
    packs, waiver_list = _load_rules(policies_dir, waivers)
    reviews = []
    to_stderr = out is None and bool(chosen)

    def audit_one(card, known, report) -> tuple[dict, int]:
        files, facts = known
        evals = None
        if rerun:
            from engine.governance.evidence import rerun_claims

            evals = rerun_claims(card, files.root, facts, progress=report)  # after the scan: a hostile file is never loaded
        review = review_card(card, facts, evals, packs=packs, waivers=waiver_list, now=as_of.date() if as_of else None, fail_on=fail_on)
        reviews.append(review)
        if out is None and chosen:
            sys.stdout.write(render_report(review, chosen[0]))
        stem = review.target.replace("/", "__") if several else "modellake-audit"
        written = [_write_report(render_report(review, fmt), out / f"{stem}.{fmt.extension}")
                   for fmt in chosen if out is not None and not (combined and fmt.name == "sarif")]
        code = review.exit_code(fail_on, allow_unverified=allow_unverified)
        return {"target": review.target, "verdict": review.verdict, "counts": review.counts(), "reports": written}, code

    outcomes = run_batch(card_paths, weights, audit_one, verb="audit", progress=progress and (rerun or several),
                         show=lambda outcome: None if as_json or outcome.error else _print_summary(reviews[-1], fail_on, allow_unverified, to_stderr))
    if combined:
        from engine.reports.sarif import render_combined_sarif

        _write_report(render_combined_sarif(reviews), out / "modellake-audit.sarif")
    if as_json:
        print_outcomes_json(outcomes)
    sys.exit(worst_exit_code(outcomes))


def _write_report(report: str | bytes, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(report) if isinstance(report, bytes) else target.write_text(report, encoding="utf-8")
    error_console.print(f"wrote {target}", markup=False)
    return str(target)


def _print_summary(review, fail_on: str, allow_unverified: bool, to_stderr: bool) -> None:
    target = error_console if to_stderr else console
    counts = ", ".join(f"{count} {outcome}" for outcome, count in review.counts().items() if count)
    target.print(f"{review.target}: {review.verdict} ({counts})", markup=False)
    for finding in review.violations(fail_on):
        source = finding.evidence.get("source") or {}
        where = f"{source['file']}:{source['line']}: " if source.get("line") else ""
        target.print(f"  {where}{finding.outcome} [{finding.severity}] {finding.rule_id}: {finding.message}", markup=False)
    unchecked = review.unverified(fail_on)
    if unchecked:
        allowed = " (allowed by --allow-unverified)" if allow_unverified else ""
        target.print(f"  not checked{allowed}: {len(unchecked)} rule(s) at or above {fail_on} apply but their evidence is missing", markup=False)
        for finding in unchecked:
            target.print(f"  unverified [{finding.severity}] {finding.rule_id}: needs {finding.evidence.get('missing')}; "
                         f"would be settled by {finding.evidence.get('settled_by')}", markup=False)


@click.command(name="policies")
@click.option("--policies", "policies_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=POLICIES_DIR,
              show_default="policies/", help="Directory of policy packs (*.yaml).")
@json_option
def list_policies(policies_dir: Path, as_json: bool) -> None:
    """List the policy packs and their rules (validating them: a malformed pack is reported at file:line)."""
    packs, _ = _load_rules(policies_dir, None)
    if as_json:
        print_json([pack.listing()
                    for pack in packs])
        return
    table = Table("rule", "severity", "applies to", "title")
    for pack in packs:
        for rule in pack.rules:
            applies = "; ".join(f"{key}: {', '.join(values)}" for key, values in rule.select.items()) or "all"
            table.add_row(rule.id, rule.severity, applies, rule.title)
    console.print(table)


@exits_1_when("the card file is invalid")
@click.command(name="export-bom")
@click.argument("target", metavar="CARD|NAME[@VERSION]")
@click.option("--weights", type=click.Path(exists=True, path_type=Path), help="For a card file: facts and digests are read from these files.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default stdout).")
def export_bom(target: str, weights: Path | None, out: Path | None) -> None:
    """Write a CycloneDX 1.6 ML-BOM (machine-learning-model component, model card, pedigree) for a card file or a stored version.

    A stored version brings its stored facts and its lineage parents (relation, status, verification) as pedigree.
    """
    from engine.reports.cyclonedx import render_bom

    if Path(target).is_file():
        from engine.cards import load_card

        facts = None
        if weights is not None:
            from engine.facts import extract_facts

            facts = extract_facts(weights).to_dict()
        document = render_bom(load_card(target), facts)
    else:
        if weights is not None:
            raise UsageError("--weights applies to a card file; a stored version uses the facts stored with it")
        from engine.governance.stored import stored_evidence
        from engine.store.database import open_lake
        from engine.store.versions import get_version

        lake = open_lake()
        try:
            with lake.transaction() as session:
                known = stored_evidence(session, get_version(session, target))
                document = render_bom(known.card, known.facts, known.lineage)
        finally:
            lake.dispose()
    if out is None:
        sys.stdout.write(document)
    else:
        out.write_text(document, encoding="utf-8")
        error_console.print(f"wrote {out}", markup=False)


COMMANDS = [audit, list_policies, export_bom]
