"""Value operators: each takes its (validated) arguments and a Scope and returns a Check.

Missing values: evidence (facts, evals, lineage) that is absent is unknown and the check is `unverified`
(it names the missing evidence in `needs`); a card value that is absent fails the check, because the card
is what the submitter controls; a claim the card does not make is `not_applicable` to a claim check.
"""
from __future__ import annotations

import datetime as dt
import operator
import re
from functools import lru_cache

from engine.policy.check import ERROR, FAIL, NOT_APPLICABLE, PASS, UNVERIFIED, Check, show
from engine.policy.paths import MISSING, Path, Scope, dotted, parse_path

parse = lru_cache(maxsize=4096)(parse_path)


def _absent(path: Path, value: object, scope: Scope) -> Check | None:
    """Unverified for unknown evidence, fail for a missing card value, None when the value is there."""
    where = scope.absolute(path)
    if scope.unknown(path, value):
        return unknown_evidence(where, location=where)
    if value is MISSING or value is None:
        return Check(FAIL, f"{dotted(where)} is missing", location=where)
    return None


def unknown_evidence(where: Path, **values) -> Check:
    """The evidence at `where` is missing: the rule applies but cannot be checked."""
    return Check(UNVERIFIED, f"{dotted(where)} is unknown", needs=where, **values)


def _present(value: object) -> bool:
    return value is not MISSING and value is not None and value != "" and value != [] and value != {}


def _left(args: dict, scope: Scope) -> tuple[Path, object]:
    path = parse(args["path"])
    return path, scope.resolve(path)


def _right(args: dict, scope: Scope) -> tuple[object, Path | None]:
    """The value compared against: the literal `value`, or what the path `ref` points at."""
    if "ref" in args:
        path = parse(args["ref"])
        return scope.resolve(path), path
    return args["value"], None


def _listed(args: dict) -> dict:
    """Set operators take a literal list `values` or a `ref` to a list; _compare reads `value` or `ref`."""
    return {**args, "value": args["values"]} if "values" in args else args


def _fold(value: object, ignore_case: bool) -> object:
    return value.casefold() if ignore_case and isinstance(value, str) else value


def exists(arg: str, scope: Scope) -> Check:
    path = parse(arg)
    value = scope.resolve(path)
    where = scope.absolute(path)
    if _present(value):
        return Check(PASS, f"{dotted(where)} is present", claimed=value, location=where)
    if scope.unknown(path, value):
        return unknown_evidence(where, location=where)
    return Check(FAIL, f"{dotted(where)} is missing or empty", location=where)


def required(arg: list, scope: Scope) -> Check:
    results = [exists(path, scope) for path in arg]
    missing = [result for result in results if result.outcome == FAIL]
    if missing:
        names = ", ".join(dotted(result.location) for result in missing)
        return Check(FAIL, f"missing: {names}", location=missing[0].location)
    unknown = [result for result in results if result.outcome == UNVERIFIED]
    if unknown:
        return Check(UNVERIFIED, "; ".join(result.reason for result in unknown), needs=unknown[0].needs)
    return Check(PASS, f"all {len(arg)} present")


def _compare(args: dict, scope: Scope, test, words: str) -> Check:
    """The skeleton of every two-sided comparison: resolve both sides, handle absence, apply `test`."""
    path, left = _left(args, scope)
    right, ref = _right(args, scope)
    where, fact = scope.absolute(path), ref and scope.absolute(ref)
    if ref is not None and scope.unknown(ref, right):
        return unknown_evidence(fact, claimed=left, location=where, fact=fact)
    absent = _absent(path, left, scope)
    if absent:
        return Check(absent.outcome, absent.reason, observed=right, location=where, fact=fact, needs=absent.needs)
    try:
        passed = test(left, right)
    except (TypeError, ValueError) as error:
        return Check(ERROR, f"cannot compare {show(left)} with {show(right)}: {error}", left, right, location=where, fact=fact)
    against = dotted(fact) + f" ({show(right)})" if ref else show(right)
    verb = words if passed else f"not {words}"
    return Check(PASS if passed else FAIL, f"{dotted(where)} is {show(left)}, {verb} {against}", left, right, location=where, fact=fact)


def equals(args: dict, scope: Scope) -> Check:
    fold = args.get("ignore_case", False)
    return _compare(args, scope, lambda a, b: _fold(a, fold) == _fold(b, fold), "equal to")


def in_(args: dict, scope: Scope) -> Check:
    fold = args.get("ignore_case", False)
    return _compare(_listed(args), scope, lambda a, b: _fold(a, fold) in [_fold(v, fold) for v in b], "one of")


