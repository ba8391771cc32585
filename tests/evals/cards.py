"""Building cards with evaluations for the rerun tests."""
from __future__ import annotations

from pathlib import Path

from engine.cards import Card, card_from_dict

FIXTURES = "tests.evals.fixture_harnesses"


def card_with(evaluations: list[dict], source: Path, artifacts: list[dict] | None = None) -> Card:
    data = {"schema_version": "1", "name": "acme/rerun-test", "version": "1.0.0", "owners": [{"name": "Test"}],
            "license": "apache-2.0", "evaluations": evaluations}
    if artifacts is not None:
        data["artifacts"] = artifacts
    return card_from_dict(data, source=str(source))


def tiny_safetensors(path: Path) -> Path:
    """A real (tiny) safetensors file: the scan before every rerun must be able to read the weights it clears."""
    import numpy as np
    from safetensors.numpy import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"dense.weight": np.zeros((2, 2), dtype=np.float32)}, str(path))
    return path


def evaluation(harness: str, metric: str, value: float, dataset: str = "modellake/reviews", split: str = "test", **extra) -> dict:
    args = extra.pop("args", None)
    return {"dataset": dataset, "split": split, "metric": metric, "value": value, "harness": {"name": harness} | ({"args": args} if args else {})} | extra
