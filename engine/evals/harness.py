"""What a harness is: a class that turns (weights, data, split, args, seed) into metric values.

Harnesses are found by name through the `modellake.harnesses` entry-point group (see registry.py), so a
third-party package adds one with a line in its own pyproject. A harness class is imported cheaply in the
parent process (for its metadata) and run in an isolated worker; heavy libraries are imported inside `run`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar

# Metric kinds, each with a tolerance rule in compare.py.
PROPORTION, PEARSON, SPEARMAN, PERPLEXITY = "proportion", "pearson", "spearman", "perplexity"

ReportProgress = Callable[[float, float | None], None]  # (done, total) in the harness's own units


@dataclass(frozen=True)
class HarnessTask:
    """One evaluation to compute. `data_file` is a verified private copy of registered data, or None for generated
    sets (the harness makes them from `seed`); `layout` says how its rows and splits are read (datasets.LAYOUTS)."""

    weights: Path
    dataset: str | None
    split: str
    data_file: Path | None
    args: dict = field(default_factory=dict)
    seed: int = 0
    layout: str = "split-column"

    def to_dict(self) -> dict:
        return {"weights": str(self.weights), "dataset": self.dataset, "split": self.split,
                "data_file": str(self.data_file) if self.data_file else None, "args": self.args, "seed": self.seed, "layout": self.layout}

    @classmethod
    def from_dict(cls, data: dict) -> HarnessTask:
        return cls(weights=Path(data["weights"]), dataset=data["dataset"], split=data["split"],
                   data_file=Path(data["data_file"]) if data["data_file"] else None, args=data["args"], seed=data["seed"],
                   layout=data.get("layout", "split-column"))

    def rows(self, split: str | None = None) -> list[dict]:
        """The rows of `split` (default: the task's split) of the task's data."""
        from engine.evals.datasets import read_split

        return read_split(self.data_file, split or self.split, self.layout)


@dataclass(frozen=True)
class HarnessResult:
    """Metric values and how many samples they were computed on; `data_sha256` identifies the exact inputs;
    `details` says how it was measured (e.g. {"method": "model-head"}) and joins the rerun's evidence."""

    metrics: dict[str, float]
    samples: int
    data_sha256: str
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"metrics": self.metrics, "samples": self.samples, "data_sha256": self.data_sha256, "details": self.details}


class Harness(ABC):
    """Base of every harness. Subclasses set the class attributes and implement `run`."""

    metrics: ClassVar[dict[str, str]] = {}  # metric name -> kind (PROPORTION, SPEARMAN, ...)
    libraries: ClassVar[tuple[str, ...]] = ()  # distributions whose versions are recorded as evidence
    generated_datasets: ClassVar[tuple[str, ...]] = ()  # shipped datasets this harness draws itself

    @abstractmethod
    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        """Compute every metric in `metrics` on the task's split; call `report` as work completes."""
