"""Pickle read as data: the opcodes are walked with pickletools and a small stack machine, nothing is executed.

A pickle is a program: GLOBAL/STACK_GLOBAL/INST/OBJ import a callable and REDUCE calls it, which is how a
malicious checkpoint runs `os.system` on load. Here every import is looked up in SAFE_GLOBALS, a table of
inert stand-ins (a tensor record for torch's `_rebuild_tensor_v2`, a dict for `OrderedDict`); anything
else becomes an `Opaque` placeholder and a security finding whose severity comes from UNSAFE_GLOBALS.
The result is the checkpoint's structure with tensors as records (storage dtype, shape, storage key).
"""
from __future__ import annotations

import _compat_pickle
import pickletools
from dataclasses import dataclass, field

from engine.errors import CorruptFile

# torch storage class -> safetensors dtype name
STORAGE_DTYPES = {
    "DoubleStorage": "F64", "FloatStorage": "F32", "HalfStorage": "F16", "BFloat16Storage": "BF16", "LongStorage": "I64",
    "IntStorage": "I32", "ShortStorage": "I16", "CharStorage": "I8", "ByteStorage": "U8", "BoolStorage": "BOOL",
}


@dataclass(frozen=True)
class StorageType:
    dtype: str


@dataclass(frozen=True)
class StorageRef:
    """What torch's persistent id names: a storage by key, in a file of the archive."""

    dtype: str
    key: str


@dataclass(frozen=True)
class TensorRecord:
    storage: StorageRef
    offset: int
    shape: tuple[int, ...]


@dataclass(eq=False)
class Opaque:
    """An object the pickle would have built by importing `name`; we only remember the name."""

    name: str
    state: object = None


def _rebuild_tensor(storage, offset=0, size=(), *_rest) -> TensorRecord | Opaque:
    if not isinstance(storage, StorageRef):
        return Opaque("torch._utils._rebuild_tensor_v2")
    return TensorRecord(storage, int(offset), tuple(int(n) for n in size))


def _first(value=None, *_rest):
    return value


# Allowed imports -> a pure function building an inert value from the pickled arguments.
SAFE_GLOBALS = {
    "collections.OrderedDict": lambda *args: dict(*args),
    "builtins.dict": lambda *args: dict(*args),
    "builtins.list": lambda *args: list(*args),
    "builtins.tuple": lambda *args: tuple(*args),
    "builtins.set": lambda *args: set(*args),
    "builtins.frozenset": lambda *args: frozenset(*args),
    "builtins.slice": lambda *args: Opaque("builtins.slice"),
    "builtins.bytearray": lambda *args: Opaque("builtins.bytearray"),
    "_codecs.encode": lambda text="", *_: text.encode("latin-1") if isinstance(text, str) else b"",
    "torch._utils._rebuild_tensor": _rebuild_tensor,
    "torch._utils._rebuild_tensor_v2": _rebuild_tensor,
    "torch._utils._rebuild_parameter": _first,
    "torch._utils._rebuild_parameter_with_state": _first,
    "torch.Size": lambda *args: tuple(*args),
    "torch.device": lambda *args: str(args[0]) if args else "cpu",
    "numpy.core.multiarray._reconstruct": lambda *args: Opaque("numpy.ndarray"),
    "numpy._core.multiarray._reconstruct": lambda *args: Opaque("numpy.ndarray"),
    "numpy.core.multiarray.scalar": lambda *args: Opaque("numpy.scalar"),
    "numpy._core.multiarray.scalar": lambda *args: Opaque("numpy.scalar"),
    "numpy.ndarray": lambda *args: Opaque("numpy.ndarray"),
    "numpy.dtype": lambda *args: Opaque("numpy.dtype"),
    **{f"torch.{name}": StorageType(dtype) for name, dtype in STORAGE_DTYPES.items()},
    **{f"torch.{name}": f"torch.{name}" for name in ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8",
                                                    "uint8", "bool", "strided", "contiguous_format", "preserve_format")},
}

