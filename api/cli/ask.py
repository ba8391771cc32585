"""`modellake ask`: a question in plain English -> a validated search, its results and a short answer."""
from __future__ import annotations

import click

from api.cli._output import console, json_option, print_json


@click.command()
@click.argument("question")
@click.option("--conversation", "conversation_id", metavar="ID", help="Refine the query of this conversation (id printed by a previous ask).")
@click.option("--explain", is_flag=True, help="Also print how each filter was found (table, vocabulary, number, LLM).")
@json_option
def ask(question: str, conversation_id: str | None, explain: bool, as_json: bool) -> None:
    """Ask the lake a question; the local LLM and the lexicon turn it into a validated search."""
    from engine.chat import ask as ask_lake
    from engine.store.database import open_lake

    lake = open_lake()
    try:
        answer = ask_lake(lake, question, conversation_id)
    finally:
        lake.dispose()
    if as_json:
        document = answer.to_dict()
        print_json(document if explain else {k: v for k, v in document.items() if k != "provenance"})
        return
    console.print(answer.answer, markup=False)
    console.print(f"query: {answer.description}", style="dim", markup=False)
    for result in answer.results:
        console.print(f"  {result['ref']}  [{result.get('status')}]", markup=False)
    if explain:
        for found in answer.provenance["found"]:
            console.print(f"  {found['path']:>10}: \"{found['words']}\" -> {found['filter']}", markup=False)
    console.print(f"conversation: {answer.conversation_id}", style="dim", markup=False)


COMMANDS = [ask]
