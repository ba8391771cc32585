"""The one mapping from engine errors to CLI messages and exit codes."""
from __future__ import annotations

import sys

import click

from engine.errors import InputInvalid, ModelLakeError

EXIT_OK, EXIT_FAILED, EXIT_TOOL_ERROR = 0, 1, 2


class LakeGroup(click.Group):
    """Runs commands, printing engine errors as `error: ...` on stderr with the documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputInvalid as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            sys.exit(EXIT_FAILED)
        except ModelLakeError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_TOOL_ERROR)
        except OSError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_TOOL_ERROR)
