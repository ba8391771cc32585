"""Pickle-based checkpoints: tensor tables and unsafe imports read from the opcodes, nothing ever executed."""
from __future__ import annotations

import io
import os
import pickle
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from api.cli import main

from engine.cards import card_from_dict
from engine.errors import CorruptFile
from engine.facts import extract_facts
from engine.facts.pickles import classify_global
from engine.governance.review import review_card
from tests.policy.cards import GOOD_CARD, TODAY


class RunsCommand:
    """Pickles as a call to os.system: loading the pickle would run the command."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


class CallsBuiltin:
    def __init__(self, function, argument):
        self.function, self.argument = function, argument

    def __reduce__(self):
        return self.function, (self.argument,)


def evil_pickle(canary) -> bytes:
    return pickle.dumps({"weight": [1.0, 2.0], "payload": RunsCommand(f"touch {canary}")}, protocol=4)


def torch_zip(path, data_pkl: bytes, extra: dict | None = None):
    """A torch.save-shaped archive whose data.pkl is the given bytes."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/version", "3\n")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def test_torch_zip_state_dict(tmp_path, torch):
    weights = torch.randn(10, 4)
    state = {"embeddings.word_embeddings.weight": weights, "encoder.layer.0.dense.weight": torch.randn(4, 4).half(),
             "encoder.layer.1.dense.weight": torch.randn(4, 4).half(), "embeddings.position_ids": torch.arange(5),
             "decoder.weight": weights}  # tied to the embedding: one storage
    torch.save(state, tmp_path / "pytorch_model.bin")
    facts = extract_facts(tmp_path / "pytorch_model.bin").to_dict()
    assert {k: facts[k] for k in ("format", "parameters", "dtype", "dtype_elements", "layers", "vocab_size", "hidden_size")} == {
        "format": "pytorch", "parameters": 40 + 16 + 16, "dtype": "F32", "dtype_elements": {"F32": 80, "F16": 32, "I64": 5},
        "layers": 2, "vocab_size": 10, "hidden_size": 4}
    assert facts["security"]["findings"] == [] and facts["metadata"]["pickle_layouts"] == {"pytorch_model.bin": "torch-zip"}
    torch.save({"state_dict": state, "epoch": 3}, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    legacy = extract_facts(tmp_path / "legacy.pt").to_dict()
    assert (legacy["parameters"], legacy["dtype_elements"], legacy["metadata"]["pickle_layouts"]) == (
        72, {"F32": 80, "F16": 32, "I64": 5}, {"legacy.pt": "torch-legacy"})


def test_os_system_pickle_is_critical_and_never_runs(tmp_path):
    canary = tmp_path / "CANARY"
    path = tmp_path / "model.pkl"
    path.write_bytes(evil_pickle(canary))
    facts = extract_facts(path).to_dict()
    assert [f for f in facts["security"]["findings"] if f["kind"] == "import"] == [
        {"file": "model.pkl", "global": "posix.system", "severity": "critical", "kind": "import",
         "message": "the pickle imports posix.system, which runs commands on the host when the file is loaded"}]
    assert (facts["format"], facts["parameters"]) == ("pickle", None)
    assert not canary.exists()
    review = review_card(card_from_dict(GOOD_CARD, source="card.yaml"), facts, now=TODAY)
    unsafe = next(f for f in review.findings if f.rule_id == "security.no-unsafe-pickle")
    assert unsafe.outcome == "fail" and review.exit_code("high") == 1


def test_payload_inside_a_torch_archive_among_real_weights(tmp_path, torch):
    """A checkpoint whose extra pickle carries the payload: tensors are still read, the import is flagged."""
    canary = tmp_path / "CANARY"
    buffer = io.BytesIO()
    torch.save({"w": torch.ones(3, 3)}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(tmp_path / "model.pt", "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("model/extra.pkl", evil_pickle(canary))
    facts = extract_facts(tmp_path / "model.pt").to_dict()
    assert facts["parameters"] == 9
    found = [(f["file"], f["global"], f["severity"]) for f in facts["security"]["findings"] if f["kind"] == "import"]
    assert found == [("model.pt:model/extra.pkl", "posix.system", "critical")]
    result = CliRunner().invoke(main, ["inspect", str(tmp_path / "model.pt"), "--no-digest"])
    assert result.exit_code == 1
    assert "critical model.pt:model/extra.pkl: the pickle imports posix.system, which runs commands on the host" in result.output
    assert not canary.exists()


@pytest.mark.parametrize(("payload", "found"), [
    (CallsBuiltin(eval, "1+1"), ("builtins.eval", "critical")),
    (CallsBuiltin(exec, "pass"), ("builtins.exec", "critical")),
    (CallsBuiltin(subprocess.check_output, ["true"]), ("subprocess.check_output", "critical")),
    (CallsBuiltin(open, "/etc/passwd"), ("io.open", "high")),
    (CallsBuiltin(__import__("socket").create_connection, ("localhost", 1)), ("socket.create_connection", "high")),
    (CallsBuiltin(__import__("decimal").Decimal, "1"), ("decimal.Decimal", "high")),  # unlisted: the gate fails closed
])
@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_unsafe_imports_in_every_protocol(tmp_path, payload, found, protocol):
    path = tmp_path / "weights.pkl"
    path.write_bytes(pickle.dumps([payload], protocol=protocol))
    findings = extract_facts(path).to_dict()["security"]["findings"]
    assert [(f["global"], f["severity"]) for f in findings if f["kind"] == "import"] == [found]


@pytest.mark.parametrize(("name", "verdict"), [
    ("torch._utils._rebuild_tensor_v2", None), ("collections.OrderedDict", None), ("torch.FloatStorage", None),
    ("os.system", "critical"), ("nt.system", "critical"), ("builtins.getattr", "critical"), ("runpy._run_code", "critical"),
    ("webbrowser.open", "high"), ("shutil.rmtree", "high"), ("transformers.training_args.TrainingArguments", "high"),
])
def test_allow_list_and_severity_table(name, verdict):
    result = classify_global(name)
    assert (result and result[0]) == verdict


def test_truncated_and_corrupt_pickles(tmp_path, torch):
    data = pickle.dumps({"a": [1, 2, 3] * 50}, protocol=2)
    (tmp_path / "cut.pkl").write_bytes(data[:-20])
    with pytest.raises(CorruptFile, match=r"cut.pkl: (malformed pickle at byte \d+|pickle ends without STOP)"):
        extract_facts(tmp_path / "cut.pkl")
    torch.save({"w": torch.ones(2)}, tmp_path / "model.bin")
    whole = (tmp_path / "model.bin").read_bytes()
    (tmp_path / "model.bin").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CorruptFile, match="model.bin: broken zip archive"):
        extract_facts(tmp_path / "model.bin")
    torch_zip(tmp_path / "nodata.pt", b"", extra=None)
    with zipfile.ZipFile(tmp_path / "other.pt", "w") as archive:
        archive.writestr("notes.txt", "no pickle here")
    with pytest.raises(CorruptFile, match="other.pt: zip archive without a data.pkl"):
        extract_facts(tmp_path / "other.pt")
    with pytest.raises(CorruptFile, match="nodata.pt:archive/data.pkl: malformed pickle at byte 0: pickle exhausted before seeing STOP"):
        extract_facts(tmp_path / "nodata.pt")
