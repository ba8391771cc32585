"""Property-based fuzzing of the card loader and every weight-format reader: whatever the bytes, the answer is a value
the store can hold or the engine's own error naming the file; never another exception, never a hang.

Budgets are explicit (max_examples, deadline) so the whole file runs in seconds in CI; `HYPOTHESIS_PROFILE=deep`
runs 20x the examples by hand.
"""
from __future__ import annotations

import json
import os
import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cards import card_from_dict, parse_card
from engine.errors import CardInvalid, ModelLakeError
from engine.facts import extract_facts
from tests.hostile import files as f
from tests.hostile.corpus import CARD_HEAD, card_text

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def budget(examples: int):
    return settings(max_examples=examples * (20 if DEEP else 1), deadline=None, database=None, derandomize=not DEEP,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_storable(value: object) -> None:
    """What Postgres JSONB accepts: strict JSON (no NaN/Infinity) without NUL characters or lone surrogates."""
    text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    assert "\\u0000" not in text and "\x00" not in text
    text.encode("utf-8")


# ---------------------------------------------------------------------------------------------------- cards
YAML_SCALARS = st.sampled_from([
    "~", "null", "yes", "no", "on", "off", "true", ".nan", ".inf", "-.inf", "0x1F", "0o17", "017", "1_000", "1e400", "1.0e+400", "9" * 400,
    "2026-02-30", "0000-01-01", "2026-01-01T00:00:00Z", "2999-01-01", "!!binary aGk=", "!!python/name:os.system ''", "!foo bar", "!!int x",
    "!!float y", "!!bool z", "!!timestamp nope", "!!str 1", "'quoted'", '"\\0"', '"\\e"', '"\\ud800"', '"x\\n"', "*undefined", "&a 1", "<<",
    "{<<: 5}", "[<<]", "{a: &b 1, c: *b}", "{<<: [1, 2]}", "{<<: {a: 1}}", "- - -", "? a", "|\n  block", ">-\n  folded", "\t", "'", '"',
])
KEYS = st.sampled_from(["name", "version", "schema_version", "owners", "license", "claims", "parameters", "description", "created",
                        "evaluations", "value", "date", "artifacts", "path", "base_model", "hf_metadata", "<<", "tags", "x"])


def yaml_value(depth: int = 0):
    leaf = st.one_of(YAML_SCALARS, st.text(max_size=12), st.integers(-2**70, 2**70).map(str), st.floats().map(repr))
    if depth >= 3:
        return leaf
    return st.one_of(leaf, st.lists(yaml_value(depth + 1), max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
                     st.dictionaries(KEYS, yaml_value(depth + 1), max_size=3).map(lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"))


@st.composite
def card_documents(draw) -> bytes:
    """A real card's head, then lines of hostile YAML, maybe cut or with bytes spliced in."""
    lines = list(CARD_HEAD) + [f"{draw(KEYS)}: {draw(yaml_value())}" for _ in range(draw(st.integers(0, 4)))]
    raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=8)) + raw[at + draw(st.integers(0, 4)):]
    return raw


def check_card(raw: bytes) -> None:
    try:
        card = parse_card(raw, "fuzz.yaml")
    except CardInvalid as error:
        assert error.problems and all(problem.file == "fuzz.yaml" for problem in error.problems)
        return
    assert_storable(card.data)
    assert isinstance(card.name, str) and "\n" not in card.name and "\n" not in card.version


@pytest.mark.timeout(300)
@budget(200)
@given(raw=card_documents())
def test_card_loader_on_hostile_yaml(raw):
    check_card(raw)


@pytest.mark.timeout(300)
@budget(150)
@given(raw=st.binary(max_size=300))
def test_card_loader_on_arbitrary_bytes(raw):
    check_card(raw)


@pytest.mark.timeout(300)
@budget(150)
@given(text=st.text(max_size=200))
def test_card_loader_on_arbitrary_text(text):
    check_card(card_text(text.replace("\n", " ")).encode("utf-8", "surrogatepass"))


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(), st.text(max_size=10))
JSON = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8) | KEYS, inner, max_size=3),
                    max_leaves=12)
