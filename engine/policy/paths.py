"""References from policy text into the rule context: `card.claims.parameters`, `facts.adapter.base_model`,
`item.approvals.*.type`. Parsed once at load time; never evaluated as code.

A path is dotted names, list indexes (`evaluations.0.value`) and `*` (every element of a list). The first
name is a root of the context (card, facts, evals, lineage, now) or a name bound by a quantifier (item).
Values under EVIDENCE_ROOTS that are absent or null are *unknown*: a rule that needs them is `unverified`,
neither passed nor failed, because nothing was measured; SETTLED_BY says what evidence would settle it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CONTEXT_ROOTS = ("card", "facts", "evals", "lineage", "now", "claimed", "variant")
EVIDENCE_ROOTS = ("facts", "evals", "lineage")
# What would settle a rule left unverified, by the root of the evidence it lacks (shown in every report).
SETTLED_BY = {
    "facts": "facts read from the model's files: list them under `artifacts` (or pass --weights to audit)",
    "evals": "a rerun of the card's evaluations with their harness (audit --rerun, or modellake rerun)",
    "lineage": "the base model in the lake, with weights or a stored sketch to verify the relation against",
}
ITEM = "item"  # the element bound by `all` / `any`

Path = tuple[str | int, ...]
_SEGMENT = re.compile(r"^(\*|\d+|[A-Za-z_][A-Za-z0-9_-]*)$")


class _Missing:
    """The value of a path that does not exist in the context."""

    def __repr__(self) -> str:
        return "<missing>"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()


def parse_path(text: str) -> Path:
    """'card.evaluations.0.value' -> ('card', 'evaluations', 0, 'value'); ValueError says what is wrong."""
    parts = text.split(".")
    if parts[0] not in CONTEXT_ROOTS + (ITEM,):
        raise ValueError(f"path {text!r} must start with one of {', '.join(CONTEXT_ROOTS + (ITEM,))}")
    for part in parts[1:]:
        if not _SEGMENT.match(part):
            raise ValueError(f"path {text!r} has an invalid segment {part!r}")
    return tuple(int(part) if part.isdigit() else part for part in parts)


@dataclass(frozen=True)
class Scope:
    """What a condition sees: the context roots plus the item bound by the enclosing quantifier.

    `origins` maps a bound name to the absolute path it came from, so a finding about `item.dua_id`
    points at `card.training_data.0.dua_id` (and so at a line of the card file).
    """

    values: dict
    origins: dict = field(default_factory=dict)

    def bind(self, name: str, value: object, origin: Path) -> Scope:
        return Scope({**self.values, name: value}, {**self.origins, name: origin})

    def absolute(self, path: Path) -> Path:
        """The path from a context root: item references are replaced by where the item came from."""
        head = path[0]
        return self.origins[head] + path[1:] if head in self.origins else path

    def resolve(self, path: Path) -> object:
        """The value at `path`, MISSING when any step does not exist; `*` collects a flat list."""
        if path[0] not in self.values:
            return MISSING
        return _walk(self.values[path[0]], path[1:])

    def unknown(self, path: Path, value: object) -> bool:
        """True when `value` is absent evidence (facts, evals, lineage) rather than an absent claim."""
        return (value is MISSING or value is None) and self.absolute(path)[0] in EVIDENCE_ROOTS


def _walk(value: object, rest: Path) -> object:
    for index, step in enumerate(rest):
        if step == "*":
            if not isinstance(value, list):
                return MISSING
            collected = []
            for element in value:
                found = _walk(element, rest[index + 1:])
                if found is MISSING:
                    continue
                collected.extend(found if isinstance(found, list) and "*" in rest[index + 1:] else [found])
            return collected
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return MISSING
            value = value[step]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            return MISSING
    return value


def dotted(path: Path) -> str:
    return ".".join(str(part) for part in path)


def card_path(path: Path) -> Path | None:
    """The card-relative JSON path (for Card.locate) of an absolute path under `card`, up to any `*`."""
    if not path or path[0] != "card":
        return None
    inside = path[1:]
    return inside[: inside.index("*")] if "*" in inside else inside
