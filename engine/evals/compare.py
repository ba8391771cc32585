"""Claim vs rerun: one tolerance rule per metric kind, each stated and justified (docs/evals.md).

Each rule returns the interval of observed values consistent with the claim. The reported `tolerance` is
the half-width on the side where the observation fell, so `|observed - claimed| <= tolerance` is exactly
the pass condition even when the interval is asymmetric (correlations).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from engine.evals.harness import PEARSON, PERPLEXITY, PROPORTION, SPEARMAN

Z = 3.0  # a claim is rejected when the rerun is more than 3 standard errors away (two-sided p ~ 0.003)
PROPORTION_FLOOR = 0.01  # below this, differences are rounding and reporting noise, not evidence
PERPLEXITY_RELATIVE = 0.05  # same weights + same text differ only by kernels/threads/build: well under 5%
SPEARMAN_SE_FACTOR = 1.06  # Fieller, Hartley & Pearson (1957): var(atanh r_s) ~ 1.06 / (n - 3)


@dataclass(frozen=True)
class Tolerance:
    """The accepted interval for the observed value and the rule, in words, that produced it."""

    low: float
    high: float
    rule: str


def proportion_tolerance(claimed: float, samples: int) -> Tolerance:
    """Binomial standard error at the claimed rate, sqrt(p(1-p)/n), times Z, with an absolute floor."""
    p = min(max(claimed, 0.0), 1.0)
    half = max(Z * math.sqrt(p * (1 - p) / samples), PROPORTION_FLOOR)
    return Tolerance(claimed - half, claimed + half, f"binomial: max({Z:g} * sqrt(p(1-p)/n), {PROPORTION_FLOOR:g}) with p = claimed, n = {samples}")


def _fisher_tolerance(claimed: float, samples: int, factor: float, name: str) -> Tolerance:
    if samples <= 3:
        return Tolerance(-1.0, 1.0, f"fisher-z ({name}): n = {samples} is too small to bound a correlation")
    centre = math.atanh(min(max(claimed, -0.999999), 0.999999))
    half = Z * math.sqrt(factor / (samples - 3))
    return Tolerance(math.tanh(centre - half), math.tanh(centre + half),
                     f"fisher-z ({name}): tanh(atanh(r) +- {Z:g} * sqrt({factor:g} / (n - 3))) with r = claimed, n = {samples}")


def pearson_tolerance(claimed: float, samples: int) -> Tolerance:
    """Fisher z-transform: atanh(r) has standard error 1/sqrt(n-3)."""
    return _fisher_tolerance(claimed, samples, 1.0, "pearson")


def spearman_tolerance(claimed: float, samples: int) -> Tolerance:
    """Fisher z-transform with the Fieller-Hartley-Pearson variance for rank correlations."""
    return _fisher_tolerance(claimed, samples, SPEARMAN_SE_FACTOR, "spearman")


def perplexity_tolerance(claimed: float, samples: int) -> Tolerance:
    """A relative band: perplexity is deterministic given weights and text, so only numerics move it."""
    half = PERPLEXITY_RELATIVE * claimed
    return Tolerance(claimed - half, claimed + half, f"relative: claimed * (1 +- {PERPLEXITY_RELATIVE:g})")


TOLERANCE_RULES: dict[str, Callable[[float, int], Tolerance]] = {
    PROPORTION: proportion_tolerance,
    PEARSON: pearson_tolerance,
    SPEARMAN: spearman_tolerance,
    PERPLEXITY: perplexity_tolerance,
}


def incomparability(claim: dict, *, available_splits: tuple[str, ...] | None, has_data: bool, samples_used: int | None = None) -> str | None:
    """Why the claim and a rerun would measure different things, or None when they are comparable.

    Before a run, `samples_used` is None and only the dataset and split are checked; after it, the sample
    count is checked too (a claim without `samples` cannot be checked on that point and is accepted).
    """
    if not claim.get("dataset"):
        return "the card does not name the dataset the claim was measured on"
    if not claim.get("split"):
        return "the card does not name the split the claim was measured on"
    if not has_data:
        return (f"dataset {claim['dataset']} is not registered in the lake (reruns read only registered data: "
                f"`modellake dataset add NAME FILE`)")
    if available_splits is not None and claim["split"] not in available_splits:
        return f"dataset {claim['dataset']!r} has no split {claim['split']!r} (splits: {', '.join(available_splits)})"
    if samples_used is not None and claim.get("samples") not in (None, samples_used):
        return f"claim is on {claim['samples']} samples, the rerun on {samples_used}"
    return None


def judge(kind: str, claimed: float, observed: float, samples: int) -> tuple[str, float, Tolerance]:
    """(status 'pass'|'fail', tolerance on the observed side, the accepted interval)."""
    tolerance = TOLERANCE_RULES[kind](claimed, samples)
    inside = tolerance.low <= observed <= tolerance.high
    side = tolerance.high - claimed if observed >= claimed else claimed - tolerance.low
    return ("pass" if inside else "fail"), side, tolerance
