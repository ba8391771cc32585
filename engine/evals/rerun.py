"""Rerun a card's claimed evaluations and compare each claim with what the weights actually score.

`rerun_evaluations` is the one entry point used by `modellake rerun`, `submit --rerun` and
`audit --rerun`. It returns one dict per evaluation that names a harness, in the shape the policy engine
reads as context["evals"]:
{metric, dataset, split, claimed, observed, tolerance, comparable, status, error, evidence}
with status "pass" | "fail" | "not_comparable" | "error". It never raises for a harness failure.
"""
from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from engine.cards import Card
from engine.errors import UsageError
from engine.evals.compare import incomparability, judge
from engine.evals.datasets import dataset_file, sha256_path, shipped_dataset
from engine.evals.harness import HarnessTask
from engine.evals.isolation import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT_S, run_isolated
from engine.evals.registry import harness_target, load_harness_class

RerunProgress = Callable[[str, float, float | None], None]  # (label of the evaluation, done, total)


def rerun_evaluations(card: Card, weights_path: str | Path | None = None, *, timeout: float = DEFAULT_TIMEOUT_S,
                      memory_limit: int | None = DEFAULT_MEMORY_LIMIT, progress: RerunProgress | None = None) -> list[dict]:
    """Run every evaluation of `card` that names a harness, each in an isolated worker, and judge its claim.

    Weights: `weights_path`, else the card's artifact paths relative to the card file. Two claims that need
    the same computation (perplexity and token accuracy on one text) share one run.
    """
    from engine.cards.artifacts import weights_path_for

    claims = [(index, claim) for index, claim in enumerate(card.data.get("evaluations", [])) if "harness" in claim]
    weights = weights_path_for(card, weights_path)
    with ThreadPoolExecutor(max_workers=1) as digester:
        # The weights digest (seconds for large files) overlaps the first harness run instead of preceding it.
        weights_sha256 = digester.submit(sha256_path, weights) if claims and weights is not None and weights.exists() else None
        session = _RerunSession(card, weights, weights_sha256, timeout, memory_limit, progress)
        return [session.rerun(index, claim) for index, claim in claims]


class _RerunSession:
    """State shared by the evaluations of one card: the weights digest and the outcomes already computed."""

    def __init__(self, card: Card, weights: Path | None, weights_sha256: Future | None, timeout: float, memory_limit: int | None,
                 progress: RerunProgress | None):
        self.card_dir = Path(card.source).parent
        self.weights = weights
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.progress = progress
        self.outcomes: dict[str, dict] = {}
        self.weights_sha256 = weights_sha256

    def rerun(self, index: int, claim: dict) -> dict:
        name = claim["harness"]["name"]
        evidence = {"harness": name, "evaluation_index": index, "weights": str(self.weights) if self.weights else None,
                    "limits": {"timeout_s": self.timeout, "memory_bytes": self.memory_limit}}
        entry = {"metric": claim["metric"], "dataset": claim.get("dataset"), "split": claim.get("split"), "claimed": claim["value"],
                 "observed": None, "tolerance": None, "comparable": False, "status": "error", "error": None, "evidence": evidence}
        try:
            task, target, kind = self._prepare(claim, evidence)
        except UsageError as error:
            return entry | {"error": str(error)}
        if task is None:
            return entry | {"status": "not_comparable"}
        outcome = self._run(target, task, f"{name}: {claim['metric']} on {task.dataset}/{task.split}")
        if outcome["event"] != "result":
            return entry | {"error": outcome["reason"]}
        evidence |= {"seed": task.seed, "samples": outcome["samples"], "duration_s": outcome["duration_s"], "libraries": outcome["libraries"],
                     "inputs": {"data_sha256": outcome["data_sha256"], "weights_sha256": self.weights_sha256.result()}}
        observed = outcome["metrics"][claim["metric"]]
        entry["observed"] = observed
        reason = incomparability(claim, available_splits=None, has_data=True, samples_used=outcome["samples"])
        if reason:
            evidence["reason"] = reason
            return entry | {"status": "not_comparable"}
        status, tolerance, interval = judge(kind, claim["value"], observed, outcome["samples"])
        evidence |= {"rule": interval.rule, "interval": [interval.low, interval.high]}
        return entry | {"status": status, "tolerance": tolerance, "comparable": True}

    def _prepare(self, claim: dict, evidence: dict) -> tuple[HarnessTask | None, str, str]:
        """(task, harness target, metric kind); task None when the claim cannot be compared (reason in evidence)."""
        target = harness_target(claim["harness"]["name"])
        harness_class = load_harness_class(target)
        evidence["target"] = target
        if claim["metric"] not in harness_class.metrics:
            raise UsageError(f"harness {claim['harness']['name']!r} does not compute {claim['metric']!r} (it computes: {', '.join(harness_class.metrics)})")
        if self.weights is None:
            raise UsageError("no weights to run: the card has no local artifact paths and no weights path was given")
        if not self.weights.exists():
            raise UsageError(f"weights not found: {self.weights}")
        args = dict(claim["harness"].get("args", {}))
        data_arg, seed = args.pop("data", None), args.pop("seed", 0)
        data_file = dataset_file(claim.get("dataset"), data_arg, self.card_dir)
        shipped = None if data_arg else shipped_dataset(claim.get("dataset"))
        has_data = data_file is not None or claim.get("dataset") in harness_class.generated_datasets
        reason = incomparability(claim, available_splits=shipped.splits if shipped else None, has_data=has_data)
        if reason:
            evidence["reason"] = reason
            return None, target, ""
        if data_file is not None and not data_file.exists():
            raise UsageError(f"evaluation data not found: {data_file}")
        evidence["data_file"] = str(data_file) if data_file else None
        task = HarnessTask(self.weights, claim["dataset"], claim["split"], data_file, args, seed)
        return task, target, harness_class.metrics[claim["metric"]]

    def _run(self, target: str, task: HarnessTask, label: str) -> dict:
        key = json.dumps([target, task.to_dict()], sort_keys=True)
        if key not in self.outcomes:
            on_progress = (lambda done, total: self.progress(label, done, total)) if self.progress else None
            self.outcomes[key] = run_isolated(target, task, timeout=self.timeout, memory_limit=self.memory_limit, on_progress=on_progress)
        return self.outcomes[key]
