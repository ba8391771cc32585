"""Rerun a card's claimed evaluations and compare each claim with what the weights actually score.

`rerun_evaluations` is the one entry point used by submissions, `modellake rerun` and `audit --rerun`. It
returns one record per evaluation that names a harness (engine.evals.records), with status "pass" | "fail" |
"not_comparable" | "error" | "refused". It never raises for a harness failure.

What a rerun may touch, in order: the model files are scanned first (pickle opcodes read as data) and a
harness never starts on files whose scan finds anything at `high` or above, or that the scan could not
read; the data is a registered dataset (engine.evals.dataset_registry), copied privately and checked
against its registered digest; a card cannot point the harness at a file of its own (`harness.args.data`).
"""
from __future__ import annotations

import json
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from engine.cards import Card
from engine.errors import CorruptFile, NotFound, UnsupportedFormat, UsageError
from engine.evals.compare import incomparability, judge
from engine.evals.dataset_registry import REGISTERED_BY_LAKE, SHIPPED_ONLY, DatasetCatalog, DatasetRefused, RegisteredDataset, fetch_verified
from engine.evals.datasets import sha256_path
from engine.evals.harness import HarnessTask
from engine.evals.isolation import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT_S, run_isolated
from engine.evals.records import claim_record, harness_claims
from engine.evals.registry import harness_target, load_harness_class

RerunProgress = Callable[[str, float, float | None], None]  # (label of the evaluation, done, total)
REFUSE_SCAN_SEVERITIES = ("critical", "high")  # a harness never loads files whose scan found these


class RerunRefused(UsageError):
    """The lake will not run this harness on these inputs (the reason says why)."""


def rerun_evaluations(card: Card, weights_path: str | Path | None = None, *, timeout: float = DEFAULT_TIMEOUT_S,
                      memory_limit: int | None = DEFAULT_MEMORY_LIMIT, progress: RerunProgress | None = None,
                      datasets: DatasetCatalog = SHIPPED_ONLY, submitter: str | None = None, scan: list[dict] | None = None) -> list[dict]:
    """Run every evaluation of `card` that names a harness, each in an isolated worker, and judge its claim.

    Weights: `weights_path`, else the card's artifact paths relative to the card file. `datasets` resolves the
    card's dataset names (default: only the lake's own sets); `submitter` decides whether a set counts as
    independent; `scan` is the security findings of these weights when the caller already has them. Two
    claims that need the same computation (perplexity and token accuracy on one text) share one run.
    """
    from engine.cards.artifacts import weights_path_for

    claims = harness_claims(card.data)
    weights = weights_path_for(card, weights_path)
    with ThreadPoolExecutor(max_workers=1) as digester, tempfile.TemporaryDirectory(prefix="modellake-rerun-") as scratch:
        # The weights digest (seconds for large files) overlaps the first harness run instead of preceding it.
        weights_sha256 = digester.submit(sha256_path, weights) if claims and weights is not None and weights.exists() else None
        session = _RerunSession(weights, weights_sha256, timeout, memory_limit, progress, datasets, submitter, scan, Path(scratch))
        return [session.rerun(index, claim) for index, claim in claims]


