"""The CLI's one exit-code table and the one mapping from engine errors to messages and exit codes."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from engine.errors import InputInvalid, ModelLakeError


@dataclass(frozen=True)
class ExitCode:
    code: int
    name: str
    meaning: str


EXIT_CODES = (
    ExitCode(0, "ok", "the command did what was asked and nothing it checked failed"),
    ExitCode(1, "failed", "validation or policy failure: an invalid card, a rule or claim that failed at the gate, a tampered audit log"),
    ExitCode(2, "error", "usage or tool error: a bad option or reference, an unreadable file, a harness that crashed, no database"),
)
EXIT_OK, EXIT_FAILED, EXIT_TOOL_ERROR = (row.code for row in EXIT_CODES)
TOOL_ERROR_HELP = "usage or tool error"

# error raised by a command -> exit code; the first row that matches wins (InputInvalid is a ModelLakeError)
ERROR_EXITS = ((InputInvalid, EXIT_FAILED), (ModelLakeError, EXIT_TOOL_ERROR), (OSError, EXIT_TOOL_ERROR))


def exit_code_of(error: BaseException) -> int:
    return next(code for kind, code in ERROR_EXITS if isinstance(error, kind))


def error_lines(error: BaseException) -> list[str]:
    """What to print for an error: every located problem of an invalid input, else one `error: ...` line."""
    if isinstance(error, InputInvalid):
        return [str(problem) for problem in error.problems]
    return [f"error: {error}"]


def exits_1_when(why: str):
    """Declare the validation or policy failure a command exits 1 for; without it a command exits only 0 or 2."""

    def declare(command: click.Command) -> click.Command:
        command.failure_exit = why
        return command

    return declare


def command_exit_codes(command: click.Command) -> dict[int, str]:
    """code -> when, for one command (what its --help and docs/cli.md say)."""
    failure = getattr(command, "failure_exit", None)
    return {EXIT_OK: "ok"} | ({EXIT_FAILED: failure} if failure else {}) | {EXIT_TOOL_ERROR: TOOL_ERROR_HELP}


def state_exit_codes(command: click.Command) -> None:
    """End the command's --help with its exit codes (groups: each of their commands)."""
    if isinstance(command, click.Group):
        for child in command.commands.values():
            state_exit_codes(child)
        return
    command.epilog = "Exit codes: " + "; ".join(f"{code} {why}" for code, why in command_exit_codes(command).items()) + "."


class LakeGroup(click.Group):
    """Runs commands, printing engine errors on stderr with the exit code ERROR_EXITS gives them."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ModelLakeError, OSError) as error:
            for line in error_lines(error):
                click.echo(line, err=True)
            sys.exit(exit_code_of(error))
