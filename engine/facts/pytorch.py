"""PyTorch checkpoints (.bin/.pt/.pth/.ckpt) and bare pickles, read without unpickling.

torch.save writes a zip: `<name>/data.pkl` holds the structure (tensors as persistent ids naming a
storage), `<name>/data/<key>` the bytes. Older torch wrote consecutive pickles (magic number, protocol,
system info, the object, storage keys) followed by the bytes. Either way every pickle is walked by
engine.facts.pickles, which builds tensor records and reports imports outside the allow-list.
"""
from __future__ import annotations

import mmap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import CorruptFile
from engine.facts.pickles import PickleScan, TensorRecord, read_pickle
from engine.facts.tensors import TensorInfo

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_PROTO = 0x80
_WRAPPERS = ("state_dict.", "module.")  # training checkpoints nest the weights under these keys


@dataclass
class PickleCheckpoint:
    tensors: list[TensorInfo] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    layout: str = "pickle"


def read_torch_zip(file: Path) -> PickleCheckpoint:
    """Tensor table and unsafe imports of a torch.save zip archive."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            pickles = [name for name in names if name.endswith(".pkl")]
            main = next((name for name in pickles if name.endswith("data.pkl")), None)
            if main is None:
                raise CorruptFile(f"{file}: zip archive without a data.pkl (not a torch.save checkpoint)")
            result = PickleCheckpoint(layout="torch-zip")
            for name in pickles:
                scan = read_pickle(archive.read(name), f"{file}:{name}")
                result.findings.extend(_findings(f"{file.name}:{name}", scan))
                if name == main:
                    result.tensors = _tensor_table(file, scan.value)
            return result
    except zipfile.BadZipFile as error:
        raise CorruptFile(f"{file}: broken zip archive ({error})") from None
    except (EOFError, zipfile.LargeZipFile, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise CorruptFile(f"{file}: unreadable zip archive ({error})") from None


def read_pickle_file(file: Path) -> PickleCheckpoint:
    """A legacy torch checkpoint or any pickle file: every pickle stream at the start of the file is walked."""
    if file.stat().st_size == 0:
        raise CorruptFile(f"{file}: empty file, no pickle in it")
    with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        scans = [read_pickle(data, str(file))]  # protocols 0 and 1 have no PROTO opcode to recognise
        # a legacy torch file continues with more pickles (protocol, system info, object, storage keys)
        while scans[-1].end < len(data) and data[scans[-1].end] == _PROTO and len(scans) < 5:
            scans.append(read_pickle(data, str(file), scans[-1].end))
    legacy = scans[0].value == LEGACY_MAGIC and len(scans) >= 4
    result = PickleCheckpoint(layout="torch-legacy" if legacy else "pickle")
    for scan in scans:
        result.findings.extend(_findings(file.name, scan))
    result.tensors = _tensor_table(file, scans[3].value if legacy else scans[0].value)
    return result


def _findings(where: str, scan: PickleScan) -> list[dict]:
    return [{"file": where, "global": name, "severity": severity, "message": f"the pickle imports {name}, which {why}"}
            for name, severity, why in scan.unsafe_globals]


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
