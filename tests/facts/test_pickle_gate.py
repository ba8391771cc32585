"""The pickle gate fails closed: every hostile probe of tests/facts/hostile_pickles.py is caught, nothing ever runs.

Each probe is read by the lake's own opcode walk and by the maintained scanners (picklescan, fickling,
modelscan, all in their static modes); every verdict is recorded in the facts, and the lake's verdict for a
file is at least the most severe of theirs. `modellake audit --fail-on high` exits 1 on every probe, and the
marker file the payloads would create never appears across inspect, audit and submit.
"""
from __future__ import annotations

import json
import pickle

import pytest
import yaml
from click.testing import CliRunner

from api.cli import main
from engine.facts import extract_facts
from engine.facts.pickles import classify_global
from engine.facts.record import SEVERITY_ORDER
from tests.facts.hostile_pickles import build_corpus
from tests.policy.cards import GOOD_CARD

SCANNERS = ("picklescan", "fickling", "modelscan")
GATE = ("critical", "high")


def rank(severity: str | None) -> int:
    """critical 4 ... low 1, none 0."""
    return len(SEVERITY_ORDER) - SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    marker = folder / "MARKER"
    probes = build_corpus(folder / "corpus", marker)
    yield probes, marker
    assert not marker.exists(), "a hostile pickle was executed"


@pytest.fixture(scope="module")
def facts_of(corpus):
    probes, _ = corpus
    return {probe.name: extract_facts(path).to_dict() for probe, path in probes}


def test_the_corpus_covers_protocols_containers_and_tricks(corpus):
    probes, _ = corpus
    assert len(probes) >= 25
    data = {probe.name: path.read_bytes() for probe, path in probes}
    zips = [name for name, raw in data.items() if raw[:4] == b"PK\x03\x04"]
    protocols = {raw[1] for raw in data.values() if raw[:1] == b"\x80"}
    assert protocols >= {2, 3, 4, 5} and {"p0-os-system.pkl", "p1-exec.pkl"} <= set(data)  # protocols 0 and 1 have no PROTO opcode
    assert data["p1-exec.pkl"][:1] != b"\x80" and pickle.PROTO not in data["p0-os-system.pkl"][:1]
    assert len(zips) >= 5 and len(data) - len(zips) >= 20


def test_every_probe_is_caught_with_its_imports_named(corpus, facts_of):
    probes, _ = corpus
    missed = {}
    for probe, _path in probes:
        findings = facts_of[probe.name]["security"]["findings"]
        worst = max((rank(f["severity"]) for f in findings), default=0)
        named = {f["global"] for f in findings}
        if worst < rank(probe.expected) or not set(probe.imports) <= named:
            missed[probe.name] = sorted((f["severity"], f["global"]) for f in findings)
    assert missed == {}


def test_every_scanner_verdict_is_recorded_and_the_lake_is_at_least_their_union(corpus, facts_of):
    probes, _ = corpus
    table = {}
    for probe, _path in probes:
        security = facts_of[probe.name]["security"]
        verdicts = security["scanners"][probe.name]
        assert set(verdicts) == set(SCANNERS), verdicts
        lake = max((rank(f["severity"]) for f in security["findings"]), default=0)
        for scanner, verdict in verdicts.items():
            assert verdict["verdict"] in ("unsafe", "suspicious", "safe", "error", "not scanned"), verdict
            assert lake >= rank(verdict["severity"]), (probe.name, scanner, verdict)
        table[probe.name] = {scanner: verdicts[scanner]["verdict"] for scanner in SCANNERS}
    print(json.dumps(table, indent=1))
    assert sum(row["picklescan"] == "unsafe" for row in table.values()) >= 8  # the scanners do catch much of it themselves


@pytest.fixture(scope="module")
def card_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("card") / "card.yaml"
    card = {key: value for key, value in GOOD_CARD.items() if key not in ("artifacts", "base_model", "base_model_relation", "claims")}
    path.write_text(yaml.safe_dump(card))
    return path


def test_audit_fails_on_high_for_every_probe(corpus, card_file):
    probes, marker = corpus
    exits = {}
    for probe, path in probes:
        result = CliRunner().invoke(main, ["audit", str(card_file), "--weights", str(path), "--fail-on", "high", "--as-of", "2026-06-01"])
        exits[probe.name] = (result.exit_code, "security.no-unsafe-pickle" in result.output)
    assert exits == {probe.name: (1, True) for probe, _ in probes}
    assert not marker.exists()


