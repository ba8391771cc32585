"""Failure messages: `{name}` placeholders filled from a fixed set of fields. Nothing else is interpreted;
in particular no attribute access or format specs, so policy text cannot reach into Python objects."""
from __future__ import annotations

import re

from engine.policy.check import show

TEMPLATE_FIELDS = {
    "claimed": "the value the card states (or the value judged)",
    "observed": "the value measured from the weights, a rerun or the lineage",
    "tolerance": "the accepted distance between them",
    "reason": "the condition's own sentence about the values",
    "target": "the model, name@version",
    "rule": "the rule id",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def template_problem(template: str) -> str | None:
    """Why a message template is unusable, or None."""
    unknown = [name for name in _PLACEHOLDER.findall(template) if name not in TEMPLATE_FIELDS]
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}}; use one of {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}"
    return None


def render_message(template: str, fields: dict) -> str:
    """Fill the placeholders; values are shown as in reasons (numbers with separators, text quoted)."""
    def fill(match: re.Match) -> str:
        value = fields.get(match.group(1))
        return value if isinstance(value, str) and match.group(1) in ("reason", "target", "rule", "tolerance") else show(value)

    return _PLACEHOLDER.sub(fill, template)
