"""PyTorch checkpoints (.bin/.pt/.pth/.ckpt) and bare pickles, read without unpickling.

torch.save writes a zip: `<name>/data.pkl` holds the structure (tensors as persistent ids naming a
storage), `<name>/data/<key>` the bytes. Older torch wrote consecutive pickles (magic number, protocol,
system info, the object, storage keys) followed by the bytes. Either way every pickle is walked by
engine.facts.pickles, which builds tensor records and reports imports outside the allow-list.
"""
from __future__ import annotations

import mmap
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import CorruptFile
from engine.facts.pickles import MalformedPickle, PickleScan, TensorRecord, read_pickle
from engine.facts.tensors import TensorInfo

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
ZIP_MAGIC = b"PK\x03\x04"
LEGACY_PICKLES = 5  # magic number, protocol version, system info, the object, storage keys; the storage bytes follow
_MAX_STREAMS = 64   # further pickles after the first in a bare file (pickle.load in a loop reads them)
_WRAPPERS = ("state_dict.", "module.")  # training checkpoints nest the weights under these keys
MAX_PICKLE_BYTES = 64 * 1024 * 1024  # data.pkl is the structure, not the weights: a few MB for checkpoints of 100,000 tensors


@dataclass
class PickleCheckpoint:
    tensors: list[TensorInfo] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    layout: str = "pickle"
    pickled_bytes: int = 0  # bare files: where the last pickle read ends (the scanners' cross-check reads this much)
    errors: list[str] = field(default_factory=list)  # pickles that broke off after imports worth reporting


def read_torch_zip(file: Path) -> PickleCheckpoint:
    """Tensor table and unsafe imports of a torch.save zip archive; a file named like one that is no zip is a legacy pickle.

    Every entry is read by its own directory record, so two entries with one name are both scanned: torch loads the
    first, Python's zipfile the last, and a scanner built on zipfile would see only the harmless one.
    """
    with file.open("rb") as handle:
        if handle.read(4) != ZIP_MAGIC:
            return read_pickle_file(file)  # torch.load decides by the same four bytes and falls back to its legacy (pickle) loader
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            pickles = [entry for entry in entries if entry.filename.endswith(".pkl")]
            main = next((entry for entry in pickles if entry.filename.endswith("data.pkl")), None)
            if main is None:
                raise CorruptFile(f"{file}: zip archive without a data.pkl (not a torch.save checkpoint)")
            result = PickleCheckpoint(layout="torch-zip")
            for name, count in Counter(entry.filename for entry in entries).items():
                if count > 1:
                    result.findings.append(finding(f"{file.name}:{name}", None, "critical", "duplicate-entry",
                                                   f"the archive holds {count} entries named {name}: torch loads the first, Python's zipfile reads "
                                                   "the last, so a loader and a scanner can see different pickles"))
            for entry in pickles:
                if entry.file_size > MAX_PICKLE_BYTES:  # a zip bomb is refused before one byte is inflated
                    raise CorruptFile(f"{file}:{entry.filename} inflates to {entry.file_size:,} bytes, above the {MAX_PICKLE_BYTES:,}-byte "
                                      "limit for a checkpoint's pickle")
                scan = _scan(lambda: read_pickle(archive.read(entry), f"{file}:{entry.filename}"), result)
                result.findings.extend(_findings(f"{file.name}:{entry.filename}", scan))
                if entry is main:
                    result.tensors = _tensor_table(file, scan.value)
            return result
    except zipfile.BadZipFile as error:
        raise CorruptFile(f"{file}: broken zip archive ({error})") from None
    except (EOFError, zipfile.LargeZipFile, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise CorruptFile(f"{file}: unreadable zip archive ({error})") from None


def read_pickle_file(file: Path) -> PickleCheckpoint:
    """A legacy torch checkpoint or any pickle file: every pickle stream a loader would read is walked.

    A legacy torch file is exactly five pickles of any protocol (the object may be protocol 0, with no PROTO opcode)
    followed by storage bytes; any other file is read like `pickle.load` in a loop: pickle after pickle to the end.
    """
    if file.stat().st_size == 0:
        raise CorruptFile(f"{file}: empty file, no pickle in it")
    with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        result = PickleCheckpoint()
        scans = [_scan(lambda: read_pickle(data, str(file)), result, first=True)]
        legacy = scans[0].value == LEGACY_MAGIC
        while scans[-1].end and scans[-1].end < len(data) and len(scans) < (LEGACY_PICKLES if legacy else _MAX_STREAMS):
            start = scans[-1].end
            scans.append(_scan(lambda: read_pickle(data, str(file), start), result, first=legacy))
        result.pickled_bytes = max(scan.end for scan in scans) or len(data)
    legacy = legacy and len(scans) >= 4
    result.layout = "torch-legacy" if legacy else "pickle"
    for scan in scans:
        result.findings.extend(_findings(file.name, scan))
    result.tensors = _tensor_table(file, scans[3].value if legacy else scans[0].value)
    return result


def _scan(read, result: PickleCheckpoint, *, first: bool = True) -> PickleScan:
    """One pickle stream. A stream that breaks off still reports the imports before the break (an unpickler has run
    them by then); one that breaks off with nothing to report is a corrupt file when a loader must read it (`first`),
    and the end of the pickles otherwise (storage bytes, trailing data)."""
    try:
        return read()
    except MalformedPickle as error:
        if error.scan.unsafe_globals:
            result.errors.append(str(error))
            return error.scan
        if first:
            raise CorruptFile(str(error)) from None
        return PickleScan()


def finding(where: str, name: str | None, severity: str, kind: str, message: str) -> dict:
    """A security finding: `global` is the import for kind `import`, else null."""
    return {"file": where, "global": name, "severity": severity, "kind": kind, "message": message}


def _findings(where: str, scan: PickleScan) -> list[dict]:
    return [finding(where, name, severity, "import", f"the pickle imports {name}, which {why}") for name, severity, why in scan.unsafe_globals]


def _tensor_table(file: Path, value: object) -> list[TensorInfo]:
    found: list[TensorInfo] = []
    _walk(value, "", file, found, set())
    return [TensorInfo(_unwrap(t.name), t.dtype, t.shape, t.file, storage=t.storage) for t in found]


def _walk(value: object, prefix: str, file: Path, found: list[TensorInfo], visiting: set[int]) -> None:
    if isinstance(value, TensorRecord):
        found.append(TensorInfo(prefix.rstrip("."), value.storage.dtype, value.shape, file,
                                storage=f"{value.storage.key}@{value.offset}"))
        return
    if id(value) in visiting:  # memo references can make cycles
        return
    if isinstance(value, dict):
        visiting.add(id(value))
        for key, item in value.items():
            _walk(item, f"{prefix}{key}.", file, found, visiting)
    elif isinstance(value, (list, tuple)):
        visiting.add(id(value))
        for index, item in enumerate(value):
            _walk(item, f"{prefix}{index}.", file, found, visiting)


def _unwrap(name: str) -> str:
    for wrapper in _WRAPPERS:
        while name.startswith(wrapper) and name.count(".") > 1:
            name = name[len(wrapper):]
    return name
