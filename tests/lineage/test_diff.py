"""`modellake diff A B` on the real MiniLM family: what the recipes in examples/derive_family.py changed, and nothing else."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from api.cli import main
from engine.lineage.tensors import WeightFiles
from examples.derive_family import LORA_RANK, LORA_TARGETS, MEMBERS

pytestmark = pytest.mark.slow


def diff_json(a, b) -> dict:
    result = CliRunner().invoke(main, ["diff", str(a), str(b), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def float_tensors(folder) -> dict:
    return {name: info for name, info in WeightFiles(folder).tensors.items() if info.is_float}


def test_training_only_the_last_two_layers_changes_exactly_those(family_dir):
    trainable = dict(MEMBERS["minilm-top2"].options)["trainable"]
    result = diff_json(family_dir / "minilm", family_dir / "minilm-top2")
    names = float_tensors(family_dir / "minilm")
    trained = {name for name in names if name.startswith(trainable)}
    weights = result["weights"]
    assert {d["name"] for d in weights["changed"]} == trained and len(trained) == 32
    assert set(weights["frozen"]) == names.keys() - trained
    assert {layer["layer"] for layer in weights["top_changed_layers"]} == {"encoder.layer.4", "encoder.layer.5"}
    assert weights["basis"] == "weights"
    assert all(d["centred_cosine"] > 0.99 and 0 < d["relative_l2"] < 0.1 for d in weights["changed"])
    arch = result["architecture"]
    assert (arch["tensors_added"], arch["tensors_removed"], arch["tensors_reshaped"], arch["config_changed"]) == ([], [], [], {})


def test_the_merged_lora_delta_has_the_lora_rank_and_touches_only_its_targets(family_dir):
    merged = diff_json(family_dir / "minilm", family_dir / "minilm-lora-merged")["weights"]
    targets = {f"encoder.layer.{i}.attention.self.{module}.weight" for i in range(6) for module in LORA_TARGETS}
    assert {d["name"] for d in merged["changed"]} == targets
    assert all(1 <= d["rank"] <= LORA_RANK for d in merged["changed"]), [(d["name"], d["rank"]) for d in merged["changed"]]
    # a dense fine-tune of the same matrices changes them in (nearly) every direction
    dense = {d["name"]: d["rank"] for d in diff_json(family_dir / "minilm", family_dir / "minilm-sts")["weights"]["changed"]}
    assert all(dense[name] > 10 * LORA_RANK for name in targets), {name: dense[name] for name in targets}


def test_pruning_a_layer_is_an_architecture_change(family_dir):
    result = diff_json(family_dir / "minilm", family_dir / "minilm-pruned")
    names = float_tensors(family_dir / "minilm")
    dropped = {name: info for name, info in names.items() if name.startswith("encoder.layer.5.")}
    arch = result["architecture"]
    assert set(arch["tensors_removed"]) == dropped.keys() and arch["tensors_added"] == [] == arch["tensors_reshaped"]
    assert (arch["layers_removed"], arch["layers_added"], arch["config_changed"]) == (["encoder.layer.5"], [], {"num_hidden_layers": [6, 5]})
    assert arch["parameters"][0] - arch["parameters"][1] == sum(info.numel for info in dropped.values())
    assert result["weights"]["changed"] == [] and len(result["weights"]["frozen"]) == len(names) - len(dropped)
    back = diff_json(family_dir / "minilm-pruned", family_dir / "minilm")["architecture"]
    assert (set(back["tensors_added"]), back["layers_added"]) == (dropped.keys(), ["encoder.layer.5"])


def test_an_fp16_cast_halves_the_bits_and_only_rounds(family_dir):
    result = diff_json(family_dir / "minilm", family_dir / "minilm-fp16")
    arch, summary = result["architecture"], result["weights"]["summary"]
    assert (arch["float_bits"], arch["config_changed"], arch["parameters"][0] == arch["parameters"][1]) == (
        [32, 16], {"torch_dtype": [None, "float16"]}, True)
    assert summary["max_relative_l2"] < 1e-3 and summary["median_centred_cosine"] == pytest.approx(1.0, abs=1e-6)


def test_whole_diff_of_two_small_weight_files(tmp_path):
    """Reshaped, added, removed, frozen and a rank-1 change, checked against numpy computed here."""
    from safetensors.numpy import save_file

    base = np.diag([2.0, 2.0, 2.0, 2.0]).astype(np.float32)
    changed = base + np.outer([1, 1, 0, 0], [1, 0, 1, 0]).astype(np.float32)
    kept = np.arange(6, dtype=np.float32)
    save_file({"proj.weight": base, "norm.weight": kept, "head.weight": np.ones((4, 3), np.float32), "old.bias": np.ones(2, np.float32)},
              tmp_path / "a.safetensors")
    save_file({"proj.weight": changed, "norm.weight": kept, "head.weight": np.ones((4, 4), np.float32), "new.bias": np.ones(2, np.float32)},
              tmp_path / "b.safetensors")
    relative = float(np.linalg.norm(changed - base) / np.linalg.norm(base))
    cosine = float(np.corrcoef(base.ravel(), changed.ravel())[0, 1])  # Pearson correlation = mean-centred cosine
    result = diff_json(tmp_path / "a.safetensors", tmp_path / "b.safetensors")
    assert result == {
        "a": str(tmp_path / "a.safetensors"), "b": str(tmp_path / "b.safetensors"),
        "architecture": {"tensors_added": ["new.bias"], "tensors_removed": ["old.bias"],
                         "tensors_reshaped": [{"name": "head.weight", "a": [4, 3], "b": [4, 4]}],
                         "layers_added": ["new"], "layers_removed": ["old"], "config_changed": {}, "parameters": [36, 40], "float_bits": [32, 32]},
        "weights": {"basis": "weights",
                    "summary": {"tensors_compared": 2, "tensors_changed": 1, "tensors_frozen": 1, "mean_relative_l2": pytest.approx(relative / 2),
                                "max_relative_l2": pytest.approx(relative), "median_centred_cosine": pytest.approx(cosine)},
                    "changed": [{"name": "proj.weight", "shape": [4, 4], "relative_l2": pytest.approx(relative), "centred_cosine": pytest.approx(cosine),
                                 "frozen": False, "rank": 1}],
                    "frozen": ["norm.weight"], "top_changed_layers": [{"layer": "proj", "max_relative_l2": pytest.approx(relative)}]},
    }


STS_VALIDATION = {"dataset": "modellake/sts-pairs", "split": "validation", "metric": "spearman", "harness": {"name": "sentence-similarity"}}


def test_lake_diff_shows_data_performance_and_card_changes(lake_env, submit_member):
    """Two lake versions with claimed metrics and real reruns: every section side by side."""
    parent = submit_member("minilm", rerun=True, evaluations=[STS_VALIDATION | {"value": 0.91}])
    child = submit_member("minilm-sts", rerun=True, evaluations=[STS_VALIDATION | {"value": 0.93}])
    observed = []
    with lake_env.transaction() as session:
        from sqlalchemy import select

        from engine.store.tables import EvalRun

        for submitted in (parent, child):
            (run,) = session.execute(select(EvalRun).where(EvalRun.version_id == submitted.version_id)).scalars()
            observed.append(run.result["observed"])
    result = diff_json("family/minilm", "family/minilm-sts")
    assert (result["a"], result["b"]) == ("family/minilm@1.0", "family/minilm-sts@1.0")
    assert result["data"] == {"added": ["modellake/sts-pairs"], "removed": []}
    assert result["performance"] == [{"metric": "spearman", "dataset": "modellake/sts-pairs", "split": "validation",
                                      "claimed": [0.91, 0.93], "rerun": observed}]
    assert all(0.5 < value <= 1 for value in observed)
    card = result["card"]
    assert card["changed"] == {"description": ["all-MiniLM-L6-v2 as shipped.", "Every weight fine-tuned on STS pairs."],
                               "evaluations": [[STS_VALIDATION | {"value": 0.91}], [STS_VALIDATION | {"value": 0.93}]]}
    assert (card["added"], card["removed"]) == (["base_model", "base_model_relation", "datasets"], [])
    assert result["weights"]["basis"] == "weights" and result["weights"]["summary"]["tensors_changed"] > 90
