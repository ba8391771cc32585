"""Policy packs: YAML files of rules, validated with cerberus before anything runs.

A malformed pack is refused as a whole with every problem at file:line:col (PolicyInvalid); policy text
is data, never code.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from engine.cards.yaml_source import parse_yaml
from engine.errors import InputInvalid, PolicyInvalid, Problem
from engine.paths import POLICIES_DIR, PROJECT_ROOT
from engine.policy.operators import condition_problems
from engine.policy.selectors import FIELD_SELECTORS, SELECTOR_SCHEMA, severity_by
from engine.policy.severity import SEVERITY_NAMES
from engine.policy.validation import located_problems, problem_at

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
RULE_SCHEMA = {
    "id": {"type": "string", "required": True, "regex": ID_PATTERN},
    "title": {"type": "string", "required": True, "empty": False},
    "description": {"type": "string", "required": True, "empty": False},
    "severity": {"type": "string", "required": True, "allowed": list(SEVERITY_NAMES)},
    "severity_by": {"type": "dict", "minlength": 1, "maxlength": 1, "keysrules": {"type": "string", "allowed": FIELD_SELECTORS},
                    "valuesrules": {"type": "dict", "minlength": 1, "keysrules": {"type": "string"},
                                    "valuesrules": {"type": "string", "allowed": list(SEVERITY_NAMES)}}},
    "select": {"type": "dict", "schema": SELECTOR_SCHEMA},
    "condition": {"type": "dict", "required": True},
    "message": {"type": "string", "required": True, "empty": False, "check_with": "template"},
    "remediation": {"type": "string", "required": True, "empty": False},
}
PACK_SCHEMA = {
    "pack": {"type": "string", "required": True, "regex": ID_PATTERN},
    "version": {"type": "string", "required": True, "empty": False},
    "title": {"type": "string", "required": True, "empty": False},
    "description": {"type": "string"},
    "rules": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "dict", "schema": RULE_SCHEMA}},
}


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    severity: str  # the default; `severity_by` may set another per card
    severity_by: dict  # {selector field: {pattern: severity}}, e.g. {risk_tier: {high: critical}}
    select: dict
    condition: dict
    message: str
    remediation: str
    pack: str
    source: str  # file:line of the rule, for people reading a finding

    def severity_for(self, scope) -> str:
        """The severity for the card in `scope`: the matching row of `severity_by`, else `severity`."""
        return (severity_by(self.severity_by, scope) if self.severity_by else None) or self.severity


@dataclass(frozen=True)
class PolicyPack:
    name: str
    version: str
    title: str
    description: str
    rules: tuple[Rule, ...]
    source: str
    digest: str  # sha256 of the file's bytes: which policy text decided

    def to_dict(self) -> dict:
        return {"pack": self.name, "version": self.version, "title": self.title, "source": self.source, "digest": self.digest,
                "rules": len(self.rules)}

    def listing(self) -> dict:
        """to_dict with each rule's id, title, severity and selector instead of the rule count (policy listings)."""
        return self.to_dict() | {"rules": [{"id": r.id, "title": r.title, "severity": r.severity, "severity_by": r.severity_by, "select": r.select}
                                           for r in self.rules]}


def parse_pack(raw: bytes, source: str) -> PolicyPack:
    """Bytes of a policy file -> PolicyPack, or PolicyInvalid with every problem found."""
    try:
        document = parse_yaml(raw.decode("utf-8"), source)
    except UnicodeDecodeError:
        raise PolicyInvalid([Problem(source, None, None, "", "not valid UTF-8")]) from None
    except InputInvalid as error:
        raise PolicyInvalid(error.problems) from None
    problems = located_problems(PACK_SCHEMA, document.data, document, source)
    if problems:
        raise PolicyInvalid(problems)
    data = document.data
    seen: dict[str, int] = {}
    for index, rule in enumerate(data["rules"]):
        problems += condition_problems(rule["condition"], document, source, ("rules", index, "condition"))
        if rule["id"] in seen:
            problems.append(problem_at(document, source, ("rules", index, "id"), f"duplicate rule id {rule['id']!r} (also rules[{seen[rule['id']]}])"))
        seen.setdefault(rule["id"], index)
    if problems:
        raise PolicyInvalid(problems)
    rules = tuple(Rule(**{key: rule.get(key, {}) for key in RULE_SCHEMA}, pack=data["pack"],
                       source=f"{source}:{document.locate(('rules', index))[0]}") for index, rule in enumerate(data["rules"]))
    return PolicyPack(data["pack"], data["version"], data["title"], data.get("description", ""), rules, source, hashlib.sha256(raw).hexdigest())


def load_pack(path: str | Path) -> PolicyPack:
    """One pack file; packs shipped in the checkout are named relative to it, so reports do not depend on where it lives.

    Parsed packs are remembered by their exact bytes: every review loads the packs, and an edited file is new bytes.
    """
    path = Path(path)
    shown = path.resolve().relative_to(PROJECT_ROOT) if path.resolve().is_relative_to(PROJECT_ROOT) else path
    return _parse_pack_cached(path.read_bytes(), str(shown))


_parse_pack_cached = functools.lru_cache(maxsize=64)(parse_pack)


def load_policies(directory: str | Path = POLICIES_DIR) -> list[PolicyPack]:
    """Every *.yaml pack in `directory`, by file name; all problems of all files in one PolicyInvalid.

    Rule ids must be unique across the packs, since waivers and reports name rules by id.
    """
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise PolicyInvalid([Problem(str(directory), None, None, "", "no policy packs (*.yaml) found")])
    packs, problems = [], []
    for path in paths:
        try:
            packs.append(load_pack(path))
        except PolicyInvalid as error:
            problems += error.problems
    owners: dict[str, Rule] = {}
    for rule in (rule for pack in packs for rule in pack.rules):
        if rule.id in owners:
            file, _, line = rule.source.rpartition(":")
            problems.append(Problem(file, int(line), None, "id", f"rule id {rule.id!r} is already defined at {owners[rule.id].source}"))
        owners.setdefault(rule.id, rule)
    if problems:
        raise PolicyInvalid(problems)
    return packs
