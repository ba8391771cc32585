"""Every operator, passing and failing, from one table; plus the skip-when-unknown rule."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.policy.operators import OPERATORS, evaluate_condition
from engine.policy.paths import Scope

CONTEXT = {
    "card": {"license": "apache-2.0", "name": "acme/x", "tags": ["nlp", "search"], "created": "2026-01-15",
             "claims": {"parameters": 1000, "architecture": "BertModel"}, "owners": [{"name": "Jo", "role": "owner", "email": "jo@acme.example"}],
             "training_data": [{"gdpr": True, "dua_id": "D1", "approvals": [{"type": "dua"}]}, {"gdpr": False, "approvals": []}]},
    "facts": {"parameters": 1005, "architecture": "bert-model", "files": [{"sha256": "ab"}], "dtype": None},
    "evals": [{"metric": "accuracy", "dataset": "d", "split": "test", "claimed": 0.9, "observed": 0.7, "tolerance": 0.05, "status": "fail",
               "evidence": {"evaluation_index": 0}},
              {"metric": "accuracy", "dataset": "e", "split": "test", "claimed": 0.9, "observed": None, "tolerance": None, "status": "refused",
               "error": "the scan of the model files found posix.system in model.bin (critical)", "evidence": {"evaluation_index": 1}}],
    "lineage": {"parents": [{"name": "acme/base", "status": "approved"}]},
    "now": dt.date(2026, 6, 1),
    "variant": {"file": "m.Q4_K_M.gguf", "line": 12, "why": "the file name m.Q4_K_M.gguf is in its row"},
    "claimed": {"unmatched": {"file": None, "why": "no row names x.gguf", "candidates": 2}},
}

# operator -> (condition that passes, condition that fails)
CASES = {
    "matches_variant": ({"matches_variant": "variant"}, {"matches_variant": "claimed.unmatched"}),
    "exists": ({"exists": "card.license"}, {"exists": "card.description"}),
    "required": ({"required": ["card.license", "card.name"]}, {"required": ["card.license", "card.limitations"]}),
    "equals": ({"equals": {"path": "card.license", "value": "APACHE-2.0", "ignore_case": True}}, {"equals": {"path": "card.license", "value": "mit"}}),
    "in": ({"in": {"path": "card.license", "values": ["mit", "apache-2.0"]}}, {"in": {"path": "card.license", "values": ["mit"]}}),
    "not_in": ({"not_in": {"path": "card.license", "values": ["gpl-3.0"]}}, {"not_in": {"path": "card.license", "values": ["apache-2.0"]}}),
    "matches": ({"matches": {"path": "card.name", "pattern": "^acme/"}}, {"matches": {"path": "card.name", "pattern": "^other/"}}),
    "greater_than": ({"greater_than": {"path": "facts.parameters", "ref": "card.claims.parameters"}}, {"greater_than": {"path": "card.claims.parameters", "value": 1000}}),
    "at_least": ({"at_least": {"path": "card.claims.parameters", "value": 1000}}, {"at_least": {"path": "card.claims.parameters", "value": 1001}}),
    "less_than": ({"less_than": {"path": "card.claims.parameters", "value": 1001}}, {"less_than": {"path": "card.claims.parameters", "value": 1000}}),
    "at_most": ({"at_most": {"path": "card.claims.parameters", "ref": "facts.parameters"}}, {"at_most": {"path": "facts.parameters", "value": 1000}}),
    "within": ({"within": {"path": "card.claims.parameters", "ref": "facts.parameters", "relative": 0.01}},
               {"within": {"path": "card.claims.parameters", "ref": "facts.parameters", "absolute": 4}}),
    "claim_matches_fact": ({"claim_matches_fact": {"claim": "card.claims.architecture", "fact": "facts.architecture"}},
                           {"claim_matches_fact": {"claim": "card.claims.parameters", "fact": "facts.parameters"}}),
    "claim_matches_rerun": ({"not": {"claim_matches_rerun": "evals.0"}}, {"claim_matches_rerun": "evals.0"}),
    "rerun_observed": ({"rerun_observed": "evals.0"}, {"rerun_observed": "evals.1"}),
    "includes": ({"includes": {"path": "card.tags", "values": ["search"]}}, {"includes": {"path": "card.tags", "values": ["search", "vision"]}}),
    "subset_of": ({"subset_of": {"path": "card.tags", "values": ["nlp", "search", "x"]}}, {"subset_of": {"path": "card.tags", "values": ["nlp"]}}),
    "before": ({"before": {"path": "card.created", "ref": "now"}}, {"before": {"path": "card.created", "value": "2025-12-31"}}),
    "after": ({"after": {"path": "card.created", "value": "2026-01-01"}}, {"after": {"path": "card.created", "ref": "now"}}),
    "not_older_than": ({"not_older_than": {"path": "card.created", "days": 365}}, {"not_older_than": {"path": "card.created", "days": 30}}),
    "all": ({"all": {"over": "card.training_data", "where": {"equals": {"path": "item.gdpr", "value": True}}, "check": {"exists": "item.dua_id"}}},
            {"all": {"over": "card.training_data", "check": {"exists": "item.dua_id"}}}),
    "any": ({"any": {"over": "lineage.parents", "check": {"equals": {"path": "item.status", "value": "approved"}}}},
            {"any": {"over": "card.training_data", "check": {"includes": {"path": "item.approvals.*.type", "values": ["privacy"]}}}}),
    "all_of": ({"all_of": [{"exists": "card.license"}, {"exists": "card.name"}]}, {"all_of": [{"exists": "card.license"}, {"exists": "card.nope"}]}),
    "any_of": ({"any_of": [{"exists": "card.nope"}, {"exists": "card.name"}]}, {"any_of": [{"exists": "card.nope"}, {"exists": "card.nada"}]}),
    "not": ({"not": {"exists": "card.description"}}, {"not": {"exists": "card.license"}}),
}


def test_every_operator_has_a_case():
    assert set(CASES) == set(OPERATORS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_operator_passes_and_fails(name):
    passing, failing = CASES[name]
    scope = Scope(CONTEXT)
    assert evaluate_condition(passing, scope).outcome == "pass", evaluate_condition(passing, scope).reason
    assert evaluate_condition(failing, scope).outcome == "fail", evaluate_condition(failing, scope).reason


@pytest.mark.parametrize("condition, outcome, reason", [
    ({"claim_matches_fact": {"claim": "card.claims.dtype", "fact": "facts.dtype"}}, "not_applicable", "card.claims.dtype is not claimed"),
    ({"claim_matches_fact": {"claim": "card.claims.parameters", "fact": "facts.layers"}}, "unverified", "facts.layers is unknown"),
    ({"within": {"path": "card.claims.parameters", "ref": "facts.dtype", "relative": 0.1}}, "unverified", "facts.dtype is unknown"),
    ({"exists": "facts.adapter"}, "unverified", "facts.adapter is unknown"),
    ({"not": {"exists": "facts.adapter"}}, "unverified", "facts.adapter is unknown"),
    ({"all": {"over": "facts.security.findings", "check": {"exists": "item.file"}}}, "unverified", "facts.security.findings is unknown"),
    ({"all": {"over": "card.nothing", "check": {"exists": "item"}, "if_empty": "unverified"}}, "unverified", "card.nothing has no elements"),
    ({"all": {"over": "card.nothing", "check": {"exists": "item"}, "if_empty": "not_applicable"}}, "not_applicable", "card.nothing has no elements"),
])
def test_unknown_evidence_is_unverified_and_an_absent_claim_not_applicable(condition, outcome, reason):
    check = evaluate_condition(condition, Scope(CONTEXT))
    assert (check.outcome, check.reason) == (outcome, reason)


@pytest.mark.parametrize("outcomes, every, expected", [
    (("pass", "unverified"), True, "unverified"),       # all: one unchecked element keeps the whole from passing
    (("pass", "not_applicable"), True, "pass"),
    (("fail", "unverified"), True, "fail"),
    (("error", "unverified"), True, "error"),
    (("not_applicable", "not_applicable"), True, "not_applicable"),
    (("fail", "unverified"), False, "unverified"),      # any: the unchecked element might have passed
    (("fail", "pass"), False, "pass"),
    (("fail", "not_applicable"), False, "fail"),
])
def test_combining_checks_fails_closed(outcomes, every, expected):
    from engine.policy.check import Check
    from engine.policy.operators import _combine

    assert _combine([Check(outcome, outcome) for outcome in outcomes], every).outcome == expected


def test_within_reports_claim_fact_and_tolerance():
    check = evaluate_condition(CASES["within"][1], Scope(CONTEXT))
    assert (check.claimed, check.observed, check.tolerance) == (1000, 1005, "4 absolute")
    assert check.reason == "card.claims.parameters is 1,000, not within tolerance of facts.parameters (1,005) (tolerance 4 absolute)"
    assert check.location == ("card", "claims", "parameters") and check.fact == ("facts", "parameters")


def test_item_locations_point_into_the_card():
    check = evaluate_condition(CASES["all"][1], Scope(CONTEXT))
    assert check.location == ("card", "training_data", 1, "dua_id")


def test_a_claim_not_rerun_fails_with_why_and_points_at_its_record():
    check = evaluate_condition({"rerun_observed": "evals.1"}, Scope(CONTEXT))
    assert check.reason == ("accuracy on e/test: claimed 0.9, rerun refused: the scan of the model files found posix.system in model.bin "
                            "(critical)")
    assert (check.claimed, check.observed, check.fact) == (0.9, None, ("evals", 1))
    assert evaluate_condition({"claim_matches_rerun": "evals.1"}, Scope(CONTEXT)).outcome == "unverified"  # not re-run: agreement unknown


def test_rerun_outcome_carries_values():
    check = evaluate_condition({"claim_matches_rerun": "evals.0"}, Scope(CONTEXT))
    assert (check.claimed, check.observed, check.tolerance) == (0.9, 0.7, 0.05)
    assert check.reason == "accuracy on d/test: claimed 0.9, rerun observed 0.7, tolerance 0.05: outside tolerance"


def test_type_mismatch_is_an_error_not_a_crash():
    check = evaluate_condition({"matches": {"path": "card.claims.parameters", "pattern": "x"}}, Scope(CONTEXT))
    assert check.outcome == "error"
