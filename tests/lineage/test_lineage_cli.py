"""`modellake lineage NAME [--up|--down] [--format ...]` on submitted family members, through click against real Postgres."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main

pytestmark = pytest.mark.slow

# all-MiniLM-L6-v2 is itself a fine-tune of this model, which is not in the lake: an external node
UPSTREAM = "nreimers/MiniLM-L6-H384-uncased"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def chain(lake_env, submit_member):
    """UPSTREAM (external) -> minilm -> minilm-sts -> minilm-sts-fp16, plus minilm-top2 beside minilm-sts; returns the status of each."""
    submit_member("minilm", base_model=UPSTREAM, base_model_relation="finetune")
    statuses = {name: submit_member(name).status for name in ("minilm-sts", "minilm-sts-fp16", "minilm-top2")}
    return statuses | {"minilm": json.loads(run("lineage", "family/minilm", "--json").output)["nodes"][0]["status"]}


def test_whole_output_of_a_small_graph_in_mermaid_dot_and_text(chain):
    """One submitted chain, three renderings (each submission runs the whole pipeline, so the chain is built once)."""
    result = run("lineage", "family/minilm-sts", "--up", "--format", "mermaid")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "flowchart TD\n"
        f'  n0["family/minilm-sts@1.0<br/>{chain["minilm-sts"]}"]\n'
        f'  n1["family/minilm@1.0<br/>{chain["minilm"]}"]\n'
        f'  n2["{UPSTREAM}<br/>not in lake"]\n'
        "  n2 -->|finetune, unverified| n1\n"
        "  n1 -->|finetune, verified| n0\n"
        "  style n0 stroke-width:3px\n"
        "  style n2 stroke-dasharray: 5 5\n"
    )
    # --down from minilm-sts: its parent and its sibling have no edge in this direction and are not drawn
    result = run("lineage", "family/minilm-sts", "--down", "--format", "dot")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "digraph lineage {\n"
        "  rankdir=TB;\n"
        "  node [shape=box];\n"
        f'  "family/minilm-sts-fp16@1.0" [label="family/minilm-sts-fp16@1.0\\n{chain["minilm-sts-fp16"]}"];\n'
        f'  "family/minilm-sts@1.0" [label="family/minilm-sts@1.0\\n{chain["minilm-sts"]}", penwidth=3];\n'
        '  "family/minilm-sts@1.0" -> "family/minilm-sts-fp16@1.0" [label="quantized, verified"];\n'
        "}\n"
    )
    result = run("lineage", "family/minilm-sts")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"family/minilm-sts@1.0 [{chain['minilm-sts']}]\n"
        "  ancestors:\n"
        f"    <- family/minilm@1.0 [{chain['minilm']}]  (finetune, verified)\n"
        f"      <- {UPSTREAM} [not in lake]  (finetune, unverified)\n"
        "  descendants:\n"
        "    from family/minilm-sts@1.0:\n"
        f"      -> family/minilm-sts-fp16@1.0 [{chain['minilm-sts-fp16']}]  (quantized, verified)\n"
        "  path to root: family/minilm-sts@1.0 -> family/minilm@1.0\n"
        "  siblings: family/minilm-top2@1.0\n"
    )


def test_json_up_and_down_from_the_root(chain):
    down = json.loads(run("lineage", "family/minilm", "--down", "--json").output)
    assert (down["focus"], down["direction"], down["path_to_root"], down["siblings"]) == ("family/minilm@1.0", "down", ["family/minilm@1.0"], [])
    assert {(e["parent"], e["child"], e["relation"], e["verified"]) for e in down["edges"]} == {
        ("family/minilm@1.0", "family/minilm-sts@1.0", "finetune", True), ("family/minilm@1.0", "family/minilm-top2@1.0", "finetune", True),
        ("family/minilm-sts@1.0", "family/minilm-sts-fp16@1.0", "quantized", True)}
    up = json.loads(run("lineage", "family/minilm", "--up", "--json").output)
    (edge,) = up["edges"]
    assert (edge["parent"], edge["verified"], edge["reason"]) == (UPSTREAM, None, f"parent not in the lake yet: {UPSTREAM}")
    assert {n["key"]: n["in_lake"] for n in up["nodes"]} == {"family/minilm@1.0": True, UPSTREAM: False}


def test_unknown_model_exits_2_with_a_clear_message(lake_env):
    result = run("lineage", "family/nope", "--format", "mermaid")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "error: no model named 'family/nope' in the lake\n")
    version = run("lineage", "family/nope@2.0")
    assert version.exit_code == 2 and version.stderr.startswith("error: ")


def test_unknown_format_is_a_usage_error(lake_env):
    result = run("lineage", "family/minilm", "--format", "svg")
    assert result.exit_code == 2 and "'svg' is not one of 'text', 'mermaid', 'dot'" in result.stderr
