"""Lineage commands: lineage (graph, suggestions, accept) and diff."""
from __future__ import annotations

import getpass
import sys

import click

from api.cli._output import console, json_option, print_json
from engine.lineage.render import FORMATS


# --json is the CLI's one JSON switch; --format picks among the drawings
DRAWINGS = [name for name in FORMATS if name != "json"]


@click.command()
@click.argument("ref", metavar="NAME[@VERSION]")
@click.option("--up", "direction", flag_value="up", help="Ancestors only.")
@click.option("--down", "direction", flag_value="down", help="Descendants only.")
@click.option("--format", "output_format", type=click.Choice(DRAWINGS), default="text", show_default=True, help="How to draw the graph.")
@click.option("--suggest", is_flag=True, help="Propose likely parents recovered from the weights (nothing is written).")
@click.option("--accept", metavar="PARENT[@VERSION]", help="Accept a suggested parent: stores an undeclared edge with its evidence.")
@click.option("--by", default=getpass.getuser, show_default="current user", help="Who accepts (recorded in the evidence).")
@json_option
def lineage(ref: str, direction: str | None, output_format: str, suggest: bool, accept: str | None, by: str, as_json: bool) -> None:
    """Show a model's lineage: declared parents, versions, children, path to root, siblings, verification."""
    from engine.store.database import open_lake

    lake = open_lake()
    try:
        with lake.transaction() as session:
            if accept:
                from engine.lineage.suggestions import accept_suggestion

                _print(accept_suggestion(session, ref, accept, by), as_json, _accepted_text)
            elif suggest:
                from engine.lineage.suggestions import suggest_parents

                _print(suggest_parents(session, ref), as_json, _suggestions_text)
            else:
                from engine.lineage.graph import lineage_graph

                sys.stdout.write(FORMATS["json" if as_json else output_format](lineage_graph(session, ref, direction or "both")))
    finally:
        lake.dispose()


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@json_option
@click.option("--top", default=10, show_default=True, help="Changed tensors and layers to list.")
def diff(a: str, b: str, as_json: bool, top: int) -> None:
    """Diff two models, A -> B (NAME[@VERSION] in the lake, or paths): architecture, weights, data, performance, card."""
    from pathlib import Path

    from engine.lineage.diff import diff_models, resolve_side

    lake = None
    if not (Path(a).exists() and Path(b).exists()):
        from engine.store.database import open_lake

        lake = open_lake()
    try:
        result = diff_models(resolve_side(a, lake), resolve_side(b, lake))
    finally:
        if lake is not None:
            lake.dispose()
    if as_json:
        print_json(result)
    else:
        console.print(_diff_text(result, top), markup=False, highlight=False)


def _print(result: dict, as_json: bool, as_text) -> None:
    if as_json:
        print_json(result)
    else:
        console.print(as_text(result), markup=False, highlight=False)


def _suggestions_text(result: dict) -> str:
    lines = [f"{result['model']}: {len(result['suggestions'])} suggested parent(s) among {result['candidates']} candidates"
             + (f" (declared: {', '.join(result['declared_parents'])})" if result["declared_parents"] else "")]
    for s in result["suggestions"]:
        lines.append(f"  {s['parent']}  {s['relation']}  confidence {s['confidence']:.2f}  distance {s['distance']:.4g}  direction {s['direction']:.2f}")
    if result["note"]:
        lines.append(f"  {result['note']}")
    if result["suggestions"]:
        lines.append(f"  accept with: modellake lineage {result['model']} --accept {result['suggestions'][0]['parent']}")
    return "\n".join(lines)


def _accepted_text(result: dict) -> str:
    evidence = result["evidence"]
    verdict = {True: "verified", False: "NOT verified", None: "unverified"}[evidence["verified"]]
    return f"accepted {', '.join(result['accepted'])} as {result['relation']} parent of {result['model']} ({verdict}: {evidence['reason']})"


def _diff_text(result: dict, top: int) -> str:
    lines = [f"{result['a']} -> {result['b']}"]
    arch, weights = result["architecture"], result["weights"]
    if "unavailable" in arch:
        lines.append(f"weights: {arch['unavailable']}")
    else:
        lines.append(f"architecture: parameters {arch['parameters'][0]:,} -> {arch['parameters'][1]:,}, float bits {arch['float_bits'][0]} -> {arch['float_bits'][1]}")
        for key in ("tensors_added", "tensors_removed", "layers_added", "layers_removed"):
            if arch[key]:
                lines.append(f"  {key.replace('_', ' ')} ({len(arch[key])}): {', '.join(arch[key][:top])}")
        lines += [f"  reshaped {r['name']}: {r['a']} -> {r['b']}" for r in arch["tensors_reshaped"][:top]]
        lines += [f"  config {key}: {old} -> {new}" for key, (old, new) in arch["config_changed"].items()]
        summary = weights["summary"]
        lines.append(f"weights ({weights['basis']}): {summary['tensors_changed']} of {summary['tensors_compared']} shared tensors changed, "
                     f"{summary['tensors_frozen']} frozen, mean relative change {summary['mean_relative_l2']}")
        for delta in weights["changed"][:top]:
            rank = f"  delta rank {delta['rank']}" if delta["rank"] is not None else ""
            lines.append(f"  {delta['name']}  relative {delta['relative_l2']:.4g}  centred cosine {delta['centred_cosine']}{rank}")
        if weights["top_changed_layers"]:
            lines.append("  top changed layers: " + ", ".join(f"{t['layer']} ({t['max_relative_l2']:.3g})" for t in weights["top_changed_layers"]))
    if "data" in result:
        data = result["data"]
        lines.append(f"data: added {', '.join(data['added']) or '-'}; removed {', '.join(data['removed']) or '-'}")
        for row in result["performance"]:
            lines.append(f"  {row['metric']} ({row['dataset'] or '-'}/{row['split'] or '-'}): claimed {row['claimed'][0]} -> {row['claimed'][1]}, "
                         f"rerun {row['rerun'][0]} -> {row['rerun'][1]}")
        card = result["card"]
        lines.append(f"card: changed {', '.join(card['changed']) or '-'}; added {', '.join(card['added']) or '-'}; removed {', '.join(card['removed']) or '-'}")
    return "\n".join(lines)


COMMANDS = [lineage, diff]
