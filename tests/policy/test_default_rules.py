"""Every default rule fails on a card (or evidence) that violates it, and a good card passes them all."""
from __future__ import annotations

import pytest

from engine.policy.packs import load_policies
from tests.policy.cards import evidence, review_of


def _set(path: str, value):
    def mutate(inputs):
        *parents, last = path.split(".")
        node = inputs
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return mutate


DELETE = object()


def _all(*mutations):
    def mutate(inputs):
        for mutation in mutations:
            mutation(inputs)
    return mutate


HIGH_RISK = _set("card.governance.risk_tier", "high")
VIOLATIONS = {
    "completeness.description": _set("card.description", DELETE),
    "completeness.intended-use": _set("card.uses.intended", DELETE),
    "completeness.out-of-scope": _set("card.uses.out_of_scope", DELETE),
    "completeness.limitations": _set("card.limitations", DELETE),
    "completeness.task": _set("card.pipeline_tag", DELETE),
    "completeness.training-data": _all(_set("card.datasets", DELETE), _set("card.training_data", DELETE)),
    "completeness.evaluations": _all(_set("card.evaluations", DELETE), _set("evals", [])),
    "completeness.risk-tier": _set("card.governance.risk_tier", DELETE),
    "completeness.owner-contact": _set("card.owners.0.email", DELETE),
    "completeness.artifacts": _set("card.artifacts", DELETE),
    "completeness.dates-not-in-future": _set("card.evaluations.0.date", "2999-01-01"),
    "claims.architecture": _set("facts.architecture", "gpt2"),
    "claims.parameters": _set("facts.parameters", 33000000),
    "claims.layers": _set("facts.layers", 12),
    "claims.hidden-size": _set("facts.hidden_size", 768),
    "claims.attention-heads": _set("facts.attention_heads", 6),
    "claims.vocab-size": _set("facts.vocab_size", 50257),
    "claims.context-length": _set("facts.context_length", 256),
    "claims.quantization": _set("facts.quantization", "Q4_1"),
    "claims.dtype": _set("facts.dtype", "float16"),
    "claims.embedding-dim": _set("facts.embedding_dim", 768),
    "claims.kv-heads": _all(_set("card.claims.kv_heads", 12), _set("facts.kv_heads", 4)),
    "claims.max-sequence-length": _all(_set("card.claims.max_sequence_length", 256), _set("facts.max_sequence_length", 128)),
    "claims.size": _all(_set("card.claims.size_bytes", 90000000), _set("facts.size_bytes", 45000000)),
    "claims.variant": _all(_set("card.readme", {"file": "README.md", "claims": [], "variants": [{"file": "other.gguf", "line": 9}]}),
                           _set("facts.quantization", "Q4_1")),
    "claims.adapter-base": _all(_set("card.base_model_relation", "adapter"), _set("facts.adapter", {"type": "lora", "base_model": "other/base"})),
    "license.allowed": _set("card.license", "cc-by-nc-4.0"),
    "data.gdpr-dua": _set("card.training_data.0.dua_id", DELETE),
    "data.personal-data-approved": _set("card.training_data.0.approvals", [{"type": "legal", "id": "L-1", "approved_by": "Legal", "date": "2026-01-01"}]),
    "data.hipaa-privacy": _set("card.training_data.0.approvals.1", DELETE),
    "security.no-unsafe-pickle": _set("facts.security.findings", [{"file": "pytorch_model.bin", "global": "os.system", "severity": "critical",
                                                                   "reason": "imports os.system"}]),
    "security.artifacts-present": _set("facts.missing_artifacts", ["weights/model.safetensors"]),
    "security.weights-digest": _set("card.artifacts.0.sha256", DELETE),
    "facts.config-matches-tensors": _set("facts.conflicts", [{"fact": "layers", "config": 12, "tensors": 6, "config_says": "layers = 12 (config.json:num_hidden_layers)",
                                                              "tensors_say": "layers = 6 (tensor names: 6 blocks encoder.layer.N.*)"}]),
    "facts.shards-consistent": _set("facts.integrity", [{"kind": "missing-tensor", "file": "model.safetensors.index.json", "tensor": "pooler.dense.weight",
                                                         "problem": "model.safetensors.index.json names pooler.dense.weight in model-00002-of-00002.safetensors, "
                                                                    "which does not hold it"}]),
    "security.digest-matches": _set("card.artifacts.0.sha256", "b" * 64),
    "evaluations.harness-declared": _set("card.evaluations.0.harness", DELETE),
    "evaluations.rerun-required": _set("evals", []),
    "evaluations.reruns-agree": _all(_set("evals.0.status", "fail"), _set("evals.0.observed", 0.7)),
    "evaluations.independent-data": _set("evals.0.independent", False),
    "evaluations.dated": _set("card.evaluations.0.date", DELETE),
    "evaluations.recent": _set("card.evaluations.0.date", "2020-01-01"),
    "evaluations.sample-count": _set("card.evaluations.0.samples", DELETE),
    "risk.prohibited": _set("card.governance.risk_tier", "unacceptable"),
    "risk.high.bias-evidence": _all(HIGH_RISK, _set("card.governance.bias_checks", DELETE)),
    "risk.high.human-oversight": _all(HIGH_RISK, _set("card.governance.human_oversight", DELETE)),
    "risk.high.named-owner": _all(HIGH_RISK, _set("card.owners.0.role", "maintainer")),
    "lineage.relation-declared": _set("card.base_model_relation", DELETE),
    "lineage.base-approved": _set("lineage.parents.0.status", "pending"),
    "lineage.relation-verified": _set("lineage.parents.0.verified", False),
}


def test_every_default_rule_has_a_violation():
    assert set(VIOLATIONS) == {rule.id for pack in load_policies() for rule in pack.rules}


def test_good_card_passes_every_default_rule():
    review = review_of(evidence())
    problems = [(f.rule_id, f.outcome, f.message) for f in review.findings if f.outcome not in ("pass", "not_applicable")]
    assert problems == []
    assert {f.rule_id for f in review.findings if f.outcome == "not_applicable"} == {
        "claims.adapter-base", "claims.kv-heads", "claims.max-sequence-length", "claims.size", "claims.variant",  # not claimed / no README
        "risk.high.bias-evidence", "risk.high.human-oversight", "risk.high.named-owner"}
    assert review.verdict == "approved" and review.exit_code("info") == 0


@pytest.mark.parametrize("rule_id", sorted(VIOLATIONS))
def test_rule_catches_its_violation(rule_id):
    inputs = evidence()
    VIOLATIONS[rule_id](inputs)
    finding = next(f for f in review_of(inputs).findings if f.rule_id == rule_id)
    assert finding.outcome == ("warn" if finding.severity == "info" else "fail"), finding.message


def test_claim_whose_fact_is_unknown_is_unverified_and_blocks_approval():
    inputs = evidence()
    inputs["facts"] = None
    review = review_of(inputs)
    claims = {f.rule_id: f.outcome for f in review.findings if f.pack == "claims"}
    claimed = {f.rule_id for f in review_of(evidence()).findings if f.pack == "claims" and f.outcome == "pass"}
    assert claimed and {claims[rule] for rule in claimed} == {"unverified"}
    finding = next(f for f in review.findings if f.rule_id == "claims.parameters")
    assert finding.message == "facts.parameters is unknown"
    assert finding.evidence["missing"] == "facts.parameters" and "artifacts" in finding.evidence["settled_by"]
    assert review.verdict == "needs_human_review" and "claims.parameters" in review.verdict_reason
    assert review.exit_code("high") == 1 and review.exit_code("high", allow_unverified=True) == 0