def not_in(args: dict, scope: Scope) -> Check:
    fold = args.get("ignore_case", False)
    return _compare(_listed(args), scope, lambda a, b: _fold(a, fold) not in [_fold(v, fold) for v in b], "outside")


def matches(args: dict, scope: Scope) -> Check:
    def test(value, pattern):
        if not isinstance(value, str):
            raise TypeError("only text can match a pattern")
        return re.search(pattern, value) is not None

    return _compare({**args, "value": args["pattern"]}, scope, test, "matching")


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("not a number")
    return value


def numeric(test, words: str):
    """An operator comparing two numbers with `test` (operator.gt, ...)."""
    return lambda args, scope: _compare(args, scope, lambda a, b: test(_number(a), _number(b)), words)


greater_than, at_least = numeric(operator.gt, "greater than"), numeric(operator.ge, "at least")
less_than, at_most = numeric(operator.lt, "less than"), numeric(operator.le, "at most")


def allowed_distance(args: dict, reference: float) -> tuple[float, str]:
    """The tolerance in absolute units and how it was stated ('1% of 22,713,216')."""
    if "relative" in args:
        return abs(reference) * args["relative"], f"{args['relative']:.4g} relative ({args['relative'] * 100:g}%)"
    return args.get("absolute", 0), f"{show(args.get('absolute', 0))} absolute"


def _within_test(args: dict, tolerance: list):
    def test(left, right):
        distance, stated = allowed_distance(args, _number(right))
        tolerance.append(stated)
        return abs(_number(left) - right) <= distance

    return test


def within(args: dict, scope: Scope) -> Check:
    tolerance: list = []
    check = _compare(args, scope, _within_test(args, tolerance), "within tolerance of")
    return Check(check.outcome, check.reason + (f" (tolerance {tolerance[0]})" if tolerance else ""), check.claimed, check.observed,
                 tolerance[0] if tolerance else None, check.location, check.fact)


def _same_text(claim: str, fact: str, field_name: str = "") -> bool:
    """Names compare without case or separators ('BertModel' ~ 'bert-model', 'Q4_K_M' ~ 'q4-k-m'), and through
    the field's value aliases: a card's dtype 'float32' is the weights' 'F32'."""
    from engine.search.dsl import normalize_value

    def canonical(text: str) -> str:
        return re.sub(r"[-_ .]", "", normalize_value(field_name, text))

    return canonical(claim) == canonical(fact)


def claim_matches_fact(args: dict, scope: Scope) -> Check:
    """A claim is a value, or an entry of `claimed` ({value, low, high, accepts, ...}): a stated range widens the
    tolerance (a README's '1.1B' holds from 1,050,000,000 to 1,150,000,000), accepted spellings count as the name."""
    claim_path, fact_path = parse(args["claim"]), parse(args["fact"])
    claimed, observed = scope.resolve(claim_path), scope.resolve(fact_path)
    where, fact = scope.absolute(claim_path), scope.absolute(fact_path)
    if claimed is MISSING:
        return Check(NOT_APPLICABLE, f"{dotted(where)} is not claimed", location=where, fact=fact)
    entry = claimed if isinstance(claimed, dict) and "value" in claimed else {"value": claimed}
    claimed = entry["value"]
    if observed is MISSING or observed is None:
        return unknown_evidence(fact, claimed=claimed, location=where, fact=fact)
    if isinstance(claimed, str) and isinstance(observed, str):
        names = [claimed, *(entry.get("accepts") or [])]
        passed, stated = any(_same_text(name, observed, str(fact_path[-1])) for name in names), None
    elif isinstance(claimed, (int, float)) and isinstance(observed, (int, float)) and not isinstance(claimed, bool):
        distance, stated = allowed_distance(args, observed)
        low, high = entry.get("low", claimed), entry.get("high", claimed)
        passed = low - distance <= observed <= high + distance
        if "low" in entry:
            stated = f"{stated}; as written, {show(int(low))} to {show(int(high))}"
    else:
        passed, stated = claimed == observed, None
    verb = "matches" if passed else "does not match"
    reason = f"claimed {show(claimed)} {verb} observed {show(observed)}" + (f" (tolerance {stated})" if stated else "")
    return Check(PASS if passed else FAIL, reason, claimed, observed, stated, where, fact)


