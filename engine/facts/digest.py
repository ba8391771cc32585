"""sha256 of files, streamed once: a local file through a reused buffer, a file behind a URI in ranged chunks
(engine.storage); a rich progress bar for files above 100 MB on a terminal."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Iterator

from engine.storage import ModelFile, open_tree
from engine.storage.locations import as_location

PROGRESS_ABOVE = 100 * 1024 * 1024
_BLOCK = 1 << 20


_KNOWN: dict[tuple, str] = {}  # (resolved path, size, mtime_ns) -> digest: facts, reruns and card writers ask for the same files
_KNOWN_MAX = 4096


def sha256_file(location: str | Path, *, progress: bool = True) -> str:
    """Hex sha256 of one file (a path or a URI), read once per local file version in a process. The bar only shows on a terminal."""
    where = as_location(location)
    if isinstance(where, Path):
        stat = where.stat()
        key = (str(where.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in _KNOWN:
            if len(_KNOWN) >= _KNOWN_MAX:
                _KNOWN.clear()
            _KNOWN[key] = _stream(where.name, stat.st_size, lambda: _local_blocks(where), progress)
        return _KNOWN[key]
    tree = open_tree(where)
    if not tree.single:
        raise IsADirectoryError(f"{location}: a digest is of one file, not a folder")
    return model_file_sha256(tree.files[0], progress=progress)


def model_file_sha256(file: ModelFile, *, progress: bool = True) -> str:
    """The digest of one file of a model tree: local files through sha256_file (remembered), remote ones streamed by ranges."""
    if file.tree.local:
        return sha256_file(Path(file.path), progress=progress)
    return _stream(file.name, file.size, file.chunks, progress)


def _stream(name: str, size: int, blocks: Callable[[], Iterator[bytes]], progress: bool) -> str:
    if progress and size > PROGRESS_ABOVE:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

        console = Console(stderr=True)
        if console.is_terminal:
            with Progress("sha256 {task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=console,
                          transient=True) as bar:
                task = bar.add_task(name, total=size)
                return _digest(blocks(), lambda n: bar.advance(task, n))
    return _digest(blocks(), None)


def _local_blocks(path: Path) -> Iterator[memoryview]:
    buffer = bytearray(_BLOCK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while count := handle.readinto(buffer):
            yield view[:count]


def _digest(blocks: Iterator, advance) -> str:
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
        if advance is not None:
            advance(len(block))
    return digest.hexdigest()


def file_record(file: ModelFile, *, digest: bool = True) -> dict:
    """{path (relative to the model's root), size, sha256 (None when digests were not asked for), bytes_read (what the facts
    readers fetched from it; the digest's own pass over all `size` bytes is not counted; None where it could not be counted)}."""
    sha256 = model_file_sha256(file) if digest else None
    return {"path": file.label, "size": file.size, "sha256": sha256, "bytes_read": file.bytes_read if file.counted else None}
