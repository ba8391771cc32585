"""The rerun record: one dict per claim that names a harness, the shape policies read as context["evals"].

{metric, dataset, split, claimed, observed, tolerance, comparable, status, error, independent, evidence}

Every such claim has a record in a review, even when nothing was re-run: `with_unrun_claims` adds a
`not_run` record for each claim no rerun covered, so a rule can see the claims that were never checked.
"""
from __future__ import annotations

# status -> what it means; only the OBSERVED ones compared a measured value with the claim
RERUN_STATUSES = {
    "pass": "the rerun observed the claimed value within its tolerance",
    "fail": "the rerun observed a value outside the claim's tolerance",
    "not_comparable": "the claim and the rerun would measure different things (dataset, split or sample count), or the data is not registered",
    "error": "the harness could not produce a value (missing weights, crash, timeout, unknown harness)",
    "refused": "the lake refused to run it: the model files failed their scan, the data changed since registration, or the card "
               "pointed the harness at a file of its own",
    "not_run": "no rerun was made",
}
OBSERVED = ("pass", "fail")


def claim_record(index: int, claim: dict, **evidence) -> dict:
    """The record of claim `index` before anything is known about its rerun (status error until decided)."""
    return {"metric": claim["metric"], "dataset": claim.get("dataset"), "split": claim.get("split"), "claimed": claim["value"],
            "observed": None, "tolerance": None, "comparable": False, "status": "error", "error": None, "independent": None,
            "evidence": {"harness": claim["harness"]["name"], "evaluation_index": index} | evidence}


def harness_claims(card_data: dict) -> list[tuple[int, dict]]:
    """(index, claim) for every evaluation of the card that names a harness."""
    return [(index, claim) for index, claim in enumerate(card_data.get("evaluations") or []) if isinstance(claim, dict) and "harness" in claim]


def with_unrun_claims(card_data: dict, evals: list[dict] | None) -> list[dict]:
    """`evals` plus a `not_run` record for every harness claim none of them covers, in card order."""
    evals = list(evals or [])
    covered = {(record.get("evidence") or {}).get("evaluation_index") for record in evals}
    missing = [claim_record(index, claim) | {"status": "not_run", "error": "no rerun was made"}
               for index, claim in harness_claims(card_data) if index not in covered]
    return sorted(evals + missing, key=lambda record: (record.get("evidence") or {}).get("evaluation_index", -1))


def rerun_summary(record: dict) -> dict:
    """Claimed against rerun, for people: the numbers, the registered data read, how it was measured, and why when nothing was."""
    evidence = record.get("evidence") or {}
    dataset = evidence.get("dataset")
    return {"metric": record["metric"], "split": record.get("split"), "claimed": record["claimed"], "observed": record["observed"],
            "tolerance": record["tolerance"], "status": record["status"], "independent": record.get("independent"),
            "dataset": f"{dataset['name']}@{dataset['version']}" if dataset else record.get("dataset"),
            "samples": evidence.get("samples"), "method": evidence.get("method"), "interval": evidence.get("interval"),
            "why": record.get("error") or evidence.get("reason")}
