"""The policy vocabulary: ONE table of operators. It drives evaluation, the validation of policy files and
the operator reference in docs/policies.md (engine.policy.docs renders it; a test keeps the two in step).

A condition is a mapping with exactly one key, the operator, whose value is the operator's argument.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine.cards.yaml_source import JsonPath, LocatedDocument
from engine.errors import Problem
from engine.policy import _comparisons as value
from engine.policy.check import ERROR, FAIL, NOT_APPLICABLE, PASS, UNVERIFIED, Check
from engine.policy.paths import ITEM, MISSING, Scope, dotted
from engine.policy.validation import located_problems, problem_at

PATH = {"type": "string", "check_with": "path"}
_REQUIRED_PATH = {**PATH, "required": True}
_LITERAL_OR_REF = {"value": {"required": True, "excludes": "ref", "nullable": True},
                   "ref": {**_REQUIRED_PATH, "excludes": "value"}}
_COMPARE = {"path": _REQUIRED_PATH, **_LITERAL_OR_REF}
_IGNORE_CASE = {"ignore_case": {"type": "boolean"}}
_VALUES = {"path": _REQUIRED_PATH, "values": {"type": "list", "required": True, "minlength": 1, "excludes": "ref"},
           "ref": {**_REQUIRED_PATH, "excludes": "values"}, **_IGNORE_CASE}
_TOLERANCE = {"absolute": {"type": "number", "min": 0, "excludes": "relative"},
              "relative": {"type": "number", "min": 0, "excludes": "absolute"}}
_QUANTIFIER = {"over": _REQUIRED_PATH, "where": {"type": "dict"}, "check": {"type": "dict", "required": True},
               "if_empty": {"type": "string", "allowed": [PASS, FAIL, NOT_APPLICABLE, UNVERIFIED]}}
_CONDITION_LIST = {"type": "list", "minlength": 1, "schema": {"type": "dict"}}


@dataclass(frozen=True)
class Operator:
    """`args` is the cerberus rule set of the argument; `nested` names where sub-conditions sit in it
    ("." the argument itself, "[]" each element of it, else keys of it); `example` is a condition in YAML."""

    name: str
    summary: str
    args: dict
    evaluate: Callable[[object, Scope], Check]
    example: str
    nested: tuple[str, ...] = ()


# The first outcome present decides. `all` (every=True): one failure fails, and anything left unchecked
# keeps the whole from passing. `any`: one pass passes; an unchecked element might have passed, so it
# keeps the whole from failing. Only when every element is not applicable is the whole not applicable.
_PRECEDENCE = {True: (FAIL, ERROR, UNVERIFIED, PASS), False: (PASS, ERROR, UNVERIFIED, FAIL)}


def _combine(checks: list[Check], every: bool) -> Check:
    for outcome in _PRECEDENCE[every]:
        found = [check for check in checks if check.outcome == outcome]
        if found:
            first = found[0]
            reason = first.reason if outcome == PASS and not every else "; ".join(check.reason for check in found)
            return Check(outcome, reason, first.claimed, first.observed, first.tolerance, first.location, first.fact, first.needs)
    return Check(NOT_APPLICABLE, "; ".join(check.reason for check in checks))


def _quantify(args: dict, scope: Scope, every: bool) -> Check:
    over = value.parse(args["over"])
    elements = scope.resolve(over)
    where = scope.absolute(over)
    if scope.unknown(over, elements):
        return value.unknown_evidence(where, location=where)
    if elements is MISSING or elements is None:
        elements = []
    if not isinstance(elements, list):
        return Check(ERROR, f"{dotted(where)} is not a list", location=where)
    scopes = [scope.bind(ITEM, element, where + (index,)) for index, element in enumerate(elements)]
    if "where" in args:
        scopes = [inner for inner in scopes if evaluate_condition(args["where"], inner).outcome == PASS]
    if not scopes:
        outcome = args.get("if_empty", PASS if every else FAIL)
        return Check(outcome, f"{dotted(where)} has no elements" + (" matching `where`" if "where" in args else ""), location=where,
                     needs=where if outcome == UNVERIFIED else None)
    return _combine([evaluate_condition(args["check"], inner) for inner in scopes], every)


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("exists", "The path holds a value that is not null and not empty. Unknown evidence is unverified.",
             PATH, value.exists, "exists: card.governance.human_oversight"),
    Operator("required", "Every listed path exists; the failure names all that are missing.",
             {"type": "list", "minlength": 1, "schema": PATH}, value.required, "required: [card.description, card.license, card.owners]"),
    Operator("equals", "The value equals a literal `value` or the value at `ref`.",
             {"type": "dict", "schema": {**_COMPARE, **_IGNORE_CASE}}, value.equals, "equals: {path: card.governance.risk_tier, value: minimal}"),
    Operator("in", "The value is one of `values` (or of the list at `ref`).", {"type": "dict", "schema": _VALUES}, value.in_,
             "in: {path: card.license, values: [apache-2.0, mit], ignore_case: true}"),
    Operator("not_in", "The value is none of `values`.", {"type": "dict", "schema": _VALUES}, value.not_in,
             "not_in: {path: card.license, values: [cc-by-nc-4.0]}"),
    Operator("matches", "The text matches the regular expression `pattern` (Python syntax, searched).",
             {"type": "dict", "schema": {"path": _REQUIRED_PATH, "pattern": {"type": "string", "required": True, "check_with": "regex"}}},
             value.matches, r"matches: {path: card.owners.0.email, pattern: '^[^@\s]+@[^@\s]+$'}"),
    Operator("greater_than", "The number is greater than `value` or `ref`.", {"type": "dict", "schema": _COMPARE}, value.greater_than,
             "greater_than: {path: card.evaluations.0.samples, value: 99}"),
    Operator("at_least", "The number is at least `value` or `ref`.", {"type": "dict", "schema": _COMPARE}, value.at_least,
             "at_least: {path: card.evaluations.0.value, value: 0.8}"),
    Operator("less_than", "The number is less than `value` or `ref`.", {"type": "dict", "schema": _COMPARE}, value.less_than,
             "less_than: {path: card.claims.parameters, value: 1000000000}"),
    Operator("at_most", "The number is at most `value` or `ref`.", {"type": "dict", "schema": _COMPARE}, value.at_most,
             "at_most: {path: card.claims.context_length, ref: facts.context_length}"),
    Operator("within", "The number is within an `absolute` or `relative` tolerance of `value` or `ref` (relative to that reference).",
             {"type": "dict", "schema": {**_COMPARE, **_TOLERANCE}}, value.within,
             "within: {path: card.claims.parameters, ref: facts.parameters, relative: 0.01}"),
    Operator("claim_matches_fact", "Claim vs fact: not applicable when the card makes no claim, unverified when the fact is unknown; numbers within an optional "
             "`absolute`/`relative` tolerance, names compared without case or separators.",
             {"type": "dict", "schema": {"claim": _REQUIRED_PATH, "fact": _REQUIRED_PATH, **_TOLERANCE}}, value.claim_matches_fact,
             "claim_matches_fact: {claim: card.claims.parameters, fact: facts.parameters, relative: 0.01}"),
    Operator("matches_variant", "The README's variant table has a row for the audited file (by file name, quantization type or size): "
             "pass says which row and why; fail when no row matches; unverified when no file was read; not applicable when no variants are listed.", PATH,
             value.matches_variant, "matches_variant: variant"),
    Operator("claim_matches_rerun", "Claim vs rerun: the eval record at the path (see `evals`) decides: pass, fail, not_comparable, refused "
             "or not_run -> unverified, error -> error; no record is unverified.", PATH, value.claim_matches_rerun,
             "all: {over: evals, check: {claim_matches_rerun: item}, if_empty: unverified}"),
    Operator("rerun_observed", "The eval record at the path holds a value the lake's rerun observed and compared with the claim (status pass "
             "or fail); otherwise it fails with why the claim was not checked (not re-run, refused, error, not comparable).", PATH,
             value.rerun_observed, "all: {over: evals, check: {rerun_observed: item}, if_empty: not_applicable}"),
    Operator("includes", "The list contains every one of `values` or of the list at `ref` (set containment).", {"type": "dict", "schema": _VALUES}, value.includes,
             "includes: {path: item.approvals.*.type, values: [dua]}"),
    Operator("subset_of", "Every element of the list is one of `values`.", {"type": "dict", "schema": _VALUES}, value.subset_of,
             "subset_of: {path: card.language, values: [en, de, fr]}"),
    Operator("before", "The date is before `value` or `ref` (ISO dates).", {"type": "dict", "schema": _COMPARE}, value.before,
             "before: {path: card.created, ref: now}"),
    Operator("after", "The date is after `value` or `ref` (ISO dates).", {"type": "dict", "schema": _COMPARE}, value.after,
             "after: {path: card.created, value: '2020-01-01'}"),
    Operator("not_older_than", "The date is at most `days` days before the review date (`now`).",
             {"type": "dict", "schema": {"path": _REQUIRED_PATH, "days": {"type": "integer", "min": 0, "required": True}}},
             value.not_older_than, "not_older_than: {path: item.date, days: 365}"),
    Operator("all", "Every element of the list at `over` (optionally only those passing `where`) passes `check`; the element is "
             "`item`. `if_empty` (pass|fail|not_applicable|unverified, default pass) decides an empty list. Unknown evidence at `over` "
             "is unverified; an element left unverified keeps `all` from passing.",
             {"type": "dict", "schema": _QUANTIFIER}, lambda args, scope: _quantify(args, scope, every=True),
             "all: {over: lineage.parents, check: {equals: {path: item.status, value: approved}}, if_empty: unverified}", ("where", "check")),
    Operator("any", "At least one element passes `check` (as `all`; `if_empty` defaults to fail).",
             {"type": "dict", "schema": _QUANTIFIER}, lambda args, scope: _quantify(args, scope, every=False),
             "any: {over: card.governance.bias_checks, check: {exists: item.result}}", ("where", "check")),
    Operator("all_of", "Every sub-condition passes.", _CONDITION_LIST,
             lambda args, scope: _combine([evaluate_condition(c, scope) for c in args], every=True),
             "all_of: [{exists: card.governance.human_oversight}, {exists: card.owners}]", ("[]",)),
    Operator("any_of", "At least one sub-condition passes.", _CONDITION_LIST,
             lambda args, scope: _combine([evaluate_condition(c, scope) for c in args], every=False),
             "any_of: [{not: {equals: {path: item.gdpr, value: true}}}, {exists: item.dua_id}]", ("[]",)),
    Operator("not", "The sub-condition fails (not_applicable, unverified and error stay).", {"type": "dict"},
             lambda args, scope: evaluate_condition(args, scope).negated(), "not: {in: {path: card.governance.risk_tier, values: [unacceptable]}}", (".",)),
)}


def evaluate_condition(condition: dict, scope: Scope) -> Check:
    """Evaluate a validated condition."""
    (name, argument), = condition.items()
    return OPERATORS[name].evaluate(argument, scope)


def condition_problems(condition: object, document: LocatedDocument, source: str, path: JsonPath) -> list[Problem]:
    """Every problem in a condition tree: unknown operators, malformed arguments, at file:line."""
    if not isinstance(condition, dict) or len(condition) != 1:
        return [problem_at(document, source, path, f"a condition is a mapping with exactly one operator ({', '.join(OPERATORS)})")]
    (name, argument), = condition.items()
    if name not in OPERATORS:
        return [problem_at(document, source, path + (name,), f"unknown operator {name!r}; known: {', '.join(OPERATORS)}")]
    operator = OPERATORS[name]
    problems = located_problems({name: {**operator.args, "required": True, "nullable": False}}, condition, document, source, path)
    if problems:
        return problems
    for place in operator.nested:
        if place == ".":
            problems += condition_problems(argument, document, source, path + (name,))
        elif place == "[]":
            for index, child in enumerate(argument):
                problems += condition_problems(child, document, source, path + (name, index))
        elif place in argument:
            problems += condition_problems(argument[place], document, source, path + (name, place))
    return problems