def matches_variant(arg: str, scope: Scope) -> Check:
    """The variant record chose a row for the audited file (pass, saying which and why) or none (fail)."""
    path = parse(arg)
    record = scope.resolve(path)
    where = scope.absolute(path)
    if not isinstance(record, dict):
        return Check(NOT_APPLICABLE, "the README lists no variants", location=where)
    if record.get("why") == "no model file was read":
        return Check(UNVERIFIED, f"{record.get('candidates', 0)} variants listed; no model file was read", location=where, needs=("facts",))
    if record.get("file"):
        return Check(PASS, f"checked the row for {record['file']} (line {record.get('line')}): {record['why']}", claimed=record["file"], location=where)
    return Check(FAIL, f"the file matches none of the {record.get('candidates', 0)} variants listed: {record['why']}", location=where)


# A rerun that compared nothing with the claim (another metric, split or scale; refused; never made) verified nothing.
_RERUN_OUTCOMES = {"pass": PASS, "fail": FAIL, "not_comparable": UNVERIFIED, "refused": UNVERIFIED, "not_run": UNVERIFIED, "error": ERROR}
_OBSERVED = ("pass", "fail")


def _rerun_at(arg: str, scope: Scope) -> tuple[dict | None, Path, str]:
    path = parse(arg)
    run = scope.resolve(path)
    if not isinstance(run, dict):
        return None, scope.absolute(path), ""
    return run, scope.absolute(path), f"{run.get('metric')} on {run.get('dataset')}/{run.get('split')}"


def _why_unchecked(run: dict) -> str:
    """Why a rerun record holds no comparison: the evidence's reason or the error, prefixed by what happened."""
    detail = (run.get("evidence") or {}).get("reason") or run.get("error") or ""
    words = {"not_comparable": "not comparable", "refused": "rerun refused", "not_run": "not re-run", "error": "rerun error"}
    return f"{words.get(run.get('status'), str(run.get('status')))}: {detail}".rstrip(": ")


def claim_matches_rerun(arg: str, scope: Scope) -> Check:
    run, where, label = _rerun_at(arg, scope)
    if run is None:
        return Check(UNVERIFIED, f"{dotted(where)} is unknown (no rerun)", location=where, needs=where)
    outcome = _RERUN_OUTCOMES.get(run.get("status"), ERROR)
    why = {PASS: "within tolerance", FAIL: "outside tolerance"}.get(outcome) or _why_unchecked(run)
    reason = f"{label}: claimed {show(run.get('claimed'))}, rerun observed {show(run.get('observed'))}, tolerance {show(run.get('tolerance'))}: {why}"
    return Check(outcome, reason, run.get("claimed"), run.get("observed"), run.get("tolerance"), where, where,
                 needs=where if outcome == UNVERIFIED else None)


def rerun_observed(arg: str, scope: Scope) -> Check:
    run, where, label = _rerun_at(arg, scope)
    if run is None:
        return Check(UNVERIFIED, f"{dotted(where)} is unknown (no rerun record)", location=where, needs=where)
    if run.get("status") in _OBSERVED:
        return Check(PASS, f"{label}: re-run by the lake (observed {show(run.get('observed'))})", run.get("claimed"), run.get("observed"),
                     run.get("tolerance"), where, where)
    return Check(FAIL, f"{label}: claimed {show(run.get('claimed'))}, {_why_unchecked(run)}", run.get("claimed"), None, None, where, where)


def _as_list(value: object) -> list:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def includes(args: dict, scope: Scope) -> Check:
    fold = args.get("ignore_case", False)
    return _compare(_listed(args), scope,
                    lambda a, b: {_fold(v, fold) for v in b} <= {_fold(v, fold) for v in _as_list(a)}, "including all of")


def subset_of(args: dict, scope: Scope) -> Check:
    fold = args.get("ignore_case", False)
    return _compare(_listed(args), scope,
                    lambda a, b: {_fold(v, fold) for v in _as_list(a)} <= {_fold(v, fold) for v in b}, "drawn only from")


def as_date(value: object) -> dt.date:
    """ISO date or datetime text (as cards store them) or a date -> date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date() if "T" in value else dt.date.fromisoformat(value)
    raise TypeError("not a date")


def dated(test, words: str):
    """An operator comparing two dates with `test` (operator.lt, ...)."""
    return lambda args, scope: _compare(args, scope, lambda a, b: test(as_date(a), as_date(b)), words)


before, after = dated(operator.lt, "before"), dated(operator.gt, "after")


def not_older_than(args: dict, scope: Scope) -> Check:
    days = args["days"]
    check = _compare({"path": args["path"], "ref": "now"}, scope, lambda a, now: (as_date(now) - as_date(a)).days <= days, f"within {days} days of")
    return Check(check.outcome, check.reason, check.claimed, check.observed, f"{days} days", check.location)