def test_inspect_exits_1_and_submit_stores_nothing_that_runs(corpus, lake_env, tmp_path):
    probes, marker = corpus
    for probe, path in probes:
        result = CliRunner().invoke(main, ["inspect", str(path), "--no-digest", "--json"])
        assert result.exit_code == 1, (probe.name, result.output[-500:])
    folder = probes[0][1].parent
    card = tmp_path / "card.yaml"
    card.write_text(yaml.safe_dump({key: value for key, value in GOOD_CARD.items() if key not in ("artifacts", "base_model", "base_model_relation",
                                                                                                   "claims")}))
    result = CliRunner().invoke(main, ["submit", str(card), "--weights", str(folder), "--json"])
    assert result.exit_code in (0, 1), result.output[-2000:]
    review = json.loads(result.stdout)["review"]
    assert review["verdict"] == "rejected"
    assert any(f["rule_id"] == "security.no-unsafe-pickle" and f["outcome"] == "fail" for f in review["violations"])
    assert not marker.exists()


def test_a_duplicate_entry_in_a_zip_is_critical(corpus, facts_of):
    findings = facts_of["torch-zip-duplicate-data.pt"]["security"]["findings"]
    duplicates = [f for f in findings if f["kind"] == "duplicate-entry"]
    assert [(f["severity"], f["file"]) for f in duplicates] == [("critical", "torch-zip-duplicate-data.pt:archive/data.pkl")]
    assert "first" in duplicates[0]["message"] and "last" in duplicates[0]["message"]


def test_a_clean_torch_checkpoint_passes_every_scanner(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"encoder.layer.0.weight": torch.ones(4, 4), "encoder.layer.1.weight": torch.zeros(4, 4).half()}, tmp_path / "pytorch_model.bin")
    security = extract_facts(tmp_path / "pytorch_model.bin").to_dict()["security"]
    assert security["findings"] == []
    verdicts = security["scanners"]["pytorch_model.bin"]
    # fickling grades every import outside the standard library LIKELY_UNSAFE, torch's own rebuild functions included:
    # recorded as suspicious, not counted, or every checkpoint would be refused
    assert {name: v["verdict"] for name, v in verdicts.items()} == {"picklescan": "safe", "fickling": "suspicious", "modelscan": "safe"}
    assert verdicts["fickling"]["grade"] == "LIKELY_UNSAFE" and "torch._utils" in verdicts["fickling"]["detail"]


@pytest.mark.parametrize(("name", "severity"), [
    ("timeit.timeit", "critical"), ("timeit.Timer", "critical"), ("pdb.run", "critical"), ("bdb.Bdb", "critical"), ("cProfile.run", "critical"),
    ("profile.run", "critical"), ("trace.Trace", "critical"), ("runpy._run_code", "critical"), ("code.InteractiveInterpreter", "critical"),
    ("codeop.compile_command", "critical"), ("importlib.import_module", "critical"), ("pkgutil.resolve_name", "critical"),
    ("numpy.testing._private.utils.runstring", "critical"), ("numpy.f2py.crackfortran.getlincoef", "critical"),
    ("torch.hub.load", "critical"), ("torch.jit.load", "critical"), ("torch.load", "critical"), ("torch.serialization.load", "critical"),
    ("torch.storage._load_from_bytes", "critical"), ("builtins.getattr", "critical"), ("builtins.__import__", "critical"),
    ("functools.partial", "critical"), ("_operator.attrgetter", "critical"), ("pydoc.locate", "critical"), ("doctest.debug_script", "critical"),
    ("posix.system", "critical"), ("nt.system", "critical"), ("_posixsubprocess.fork_exec", "critical"), ("multiprocessing.Process", "critical"),
    ("asyncio.create_subprocess_shell", "critical"), ("ctypes.CDLL", "critical"), ("venv.create", "critical"), ("pip.main", "critical"),
    ("shutil.copyfile", "high"), ("io.open", "high"), ("_io.FileIO", "high"), ("socket.create_connection", "high"), ("webbrowser.open", "high"),
    ("time.perf_counter", "high"), ("decimal.Decimal", "high"), ("transformers.training_args.TrainingArguments", "high"),
    ("torch._utils._rebuild_tensor_v2", None), ("collections.OrderedDict", None), ("torch.FloatStorage", None),
])
def test_classification_fails_closed(name, severity):
    verdict = classify_global(name)
    assert (verdict and verdict[0]) == severity


def test_protocol_one_has_no_proto_opcode_and_is_still_read(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"w": [1.0]}, protocol=1))
    assert extract_facts(path).to_dict()["security"]["findings"] == []