class _RerunSession:
    """State shared by the evaluations of one card: digests, the scan verdict, verified data copies, outcomes computed."""

    def __init__(self, weights: Path | None, weights_sha256: Future | None, timeout: float, memory_limit: int | None,
                 progress: RerunProgress | None, datasets: DatasetCatalog, submitter: str | None, scan: list[dict] | None, scratch: Path):
        self.weights = weights
        self.weights_sha256 = weights_sha256
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.progress = progress
        self.datasets = datasets
        self.submitter = submitter
        self.scan = scan
        self.scratch = scratch
        self.copies: dict[str, Path] = {}
        self.outcomes: dict[str, dict] = {}

    def rerun(self, index: int, claim: dict) -> dict:
        entry = claim_record(index, claim, weights=str(self.weights) if self.weights else None,
                             limits={"timeout_s": self.timeout, "memory_bytes": self.memory_limit})
        evidence = entry["evidence"]
        try:
            prepared = self._prepare(claim, entry)
        except (RerunRefused, DatasetRefused) as refusal:
            return entry | {"status": "refused", "error": str(refusal)}
        except UsageError as error:
            return entry | {"error": str(error)}
        if prepared is None:
            return entry | {"status": "not_comparable"}
        task, target, kind = prepared
        outcome = self._run(target, task, f"{claim['harness']['name']}: {claim['metric']} on {task.dataset}/{task.split}")
        if outcome["event"] != "result":
            return entry | {"error": outcome["reason"]}
        evidence |= outcome.get("details", {}) | {
            "seed": task.seed, "samples": outcome["samples"], "duration_s": outcome["duration_s"], "libraries": outcome["libraries"],
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

    def _prepare(self, claim: dict, entry: dict) -> tuple[HarnessTask, str, str] | None:
        """(task, harness target, metric kind), or None when claim and rerun cannot be compared (reason in the evidence)."""
        evidence = entry["evidence"]
        target = harness_target(claim["harness"]["name"])
        harness_class = load_harness_class(target)
        evidence["target"] = target
        if claim["metric"] not in harness_class.metrics:
            raise UsageError(f"harness {claim['harness']['name']!r} does not compute {claim['metric']!r} (it computes: {', '.join(harness_class.metrics)})")
        args = dict(claim["harness"].get("args", {}))
        if "data" in args:
            raise RerunRefused("harness.args.data is not accepted: a rerun reads only registered datasets; register the file with "
                               "`modellake dataset add NAME FILE` and name it in the evaluation's `dataset`")
        if self.weights is None:
            raise UsageError("no weights to run: the card has no local artifact paths and no weights path was given")
        if not self.weights.exists():
            raise UsageError(f"weights not found: {self.weights}")
        self._check_scan()
        if _adapter_without_base(self.weights):
            evidence["reason"] = ("the weights are a PEFT adapter without its base model's weights; the harness measures a complete "
                                  "model (re-run the merged model, or give --weights a folder holding the base with the adapter)")
            return None
        seed = args.pop("seed", 0)
        registration = self._registration(claim, harness_class.generated_datasets)
        reason = incomparability(claim, available_splits=tuple(registration.rows) if registration else None, has_data=registration is not None)
        if reason:
            evidence["reason"] = reason
            return None
        evidence["dataset"] = registration.evidence()
        entry["independent"] = self._independent(registration)
        data_file = self._verified_copy(registration) if registration.uri else None
        task = HarnessTask(self.weights, registration.ref, claim["split"], data_file, args, seed, registration.layout)
        return task, target, harness_class.metrics[claim["metric"]]

    def _registration(self, claim: dict, generated: tuple[str, ...]) -> RegisteredDataset | None:
        if not claim.get("dataset") or not claim.get("split"):
            return None
        registration = self.datasets.resolve(claim["dataset"])
        if registration is not None and registration.uri is None and registration.name not in generated:
            return None  # a generated set only its own harness can draw
        return registration

    def _independent(self, registration: RegisteredDataset) -> bool | None:
        """Registered by someone other than the submitter; unknown when the submitter is (the CI gate)."""
        if registration.registered_by == REGISTERED_BY_LAKE:
            return True
        return None if self.submitter is None else registration.registered_by != self.submitter

    def _verified_copy(self, registration: RegisteredDataset) -> Path:
        if registration.ref not in self.copies:
            self.copies[registration.ref] = fetch_verified(registration, self.scratch)
        return self.copies[registration.ref]

    def _check_scan(self) -> None:
        """Refuse unless the scan of the weights found nothing at high or above (scanned here when the caller has no findings)."""
        if self.scan is None:
            from engine.facts import extract_facts

            try:
                self.scan = extract_facts(self.weights, digest=False).to_dict()["security"]["findings"]
            except (UnsupportedFormat, CorruptFile, NotFound) as error:
                raise RerunRefused(f"the scan of the model files could not read them ({error}); a harness never loads files that were not "
                                   f"scanned") from None
        blocking = [finding for finding in self.scan if finding.get("severity") in REFUSE_SCAN_SEVERITIES]
        if blocking:
            shown = "; ".join(f"{f.get('global')} in {f.get('file')} ({f.get('severity')})" for f in blocking[:3])
            raise RerunRefused(f"the scan of the model files found {shown}; a harness never loads files whose scan finds anything at "
                               f"high or above")

    def _run(self, target: str, task: HarnessTask, label: str) -> dict:
        key = json.dumps([target, task.to_dict()], sort_keys=True)
        if key not in self.outcomes:
            on_progress = (lambda done, total: self.progress(label, done, total)) if self.progress else None
            self.outcomes[key] = run_isolated(target, task, timeout=self.timeout, memory_limit=self.memory_limit, on_progress=on_progress)
        return self.outcomes[key]


def _adapter_without_base(weights: Path) -> bool:
    """A folder holding adapter_config.json and no full model weights: a harness would fetch the base by its hub name."""
    return weights.is_dir() and (weights / "adapter_config.json").is_file() and not any(
        (weights / name).is_file() for name in ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json"))