# Imports outside the allow-list, by module or name prefix (first match wins): severity and why it matters. Anything on
# neither list is `high` (UNLISTED): the gate fails closed, a loader would import it and may call it.
_RUNS_COMMANDS = ("os.", "posix.", "nt.", "subprocess.", "_posixsubprocess.", "pty.", "commands.", "multiprocessing.", "_multiprocessing.",
                  "asyncio.", "ctypes.", "_ctypes.", "venv.", "ensurepip.", "pip.", "_osx_support.", "_aix_support.", "_pyrepl.", "uuid._get_command_stdout",
                  "imaplib.IMAP4_stream", "platform.popen", "pipes.")
_RUNS_CODE = (
    # builtins that evaluate text, import by name, or reach any attribute (getattr chains)
    "builtins.eval", "builtins.exec", "builtins.compile", "builtins.__import__", "builtins.getattr", "builtins.setattr", "builtins.delattr",
    "builtins.globals", "builtins.locals", "builtins.vars", "builtins.breakpoint", "builtins.apply",
    # callables that call what they are given, later: attrgetter("system")(os), partial(os.system, ...)()
    "operator.", "_operator.", "functools.",
    # import machinery and code runners: each turns a string into running code
    "importlib.", "_imp.", "imp.", "pkgutil.", "zipimport.", "runpy.", "code.", "codeop.", "timeit.", "pdb.", "bdb.", "cProfile.", "profile.",
    "_lsprof.", "trace.", "doctest.", "pydoc.", "idlelib.", "lib2to3.", "test.", "site.", "marshal.", "types.",
    # loaders of more pickles (or of code): the inner payload runs with no scan
    "pickle.", "_pickle.", "dill.", "cloudpickle.", "joblib.", "shelve.", "numpy.load", "numpy.lib.npyio.",
    "numpy.testing.", "numpy.f2py.", "numpy.ctypeslib.", "numpy.distutils.", "pandas.read_pickle", "torch.load", "torch.serialization.",
    "torch.storage._load_from_bytes", "torch.hub.", "torch.jit.", "torch.package.", "torch._C._jit", "torch._dynamo.", "torch._inductor.",
    "torch.fx.", "torch.utils._config_module.", "torch.utils.bottleneck.", "torch.utils.collect_env.", "torch.utils.data.datapipes.",
    "torch._export.", "keras.", "tensorflow.",
)
UNSAFE_GLOBALS = (
    (_RUNS_COMMANDS, "critical", "runs commands on the host when the file is loaded"),
    (_RUNS_CODE, "critical", "executes arbitrary code when the file is loaded"),
    (("socket.", "_socket.", "ssl.", "urllib.", "http.", "httplib.", "requests.", "aiohttp.", "webbrowser.", "ftplib.", "smtplib.", "telnetlib.",
      "xmlrpc."), "high", "opens network connections when the file is loaded"),
    (("shutil.", "builtins.open", "io.", "_io.", "tempfile.", "sys.", "signal.", "gc.", "glob.", "pathlib.", "logging."), "high",
     "touches files or the interpreter when the file is loaded"),
)
UNLISTED = ("high", "is not on the allow-list; loading the file would import it and may call it")
DOTTED = ("critical", "is an attribute path resolved at load time, which can reach any module through module attributes")
COMPUTED = ("critical", "imports a name computed while loading, which no scan can know in advance")


def classify_global(name: str) -> tuple[str, str] | None:
    """None for an allowed import, else (severity, why)."""
    if name in SAFE_GLOBALS:
        return None
    for prefixes, severity, why in UNSAFE_GLOBALS:
        if name.startswith(prefixes) or name + "." in prefixes:
            return severity, why
    return UNLISTED


@dataclass
class PickleScan:
    """The rebuilt structure of one pickle and the globals it imports that are not allowed."""

    value: object = None
    unsafe_globals: list[tuple[str, str, str]] = field(default_factory=list)  # (global, severity, why)
    end: int = 0  # offset just past STOP


class MalformedPickle(CorruptFile):
    """A pickle that breaks off: `scan` holds what came before, which an unpickler would already have run."""

    def __init__(self, message: str, scan: PickleScan):
        super().__init__(message)
        self.scan = scan


