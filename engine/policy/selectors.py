"""Which models a rule applies to: selector keys, each naming a place in the card, matched with globs.

`select: {risk_tier: [high], task: ["text-*"]}` applies the rule to high-risk text models. Every key must
match (and); within a key any value may (or); a list-valued field matches when any of its elements does.
`has: [base_model]` requires those card paths to be present.
"""
from __future__ import annotations

from fnmatch import fnmatchcase

from engine.policy.paths import MISSING, Scope, parse_path

SELECTORS = {
    "name": ("card.name", "model name, e.g. `acme/*`"),
    "risk_tier": ("card.governance.risk_tier", "EU-AI-Act-style risk tier"),
    "task": ("card.pipeline_tag", "task (Hugging Face pipeline tag)"),
    "domain": ("card.domain", "business domain"),
    "tags": ("card.tags", "any of the card's tags"),
    "license": ("card.license", "license id"),
    "relation": ("card.base_model_relation", "relation to the base model (finetune, adapter, quantized, ...)"),
    "format": ("card.artifacts.*.format", "any artifact's format"),
    "regulations": ("card.governance.regulations", "declared regulations (gdpr, hipaa, eu-ai-act)"),
    "has": (None, "card paths that must be present, e.g. `base_model`"),
}
SELECTOR_SCHEMA = {key: {"type": "list", "minlength": 1, "schema": {"type": "string"}} for key in SELECTORS}
FIELD_SELECTORS = [key for key, (path, _) in SELECTORS.items() if path]  # the ones naming a card field (not `has`)


def _values(key: str, scope: Scope) -> list:
    found = scope.resolve(parse_path(SELECTORS[key][0]))
    return found if isinstance(found, list) else [] if found in (MISSING, None) else [found]


def _matches(values: list, pattern: str) -> bool:
    return any(fnmatchcase(str(value).casefold(), pattern.casefold()) for value in values)


def severity_by(table: dict[str, dict[str, str]], scope: Scope) -> str | None:
    """`severity_by: {risk_tier: {high: critical, ...}}`: the severity of the first row the card's field matches, else None."""
    for key, rows in table.items():
        values = _values(key, scope)
        for pattern, severity in rows.items():
            if _matches(values, pattern):
                return severity
    return None


def applies(select: dict, scope: Scope) -> tuple[bool, str]:
    """Whether the rule applies to the card in `scope`, and if not, the first selector that excluded it."""
    for key, patterns in select.items():
        if key == "has":
            missing = [path for path in patterns if scope.resolve(parse_path(f"card.{path}")) in (MISSING, None)]
            if missing:
                return False, f"the card has no {', '.join(missing)}"
            continue
        values = _values(key, scope)
        if not any(_matches(values, pattern) for pattern in patterns):
            shown = ", ".join(map(str, values)) or "not set"
            return False, f"{key} is {shown}; the rule applies to {', '.join(patterns)}"
    return True, ""
