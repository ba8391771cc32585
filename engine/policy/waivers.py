"""Waivers: an accepted, justified, usually time-boxed exception to one rule for one model.

A waiver file is YAML `waivers: [...]`, validated like a policy. An active waiver turns the matching
failure into `waived` (reported separately); an expired one leaves the failure standing and says so.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.cards.yaml_source import parse_yaml
from engine.errors import InputInvalid, PolicyInvalid, Problem
from engine.policy.validation import located_problems

WAIVER_SCHEMA = {
    "rule_id": {"type": "string", "required": True, "empty": False},
    "target": {"type": "string", "required": True, "empty": False, "regex": r"^[^@\s]+(@[^@\s]+)?$"},
    "reason": {"type": "string", "required": True, "empty": False},
    "approved_by": {"type": "string", "empty": False},
    "ticket": {"type": "string"},
    "expires_at": {"type": "string", "check_with": "date"},
}
WAIVER_FILE_SCHEMA = {"waivers": {"type": "list", "required": True, "schema": {"type": "dict", "schema": WAIVER_SCHEMA}}}


@dataclass(frozen=True)
class Waiver:
    rule_id: str
    target: str  # name (every version) or name@version
    reason: str
    approved_by: str | None = None
    ticket: str | None = None
    expires_at: str | None = None  # ISO date; the waiver holds through that day
    source: str = ""

    def covers(self, rule_id: str, name: str, version: str) -> bool:
        return self.rule_id == rule_id and self.target in (name, f"{name}@{version}")

    def expired(self, today: dt.date) -> bool:
        return self.expires_at is not None and dt.date.fromisoformat(self.expires_at[:10]) < today

    def to_dict(self) -> dict:
        return asdict(self)


def parse_waivers(raw: bytes, source: str) -> list[Waiver]:
    """Bytes of a waiver file -> waivers, or PolicyInvalid with every problem at file:line."""
    try:
        document = parse_yaml(raw.decode("utf-8"), source)
    except UnicodeDecodeError:
        raise PolicyInvalid([Problem(source, None, None, "", "not valid UTF-8")]) from None
    except InputInvalid as error:
        raise PolicyInvalid(error.problems) from None
    problems = located_problems(WAIVER_FILE_SCHEMA, document.data, document, source)
    if problems:
        raise PolicyInvalid(problems)
    return [Waiver(**entry, source=f"{source}:{document.locate(('waivers', index))[0]}") for index, entry in enumerate(document.data["waivers"])]


def load_waivers(path: str | Path) -> list[Waiver]:
    return parse_waivers(Path(path).read_bytes(), str(path))


def waivers_digest(waivers: list[Waiver]) -> str:
    """sha256 of the waivers' content (not their file positions)."""
    content = [{k: v for k, v in waiver.to_dict().items() if k != "source"} for waiver in waivers]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
