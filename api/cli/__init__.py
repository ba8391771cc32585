"""`modellake` command line: thin commands that call the engine; errors mapped once to messages and exit codes.

Exit codes (api/cli/_errors.py EXIT_CODES): 0 ok; 1 validation or policy failure; 2 usage or tool error.
"""
from __future__ import annotations

import importlib

import click

from api.cli._errors import LakeGroup, state_exit_codes

# Each module exposes COMMANDS, a list of click commands; adding a command group is one line here.
COMMAND_MODULES = [
    "api.cli.cards",
    "api.cli.imports",
    "api.cli.evals",
    "api.cli.datasets",
    "api.cli.review",
    "api.cli.policy",
    "api.cli.lineage",
    "api.cli.search",
    "api.cli.ask",
    "api.cli.inspect",
    "api.cli.server",
    "api.cli.jobs",
    "api.cli.demo",
]


@click.group(cls=LakeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="modellake", prog_name="modellake")
def main() -> None:
    """Model Lake: govern ML models with model cards, facts from the weights, policies and search."""


for _module in COMMAND_MODULES:
    for _command in importlib.import_module(_module).COMMANDS:
        state_exit_codes(_command)
        main.add_command(_command)
