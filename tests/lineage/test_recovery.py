"""Recovering undeclared parents of the real MiniLM family (examples/derive_family.py) from the weights.

The truth is the FAMILY table. Every member except the LoRA adapter takes part (an adapter holds only its
low-rank factors, no weights of the base's shape to compare: it is verified from its adapter config, not
recovered). With the spread direction statistic every edge of this family is recovered with the right
placement and direction; the benchmark (benchmarks/lineage.py) also reports MoTHer's kurtosis statistic,
which orients 3 of the 10 edges the wrong way round on these short fine-tunes.
"""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import main
from engine.cards import card_from_dict, load_card
from engine.lineage.recovery import recover_tree
from engine.lineage.sketch import weight_sketch
from engine.lineage.sources import ModelSource
from engine.lineage.suggestions import suggest_parents
from engine.store.tables import AuditEntry, LineageEdge
from engine.governance.evidence import gather_evidence
from engine.governance.submission import submit
from examples.derive_family import FAMILY, MEMBERS

pytestmark = pytest.mark.slow

RECOVERABLE = [member for member in FAMILY if member.relation != "adapter"]
TRUE_EDGES = {(parent, member.name, member.relation) for member in RECOVERABLE for parent in member.parents}


def lake_ref(name: str) -> str:
    return f"{MEMBERS[name].lake_name}@1.0"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_recovered_tree_is_the_true_family_with_placement_direction_and_relation(family_dir):
    tree = recover_tree({member.name: ModelSource.of(family_dir / member.name, label=member.name) for member in RECOVERABLE})
    assert {(edge.parent, edge.child, edge.relation) for edge in tree} == TRUE_EDGES
    assert all(0 < edge.confidence <= 1 and edge.direction >= 0.5 for edge in tree), [e.to_dict() for e in tree]
    # the unrelated tree stays apart: nothing of the MiniLM family hangs under bert-scratch or the other way round
    assert {edge.parent for edge in tree if edge.child.startswith("bert")} == {"bert-scratch"}


def test_recovery_from_stored_sketches_alone_finds_the_same_tree(family_dir):
    """What the lake keeps when the files are gone: JSON sketches, no tensors."""
    sketches = {m.name: ModelSource.of(json.loads(json.dumps(weight_sketch(family_dir / m.name))), label=m.name) for m in RECOVERABLE}
    assert {(edge.parent, edge.child, edge.relation) for edge in recover_tree(sketches)} == TRUE_EDGES


@pytest.fixture
def undeclared_family(lake_env, submit_member):
    """Every recoverable member in the lake with its base_model and relation removed from the card."""
    for member in RECOVERABLE:
        submit_member(member.name, base_model=None, base_model_relation=None)
    return lake_env


def lineage_rows(lake) -> int:
    with lake.transaction() as session:
        return session.execute(select(func.count()).select_from(LineageEdge)).scalar_one()