_PUSH_ARG = frozenset({
    "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4", "FLOAT", "BINFLOAT", "STRING", "BINSTRING", "SHORT_BINSTRING",
    "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES", "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8",
})
_CONSTANTS = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}
# A checkpoint's pickle is its structure, about 20 opcodes per tensor: 2 million is 100,000 tensors, and bounds the walk.
MAX_OPCODES = 2_000_000
_EMPTY = {"EMPTY_DICT": dict, "EMPTY_LIST": list, "EMPTY_TUPLE": tuple, "EMPTY_SET": set}


class _Machine:
    """Just enough of the unpickler's stack machine to rebuild containers, without importing anything."""

    def __init__(self, persistent_load, label: str):
        self.stack: list = []
        self.marks: list[int] = []
        self.memo: dict = {}
        self.persistent_load = persistent_load
        self.scan = PickleScan()
        self.label = label

    def pop_mark(self) -> list:
        start = self.marks.pop()
        items = self.stack[start:]
        del self.stack[start:]
        return items

    def resolve(self, module: object, name: object):
        if not (isinstance(module, str) and isinstance(name, str)):  # STACK_GLOBAL operands built by earlier opcodes
            return self.flag(f"<computed: {_describe(module)}.{_describe(name)}>", COMPUTED)
        # Python 2 names (protocols 0-2 write them) mean what the unpickler maps them to: __builtin__ is builtins.
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        verdict = classify_global(full)
        if verdict is None:
            return SAFE_GLOBALS[full]
        if "." in name and verdict[0] != "critical":
            verdict = DOTTED  # protocol 4 resolves "a.b.c" attribute by attribute: posixpath + "os.system" is os.system
        return self.flag(full, verdict)

    def flag(self, full: str, verdict: tuple[str, str]) -> Opaque:
        if not any(found == full for found, _, _ in self.scan.unsafe_globals):
            self.scan.unsafe_globals.append((full, *verdict))
        return Opaque(full)

    def call(self, target, args):
        if isinstance(target, Opaque):
            return Opaque(target.name)
        if callable(target) and not isinstance(target, type):
            try:
                return target(*args)
            except (TypeError, ValueError, AttributeError):
                return Opaque("unbuildable")
        return Opaque(str(target))

    def step(self, name: str, arg) -> None:
        stack = self.stack
        if name in _PUSH_ARG:
            stack.append(arg)
        elif name in _CONSTANTS:
            stack.append(_CONSTANTS[name])
        elif name in _EMPTY:
            stack.append(_EMPTY[name]())
        elif name == "MARK":
            self.marks.append(len(stack))
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            self.memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            self.memo[len(self.memo)] = stack[-1]
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(self.memo[arg])
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            count = int(name[-1])
            items = tuple(stack[-count:])
            del stack[-count:]
            stack.append(items)
        elif name == "TUPLE":
            stack.append(tuple(self.pop_mark()))
        elif name == "LIST":
            stack.append(self.pop_mark())
        elif name == "DICT":
            items = self.pop_mark()
            stack.append({})
            _set_items(stack[-1], items)
        elif name == "FROZENSET":
            stack.append(frozenset(_hashable(v) for v in self.pop_mark()))
        elif name == "APPEND":
            value = stack.pop()
            _add(stack[-1], [value])
        elif name == "APPENDS":
            values = self.pop_mark()
            _add(stack[-1], values)
        elif name == "SETITEM":
            value, key = stack.pop(), stack.pop()
            _set_items(stack[-1], [key, value])
        elif name == "SETITEMS":
            items = self.pop_mark()
            _set_items(stack[-1], items)
        elif name == "ADDITEMS":
            items = self.pop_mark()
            if isinstance(stack[-1], set):
                stack[-1].update(_hashable(v) for v in items)
        elif name == "GLOBAL":
            module, _, attribute = arg.partition(" ")
            stack.append(self.resolve(module, attribute))
        elif name == "STACK_GLOBAL":
            attribute, module = stack.pop(), stack.pop()
            stack.append(self.resolve(module, attribute))
        elif name == "INST":
            module, _, attribute = arg.partition(" ")
            args = self.pop_mark()
            stack.append(self.call(self.resolve(module, attribute), args))
        elif name == "OBJ":
            target, *args = self.pop_mark()
            stack.append(self.call(target, args))
        elif name == "REDUCE":
            args, target = stack.pop(), stack.pop()
            stack.append(self.call(target, args if isinstance(args, tuple) else ()))
        elif name == "NEWOBJ":
            args, target = stack.pop(), stack.pop()
            stack.append(self.call(target, args if isinstance(args, tuple) else ()))
        elif name == "NEWOBJ_EX":
            stack.pop()  # keyword arguments: no allowed constructor takes any
            args, target = stack.pop(), stack.pop()
            stack.append(self.call(target, args if isinstance(args, tuple) else ()))
        elif name == "BUILD":
            state = stack.pop()
            if isinstance(stack[-1], Opaque):
                stack[-1].state = state
        elif name == "PERSID":
            stack.append(self.persistent_load((arg,)))
        elif name == "BINPERSID":
            stack.append(self.persistent_load(stack.pop()))
        elif name in ("EXT1", "EXT2", "EXT4"):
            stack.append(self.flag(f"copyreg extension {arg}", UNLISTED))
        elif name == "POP":
            stack.pop()
        elif name == "POP_MARK":
            self.pop_mark()
        elif name == "DUP":
            stack.append(stack[-1])
        elif name in ("NEXT_BUFFER", "READONLY_BUFFER"):
            stack.append(Opaque("out-of-band buffer"))
        elif name not in ("PROTO", "FRAME", "STOP"):
            raise CorruptFile(f"{self.label}: pickle opcode {name} is not understood")


