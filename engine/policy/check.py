"""The result of evaluating one condition: an outcome, why, and the values that decided it.

Two outcomes mean "not checked", and only one of them is harmless:
- `not_applicable`: the rule does not concern this card (its selector does not match, or the card makes
  no such claim);
- `unverified`: the rule applies, but the evidence it needs (facts, a rerun, a lineage parent) is
  missing. A gate never approves what it could not check (engine.governance.review's verdict table).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from engine.policy.paths import Path

PASS, FAIL, ERROR = "pass", "fail", "error"
NOT_APPLICABLE, UNVERIFIED = "not_applicable", "unverified"


@dataclass(frozen=True)
class Check:
    """`reason` is a plain sentence about the values; `location` is the absolute path of the value judged
    (the claim), `fact` the absolute path of the evidence it was compared with."""

    outcome: str
    reason: str
    claimed: object = None
    observed: object = None
    tolerance: object = None
    location: Path | None = None
    fact: Path | None = None
    needs: Path | None = None  # unverified: the absolute path of the missing evidence

    def negated(self) -> Check:
        """`not`: pass and fail swap; not_applicable, unverified and error stay. The reason states the values, so it stays true."""
        return replace(self, outcome={PASS: FAIL, FAIL: PASS}.get(self.outcome, self.outcome))


def show(value: object) -> str:
    """A value as it appears in messages: integers with thousands separators, strings quoted."""
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)