BASE = {"schema_version": "1", "name": "fuzz/card", "version": "1.0", "owners": [{"name": "x"}], "license": "mit"}


@pytest.mark.timeout(300)
@budget(300)
@given(extra=st.dictionaries(KEYS | st.text(max_size=6), JSON, max_size=4))
def test_json_cards_are_validated_or_refused(extra):
    try:
        card = card_from_dict(BASE | extra, "fuzz.json")
    except CardInvalid as error:
        assert error.problems
        return
    assert_storable(card.data)


# ---------------------------------------------------------------------------------------------------- weights
def check_weights(files: dict[str, bytes]) -> None:
    """Write `files` into a fresh folder and read facts from it: Facts that can be stored, or a ModelLakeError."""
    with tempfile.TemporaryDirectory(prefix="mlfuzz-") as folder:
        root = Path(folder)
        for name, data in files.items():
            (root / name).write_bytes(data)
        target = root / next(iter(files)) if len(files) == 1 else root
        try:
            facts = extract_facts(target, digest=False)
        except ModelLakeError as error:
            assert str(error)
            return
        assert_storable(facts.to_dict())


def mutated(data: bytes):
    """`data` with up to three edits: a byte flipped, bytes inserted, or the tail cut."""
    edit = st.one_of(
        st.tuples(st.just("flip"), st.integers(0, max(len(data) - 1, 0)), st.integers(1, 255)),
        st.tuples(st.just("insert"), st.integers(0, len(data)), st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("cut"), st.integers(0, len(data)), st.none()))

    def apply(edits) -> bytes:
        out = bytearray(data)
        for kind, at, arg in edits:
            at = min(at, len(out))
            if kind == "flip" and out:
                out[min(at, len(out) - 1)] ^= arg
            elif kind == "insert":
                out[at:at] = arg
            elif kind == "cut":
                del out[at:]
        return bytes(out)

    return st.lists(edit, min_size=1, max_size=3).map(apply)


SAFETENSORS_ENTRY = st.fixed_dictionaries({}, optional={"dtype": st.sampled_from(["F32", "F16", "BF16", "I64", "F128", "", None]) | JSON,
                                                        "shape": st.lists(st.integers(-3, 2**40) | JSON, max_size=3) | JSON,
                                                        "data_offsets": st.lists(st.integers(-8, 64), max_size=3) | JSON})


@pytest.mark.timeout(300)
@budget(300)
@given(header=st.dictionaries(st.sampled_from(["w", "b", "__metadata__", "a\x00"]) | st.text(max_size=5), SAFETENSORS_ENTRY | JSON, max_size=3),
       data=st.binary(max_size=64), length=st.none() | st.integers(0, 2**64 - 1))
def test_safetensors_reader(header, data, length):
    check_weights({"model.safetensors": f.safetensors_bytes(header, data, length=length)})


@pytest.mark.timeout(300)
@budget(200)
@given(data=mutated(f.safetensors_bytes(f.one_tensor_header(), b"\0" * 8)))
def test_safetensors_reader_on_mutated_bytes(data):
    check_weights({"model.safetensors": data})


@pytest.mark.timeout(300)
@budget(300)
@given(data=mutated(f.gguf_tiny()))
def test_gguf_reader_on_mutated_bytes(data):
    check_weights({"model.gguf": data})


@pytest.mark.timeout(300)
@budget(150)
@given(n_tensors=st.integers(0, 2**64 - 1), n_kv=st.integers(0, 2**64 - 1), version=st.integers(0, 2**32 - 1))
def test_gguf_reader_on_lying_counts(n_tensors, n_kv, version):
    check_weights({"model.gguf": f.gguf_tiny(n_tensors=n_tensors, n_kv=n_kv, version=version)})