def _describe(value: object) -> str:
    return value if isinstance(value, str) else value.name if isinstance(value, Opaque) else type(value).__name__


def _hashable(value):
    try:
        hash(value)
        return value
    except TypeError:
        return Opaque("unhashable")


def _add(target, values) -> None:
    if isinstance(target, list):
        target.extend(values)


def _set_items(target, items) -> None:
    if isinstance(target, dict):
        for key, value in zip(items[::2], items[1::2]):
            try:
                target[key] = value
            except TypeError:  # no unpickler can build a dict keyed by a list: the stream is malformed
                raise ValueError(f"a dict key is a {type(key).__name__}, which cannot be a key") from None


def torch_persistent_load(pid) -> object:
    """torch.save's persistent id: ('storage', storage type, key, location, numel[, view metadata])."""
    if isinstance(pid, tuple) and len(pid) >= 3 and pid[0] == "storage":
        storage_type = pid[1]
        dtype = storage_type.dtype if isinstance(storage_type, StorageType) else "unknown"
        return StorageRef(dtype, str(pid[2]))
    return Opaque("persistent id")


def read_pickle(data: bytes, label: str, start: int = 0, persistent_load=torch_persistent_load) -> PickleScan:
    """Rebuild one pickle stream starting at `start`, as data; CorruptFile when it is truncated or malformed."""
    machine = _Machine(persistent_load, label)
    stream = _Reader(data, start)
    try:
        for count, (opcode, arg, position) in enumerate(pickletools.genops(stream)):
            if count > MAX_OPCODES:
                raise CorruptFile(f"{label}: more than {MAX_OPCODES:,} pickle opcodes before STOP; a checkpoint's structure is far smaller")
            machine.step(opcode.name, arg)
            if opcode.name == "STOP":
                machine.scan.value = machine.stack.pop() if machine.stack else None
                machine.scan.end = stream.tell()
                return machine.scan
    except MalformedPickle:
        raise
    except (CorruptFile, ValueError, IndexError, KeyError, EOFError, UnicodeDecodeError) as error:
        why = str(error).removeprefix(f"{label}: ") if isinstance(error, CorruptFile) else f"malformed pickle at byte {stream.tell()}: {error}"
        raise MalformedPickle(f"{label}: {why}", machine.scan) from None
    raise MalformedPickle(f"{label}: pickle ends without STOP (truncated)", machine.scan)


class _Reader:
    """A file-like view of bytes from an offset (pickletools.genops reads with read/readline/tell)."""

    def __init__(self, data: bytes, start: int):
        self.data, self.position = data, start

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n < 0 else min(self.position + n, len(self.data))
        chunk = self.data[self.position:end]
        self.position = end
        return chunk

    def readline(self) -> bytes:
        end = self.data.find(b"\n", self.position)
        return self.read(-1 if end < 0 else end + 1 - self.position)

    def tell(self) -> int:
        return self.position
