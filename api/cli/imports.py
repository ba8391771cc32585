"""`modellake import-hf`: Hugging Face READMEs -> lake cards; a batch imports every card it can."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml

from api.cli._errors import EXIT_FAILED, exits_1_when
from api.cli._output import console, error_console, json_option, print_json
from engine.cards.hf_import import import_hf_readme
from engine.errors import CardInvalid


@exits_1_when("a README's front matter is malformed or does not make a valid card")
@click.command(name="import-hf")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("model_cards"), show_default=True, help="Where to write the cards.")
@click.option("--name", help="Model id (default: model-index name, the README's title, or the folder name). Only with one PATH.")
@click.option("--version", "version", default="1.0", show_default=True, help="Version label for the imported card.")
@click.option("--owner", help="Accountable owner (default: 'unassigned', which the completeness policy flags).")
@json_option
def import_hf(paths: tuple[Path, ...], out_dir: Path, name: str | None, version: str, owner: str | None, as_json: bool) -> None:
    """Import Hugging Face READMEs (or folders holding one); a batch imports every card it can, each failure reported at file:line."""
    if name and len(paths) > 1:
        raise click.UsageError("--name applies to a single PATH")
    out_dir.mkdir(parents=True, exist_ok=True)
    written, failed = [], []
    for path in paths:
        readme = path / "README.md" if path.is_dir() else path
        try:
            imported = import_hf_readme(readme, name=name, version=version, owner=owner)
        except CardInvalid as error:
            failed.append({"source": str(readme), "problems": [str(problem) for problem in error.problems]})
            continue
        target = out_dir / (imported.card.name.replace("/", "__") + ".yaml")
        target.write_text(yaml.safe_dump(imported.card.data, sort_keys=False, allow_unicode=True, width=100))
        written.append({"source": str(readme), "card": str(target), "ref": imported.card.ref, "kept_under_hf_metadata": imported.kept_unknown,
                        "claims": len(imported.card.data["readme"]["claims"])})
    if as_json:
        print_json({"written": written, "failed": failed} if failed else written)
    else:
        for row in written:
            kept = f" (kept under hf_metadata: {', '.join(row['kept_under_hf_metadata'])})" if row["kept_under_hf_metadata"] else ""
            console.print(f"{row['source']} -> {row['card']} ({row['ref']}, {row['claims']} claims){kept}", markup=False)
    for row in failed:
        for problem in row["problems"]:
            error_console.print(problem, markup=False)
    sys.exit(EXIT_FAILED if failed else 0)


COMMANDS = [import_hf]
