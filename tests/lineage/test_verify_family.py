"""Declared relations verified from real weights derived from all-MiniLM-L6-v2 (examples/derive_family.py)."""
from __future__ import annotations

import pytest

from engine.lineage.graph import lineage_context, lineage_graph
from engine.lineage.sketch import weight_sketch
from engine.lineage.verify import verify_relation
from engine.store.versions import get_version
from examples.derive_family import FAMILY

pytestmark = pytest.mark.slow


def test_every_declared_relation_of_the_family_verifies(lake, submit_member):
    for member in FAMILY:
        submit_member(member.name)
    with lake.transaction() as session:
        results = {(e.parent, e.child): (e.relation, e.verified, e.evidence["reason"])
                   for e in lineage_graph(session, "family/minilm", "down").edges + lineage_graph(session, "family/bert-scratch", "down").edges}
    expected = {(f"family/{p}@1.0", f"family/{m.name}@1.0"): m.relation for m in FAMILY for p in m.parents}
    assert {edge: relation for edge, (relation, _, _) in results.items()} == expected
    assert {edge: verified for edge, (_, verified, _) in results.items()} == dict.fromkeys(expected, True), results


def test_a_false_declared_parent_is_a_finding_with_the_numbers(lake, submit_member):
    submit_member("minilm")
    submit_member("bert-scratch-sts", base_model="family/minilm")
    with lake.transaction() as session:
        (parent,) = lineage_context(session, get_version(session, "family/bert-scratch-sts"))["parents"]
    assert (parent["name"], parent["relation"], parent["verified"]) == ("family/minilm", "finetune", False)
    assert "weights unrelated to family/minilm@1.0" in parent["reason"]
    assert parent["measured"]["mean_relative_l2"] > 0.5 and abs(parent["measured"]["median_centred_cosine"]) < 0.1


def test_a_parent_submitted_after_its_child_is_linked_and_verified_on_arrival(lake, submit_member):
    submit_member("minilm-sts")
    with lake.transaction() as session:
        (edge,) = lineage_graph(session, "family/minilm-sts", "up").edges
        assert (edge.parent, edge.verified) == ("family/minilm", None)
    submit_member("minilm")
    with lake.transaction() as session:
        (edge,) = lineage_graph(session, "family/minilm-sts", "up").edges
    assert (edge.parent, edge.verified, edge.evidence["basis"]) == ("family/minilm@1.0", True, "weights")


@pytest.mark.parametrize(("child", "parent", "relation", "verified", "reason"), [
    ("minilm-lora", "minilm", "adapter", True, "all 12 LoRA modules fit"),
    ("minilm-lora", "bert-scratch", "adapter", False, "adapter_config names base model 'family/minilm'"),
    ("minilm-fp16", "minilm", "quantized", True, "at 16 bits per weight instead of 32"),
    ("minilm-sts", "minilm", "quantized", False, "bits per weight did not drop"),
    ("minilm-pruned", "minilm", "distillation", True, "92% of the teacher's parameters"),
    ("minilm", "minilm-pruned", "distillation", False, "is larger than the teacher"),
    ("minilm-sts", "minilm-fp16", "conversion", False, "values changed beyond format rounding"),
    ("minilm-fp16", "minilm", "finetune", True, "103 tensors changed"),
])
def test_relation_verifiers(family_dir, child, parent, relation, verified, reason):
    result = verify_relation(family_dir / child, family_dir / parent, relation)
    assert (result["relation"], result["verified"]) == (relation, verified), result
    assert reason in result["reason"]


@pytest.mark.parametrize(("parents", "verified"), [(["minilm-sts", "minilm-top2"], True), (["minilm-sts", "minilm-fp16"], False)])
def test_merge_is_a_combination_of_its_declared_parents(family_dir, parents, verified):
    result = verify_relation(family_dir / "minilm-soup", [family_dir / p for p in parents], "merge")
    assert result["verified"] is verified, result
    if verified:
        assert result["measured"]["coefficients"] == pytest.approx([0.5, 0.5], abs=1e-3)


def test_sketches_verify_without_the_files(family_dir):
    child, parent, stranger = (weight_sketch(family_dir / name) for name in ("minilm-sts-legal", "minilm-sts", "bert-scratch"))
    assert verify_relation(child, parent, "finetune") | {"measured": None} == verify_relation(child, parent, "finetune") | {
        "verified": True, "basis": "sketch", "measured": None}
    assert verify_relation(child, stranger, "finetune")["verified"] is False
