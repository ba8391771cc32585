"""Severities, lowest first: the one table that ranks them and says how a failed rule of each is reported."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Severity:
    name: str
    rank: int
    failure_outcome: str  # what a failed rule of this severity becomes: advisory rules warn, the rest fail
    meaning: str


SEVERITY_TABLE = (
    Severity("info", 0, "warn", "advice; never blocks"),
    Severity("low", 1, "fail", "a gap worth fixing; blocks only with --fail-on low"),
    Severity("medium", 2, "fail", "changes are requested before approval"),
    Severity("high", 3, "fail", "a false or missing claim that matters; changes are requested"),
    Severity("critical", 4, "fail", "the model must not be used; the review is rejected"),
)
SEVERITIES = {severity.name: severity for severity in SEVERITY_TABLE}
SEVERITY_NAMES = tuple(SEVERITIES)


def rank(name: str) -> int:
    return SEVERITIES[name].rank
