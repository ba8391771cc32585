"""sha256 of files, streamed once through a reused buffer; a rich progress bar for files above 100 MB."""
from __future__ import annotations

import hashlib
from pathlib import Path

PROGRESS_ABOVE = 100 * 1024 * 1024
_BLOCK = 1 << 20


_KNOWN: dict[tuple, str] = {}  # (resolved path, size, mtime_ns) -> digest: facts, reruns and card writers ask for the same files
_KNOWN_MAX = 4096


def sha256_file(path: str | Path, *, progress: bool = True) -> str:
    """Hex sha256 of one file, read once per file version in a process. The bar only shows on a terminal."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _KNOWN:
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.clear()
        _KNOWN[key] = _stream(path, stat.st_size, progress)
    return _KNOWN[key]


def _stream(path: Path, size: int, progress: bool) -> str:
    if progress and size > PROGRESS_ABOVE:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

        console = Console(stderr=True)
        if console.is_terminal:
            with Progress("sha256 {task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=console,
                          transient=True) as bar:
                task = bar.add_task(path.name, total=size)
                return _digest(path, lambda n: bar.advance(task, n))
    return _digest(path, None)


def _digest(path: Path, advance) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(_BLOCK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while True:
            count = handle.readinto(buffer)
            if not count:
                break
            digest.update(view[:count])
            if advance is not None:
                advance(count)
    return digest.hexdigest()


def file_record(path: Path, root: Path, *, digest: bool = True) -> dict:
    """{path (relative to root), size, sha256 (None when digests were not asked for)}."""
    return {"path": path.relative_to(root).as_posix() if path != root else path.name, "size": path.stat().st_size,
            "sha256": sha256_file(path) if digest else None}