# Opcode snippets a hostile pickle is made of: containers, memo, globals (allowed and not), calls, and raw bytes.
PICKLE_PIECES = st.sampled_from([
    b"}", b"]", b")", b"(", b"t", b"l", b"d", b"s", b"u", b"a", b"e", b"R", b"b", b"0", b"2", b"1", b"N", b"\x88", b"\x89", b"K\x01", b"J\xff\xff\xff\x7f",
    b"\x8a\x09" + b"\xff" * 9, b"X\x01\x00\x00\x00a", b"X\xff\xff\xff\x7f", b"q\x00", b"h\x00", b"h\x09", b"\x94", b"\x85", b"\x86", b"\x87",
    b"\x8f", b"\x90", b"\x91", b"\x93", b"\x81", b"\x92", b"Q", b"P0\n", b"\x82\x01", b"\x95\x00\x00\x00\x00\x00\x00\x00\x00",
    f.p_global("collections", "OrderedDict"), f.p_global("torch._utils", "_rebuild_tensor_v2"), f.p_global("torch", "FloatStorage"),
    f.p_global("os", "system"), f.p_global("builtins", "eval"), f.p_global("builtins", "dict"), f.p_global("torch", "Size"),
    f.p_tensor(), f.p_str("w"), f.p_str("storage"), b"\x80\x02", b"\x80\x05", b".",
])
PICKLES = st.lists(PICKLE_PIECES, max_size=24).map(lambda pieces: f.PROTO2 + b"".join(pieces) + f.STOP)


@pytest.mark.timeout(300)
@budget(200)
@given(data=PICKLES)
def test_pickle_reader(data):
    check_weights({"model.pkl": data})


@pytest.mark.timeout(300)
@budget(200)
@given(data=PICKLES | mutated(f.p_state_dict({"w": f.p_tensor()})))
def test_torch_zip_reader(data):
    check_weights({"pytorch_model.bin": f.torch_zip_bytes(data)})


@pytest.mark.timeout(300)
@budget(150)
@given(data=mutated(f.torch_zip_bytes(f.p_state_dict({"w": f.p_tensor()}))))
def test_torch_zip_reader_on_mutated_archive(data):
    check_weights({"pytorch_model.bin": data})


@pytest.mark.timeout(300)
@budget(300)
@given(config=JSON, adapter=JSON, modules=JSON | st.lists(st.fixed_dictionaries({}, optional={"type": JSON | st.sampled_from(
    ["sentence_transformers.models.Pooling", "sentence_transformers.models.Dense", "Transformer"]), "path": JSON | st.sampled_from(["", "1_Pooling", "..", "/etc"])}),
    max_size=3), which=st.sets(st.sampled_from(["config.json", "adapter_config.json", "modules.json"]), min_size=1))
def test_config_readers(config, adapter, modules, which):
    documents = {"config.json": config, "adapter_config.json": adapter, "modules.json": modules}
    files = {"model.safetensors": f.safetensors_bytes(f.one_tensor_header(), b"\0" * 8)}
    check_weights(files | {name: json.dumps(documents[name]).encode() for name in sorted(which)})


@pytest.mark.timeout(300)
@budget(100)
@given(raw=st.binary(max_size=64), name=st.sampled_from(["config.json", "adapter_config.json", "modules.json", "model.safetensors.index.json"]))
def test_config_readers_on_arbitrary_bytes(raw, name):
    check_weights({"model.safetensors": f.safetensors_bytes(f.one_tensor_header(), b"\0" * 8), name: raw})


def test_struct_layout_of_the_builders():
    """The builders write what the formats say: a valid tiny file of each kind reads cleanly."""
    with tempfile.TemporaryDirectory() as folder:
        for name, data in {"a.safetensors": f.safetensors_bytes(f.one_tensor_header(), b"\0" * 8), "b.gguf": f.gguf_tiny(),
                           "c.pkl": f.p_state_dict({"w": f.p_tensor()}), "d.bin": f.torch_zip_bytes(f.p_state_dict({"w": f.p_tensor()}))}.items():
            path = Path(folder) / name
            path.write_bytes(data)
            facts = extract_facts(path, digest=False).to_dict()
            assert facts["parameters"] in (2, 4), (name, facts)
    assert struct.unpack("<Q", f.safetensors_bytes({}, b"")[:8]) == (2,)
