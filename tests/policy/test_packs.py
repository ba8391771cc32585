"""Malformed policy and waiver files are refused with file:line:col and the reason."""
from __future__ import annotations

import pytest

from engine.errors import PolicyInvalid
from engine.policy.packs import load_policies, parse_pack
from engine.policy.waivers import parse_waivers

HEADER = 'pack: test\nversion: "1"\ntitle: Test\nrules:\n'
RULE = ("  - id: t.rule\n    title: T\n    description: D\n    severity: {severity}\n    condition: {condition}\n"
        "    message: \"{message}\"\n    remediation: R\n")


def _pack(severity="high", condition="{exists: card.license}", message="m {claimed}") -> bytes:
    return (HEADER + RULE.format(severity=severity, condition=condition, message=message)).encode()


def _problems(raw: bytes, parse=parse_pack) -> list[str]:
    with pytest.raises(PolicyInvalid) as caught:
        parse(raw, "p.yaml")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("raw, expected", [
    (_pack(severity="urgent"), "p.yaml:8:15 rules[0].severity: unallowed value urgent"),
    (_pack(condition="{exist: card.license}"), "p.yaml:9:24 rules[0].condition.exist: unknown operator 'exist'; known: exists, required,"),
    (_pack(condition="{exists: cards.license}"), "p.yaml:9:25 rules[0].condition.exists: path 'cards.license' must start with one of card, facts,"),
    (_pack(condition="{matches: {path: card.name, pattern: '(['}}"), "p.yaml:9:53 rules[0].condition.matches.pattern: invalid regular expression"),
    (_pack(condition="{within: {path: card.claims.parameters, ref: facts.parameters, relative: 0.1, absolute: 2}}"),
     "p.yaml:9:104 rules[0].condition.within.absolute: 'relative' must not be present with 'absolute'"),
    (_pack(condition="{all: {over: card.owners, check: {equal: {path: item.role, value: owner}}}}"),
     "p.yaml:9:57 rules[0].condition.all.check.equal: unknown operator 'equal'"),
    (_pack(condition="{exists: card.license, required: [card.name]}"), "p.yaml:9:16 rules[0].condition: a condition is a mapping with exactly one operator"),
    (_pack(message="m {__class__}"), "p.yaml:10:14 rules[0].message: unknown placeholder {__class__}"),
    (HEADER.encode() + b"  - id: t.rule\n    title: T\n", "p.yaml:5:5 rules[0].condition: required field"),
    (b"pack: test\nversion: 1\ntitle: T\nrules: []\n", "p.yaml:2:10 version: must be of string type"),
    (b"pack: test\n  bad: [\n", "p.yaml:2:6 YAML syntax error"),
])
def test_malformed_pack_is_located(raw, expected):
    assert any(problem.startswith(expected) for problem in _problems(raw)), _problems(raw)


def test_every_problem_is_reported_at_once():
    raw = _pack(severity="urgent") + RULE.format(severity="low", condition="{nope: 1}", message="m").encode()
    problems = _problems(raw)
    assert [p.split(" ")[0] for p in problems] == ["p.yaml:8:15"]  # cerberus stops the pack at shape errors
    problems = _problems(_pack() + RULE.format(severity="low", condition="{nope: 1}", message="m").encode())
    assert [p.split(" ", 1)[0] for p in problems] == ["p.yaml:16:23", "p.yaml:12:9"]
    assert "duplicate rule id 't.rule'" in problems[1]


def test_duplicate_rule_ids_across_packs(tmp_path):
    (tmp_path / "a.yaml").write_bytes(_pack())
    (tmp_path / "b.yaml").write_bytes(_pack().replace(b"pack: test", b"pack: other"))
    with pytest.raises(PolicyInvalid) as caught:
        load_policies(tmp_path)
    assert str(caught.value.problems[0]).endswith(f"rule id 't.rule' is already defined at {tmp_path / 'a.yaml'}:5")


def test_default_packs_load():
    packs = load_policies()
    assert [p.name for p in packs] == ["claims", "completeness", "data", "evaluations", "facts", "license", "lineage", "risk", "security"]
    assert all(len(p.digest) == 64 for p in packs)


@pytest.mark.parametrize("raw, expected", [
    (b"waivers:\n  - rule_id: license.allowed\n    target: acme/x\n", "p.yaml:2:5 waivers[0].reason: required field"),
    (b"waivers:\n  - rule_id: a\n    target: acme/x\n    reason: r\n    expires_at: soon\n", "p.yaml:5:17 waivers[0].expires_at: 'soon' is not an ISO date"),
    (b"waivers:\n  - rule_id: a\n    target: a b\n    reason: r\n", "p.yaml:3:13 waivers[0].target: value does not match regex"),
])
def test_malformed_waivers_are_located(raw, expected):
    assert any(problem.startswith(expected) for problem in _problems(raw, parse_waivers)), _problems(raw, parse_waivers)