def test_suggestions_name_the_true_parents_and_nothing_is_written_until_the_owner_accepts(undeclared_family):
    with undeclared_family.transaction() as session:
        results = {member.name: suggest_parents(session, member.lake_name) for member in RECOVERABLE}
    suggested = {(s["parent"], s["child"], s["relation"]) for result in results.values() for s in result["suggestions"]}
    assert suggested == {(lake_ref(p), lake_ref(c), relation) for p, c, relation in TRUE_EDGES}
    assert all(0 < s["confidence"] <= 1 for result in results.values() for s in result["suggestions"])
    assert {name for name, result in results.items() if not result["suggestions"]} == {"minilm", "bert-scratch"}
    assert results["minilm"]["note"].startswith("no candidate is close enough to be a parent; family/minilm@1.0 looks like the parent of")
    assert results["minilm-sts"]["candidates"] == len(RECOVERABLE) - 1

    shown = run("lineage", "family/minilm-sts-legal", "--suggest")
    assert shown.exit_code == 0, shown.output
    first, suggestion, hint = shown.output.splitlines()
    assert first == f"family/minilm-sts-legal@1.0: 1 suggested parent(s) among {len(RECOVERABLE) - 1} candidates"
    assert suggestion.split()[:3] == ["family/minilm-sts@1.0", "finetune", "confidence"]
    assert hint == "  accept with: modellake lineage family/minilm-sts-legal@1.0 --accept family/minilm-sts@1.0"

    refused = run("lineage", "family/minilm-sts-legal", "--accept", "family/bert-scratch")
    assert refused.exit_code == 2
    assert refused.stderr.strip() == ("error: family/bert-scratch@1.0 is not a suggested parent of family/minilm-sts-legal@1.0 "
                                      "(suggested: family/minilm-sts@1.0)")
    assert lineage_rows(undeclared_family) == 0  # suggesting, showing and refusing wrote nothing

    accepted = run("lineage", "family/minilm-sts-legal", "--accept", "family/minilm-sts", "--by", "alice", "--json")
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.output)["accepted"] == ["family/minilm-sts@1.0"]
    graph = json.loads(run("lineage", "family/minilm-sts-legal", "--up", "--json").output)
    (edge,) = graph["edges"]
    assert (edge["parent"], edge["child"], edge["relation"], edge["declared"], edge["verified"]) == (
        "family/minilm-sts@1.0", "family/minilm-sts-legal@1.0", "finetune", False, True)
    evidence = edge["evidence"]
    assert (evidence["accepted_by"], evidence["basis"], evidence["recovery"]["parent"]) == ("alice", "weights", "family/minilm-sts@1.0")
    assert 0 < evidence["recovery"]["confidence"] <= 1 and evidence["measured"]["tensors_changed"] > 0
    assert graph["path_to_root"] == ["family/minilm-sts-legal@1.0", "family/minilm-sts@1.0"]
    assert "(finetune, verified, accepted suggestion)" in run("lineage", "family/minilm-sts-legal", "--up").output

    # accepting one parent of a recovered merge links both, verified as a combination of the two
    merge = run("lineage", "family/minilm-soup", "--accept", "family/minilm-top2", "--by", "alice", "--json")
    assert merge.exit_code == 0, merge.output
    body = json.loads(merge.output)
    assert (sorted(body["accepted"]), body["relation"], body["evidence"]["verified"]) == (
        ["family/minilm-sts@1.0", "family/minilm-top2@1.0"], "merge", True)
    assert body["evidence"]["measured"]["coefficients"] == pytest.approx([0.5, 0.5], abs=1e-3)
    assert lineage_rows(undeclared_family) == 3
    with undeclared_family.transaction() as session:  # each accept is a state change in the audit log
        audited = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target).where(AuditEntry.action == "lineage.accept")
                                  .order_by(AuditEntry.seq)).all()
    assert [tuple(row) for row in audited] == [("alice", "lineage.accept", "family/minilm-sts-legal@1.0"),
                                               ("alice", "lineage.accept", "family/minilm-soup@1.0")]


def test_recovery_and_acceptance_work_from_stored_fingerprints_once_the_files_are_gone(lake_env, family_dir, tmp_path):
    """Submission stores the weight sketch as the version's fingerprint; recovery and verification fall back to it."""
    for name in ("minilm-sts", "minilm-sts-legal"):
        shutil.copytree(family_dir / name, tmp_path / name)
        data = {k: v for k, v in load_card(tmp_path / name / "card.yaml").data.items() if not k.startswith("base_model")}
        card = card_from_dict(data, source=str(tmp_path / name / "card.yaml"))
        submit(lake_env, card, gather_evidence(card))
        shutil.rmtree(tmp_path / name)
    with lake_env.transaction() as session:
        (suggestion,) = suggest_parents(session, "family/minilm-sts-legal")["suggestions"]
    assert (suggestion["parent"], suggestion["relation"]) == ("family/minilm-sts@1.0", "finetune")
    accepted = json.loads(run("lineage", "family/minilm-sts-legal", "--accept", "family/minilm-sts", "--json").output)
    assert (accepted["evidence"]["verified"], accepted["evidence"]["basis"]) == (True, "sketch")
