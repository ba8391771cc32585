"""The tolerance rules and the comparability check: input -> output tables."""
from __future__ import annotations

import math

import pytest

from engine.evals.compare import PROPORTION_FLOOR, incomparability, judge
from engine.evals.harness import PEARSON, PERPLEXITY, PROPORTION, SPEARMAN


@pytest.mark.parametrize(("kind", "claimed", "observed", "samples", "status", "tolerance"), [
    (PROPORTION, 0.80, 0.78, 400, "pass", 3 * math.sqrt(0.8 * 0.2 / 400)),    # 0.06
    (PROPORTION, 0.80, 0.70, 400, "fail", 0.06),
    (PROPORTION, 0.80, 0.85, 400, "pass", 0.06),
    (PROPORTION, 1.00, 0.995, 80, "pass", PROPORTION_FLOOR),                 # p(1-p) = 0: the floor applies
    (PROPORTION, 1.00, 0.98, 80, "fail", PROPORTION_FLOOR),
    (PERPLEXITY, 20.0, 20.9, 500, "pass", 1.0),
    (PERPLEXITY, 20.0, 18.5, 500, "fail", 1.0),
    (SPEARMAN, 0.91, 0.9135, 204, "pass", math.tanh(math.atanh(0.91) + 3 * math.sqrt(1.06 / 201)) - 0.91),
    (SPEARMAN, 0.97, 0.9135, 204, "fail", 0.97 - math.tanh(math.atanh(0.97) - 3 * math.sqrt(1.06 / 201))),
    (PEARSON, 0.50, 0.30, 100, "pass", 0.5 - math.tanh(math.atanh(0.5) - 3 / math.sqrt(97))),
])
def test_judge(kind, claimed, observed, samples, status, tolerance):
    judged, side, interval = judge(kind, claimed, observed, samples)
    assert (judged, side) == (status, pytest.approx(tolerance))
    assert (abs(observed - claimed) <= side) == (status == "pass")
    assert interval.low <= claimed <= interval.high


def test_correlation_interval_is_asymmetric_near_one():
    _, above, _ = judge(SPEARMAN, 0.9, 0.95, 200)
    _, below, _ = judge(SPEARMAN, 0.9, 0.85, 200)
    assert above < below


CLAIM = {"dataset": "modellake/reviews", "split": "test", "samples": 80}


@pytest.mark.parametrize(("claim", "splits", "has_data", "samples", "reason"), [
    (CLAIM, ("train", "test"), True, None, None),
    (CLAIM, ("train", "test"), True, 80, None),
    ({"dataset": "modellake/reviews", "split": "test"}, None, True, 77, None),
    (CLAIM, ("train", "test"), True, 79, "claim is on 80 samples, the rerun on 79"),
    ({"split": "test"}, None, True, None, "the card does not name the dataset the claim was measured on"),
    ({"dataset": "modellake/reviews"}, None, True, None, "the card does not name the split the claim was measured on"),
    ({"dataset": "glue/sst2", "split": "validation"}, None, False, None,
     "dataset glue/sst2 is not registered in the lake (reruns read only registered data: `modellake dataset add NAME FILE`)"),
    (CLAIM | {"split": "dev"}, ("train", "test"), True, None, "dataset 'modellake/reviews' has no split 'dev' (splits: train, test)"),
])
def test_incomparability(claim, splits, has_data, samples, reason):
    assert incomparability(claim, available_splits=splits, has_data=has_data, samples_used=samples) == reason
