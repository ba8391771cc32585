"""The engine's own errors. Transports map them once: to CLI messages/exit codes and to RFC 9457 problems."""
from __future__ import annotations

from dataclasses import dataclass


class ModelLakeError(Exception):
    """Base of every error the engine raises on purpose; `status` is the HTTP status a transport should use."""

    status = 500
    title = "Model Lake error"


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file: `path:line:col where: message`."""

    file: str
    line: int | None
    column: int | None
    where: str
    message: str

    def __str__(self) -> str:
        location = self.file
        if self.line is not None:
            location += f":{self.line}"
            if self.column is not None:
                location += f":{self.column}"
        return f"{location} {self.where}: {self.message}" if self.where else f"{location} {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "where": self.where, "message": self.message}


class InputInvalid(ModelLakeError):
    """An input file (card, policy, front matter) that cannot be accepted; carries every problem found."""

    status = 422
    title = "Invalid input"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CardInvalid(InputInvalid):
    title = "Invalid model card"


class PolicyInvalid(InputInvalid):
    title = "Invalid policy"


class UsageError(ModelLakeError):
    """The caller asked for something malformed (bad reference, unknown field, bad option)."""

    status = 400
    title = "Bad request"


class NotRegularFile(UsageError):
    """A path that names a FIFO, a device, a socket or a directory where a file is read."""


class NotFound(ModelLakeError):
    status = 404
    title = "Not found"


class Conflict(ModelLakeError):
    """The request contradicts what the lake already holds (same name@version, different content)."""

    status = 409
    title = "Conflict"


class UnsupportedFormat(ModelLakeError):
    status = 415
    title = "Unsupported model format"


class CorruptFile(ModelLakeError):
    """A model file whose bytes contradict its own format (truncated, lying header, ...)."""

    status = 422
    title = "Corrupt model file"


class DatabaseUnavailable(ModelLakeError):
    status = 503
    title = "Database unavailable"


class Forbidden(ModelLakeError):
    """The caller may not do this (role, or separation of duties: nobody approves their own model)."""

    status = 403
    title = "Forbidden"
