"""The one opener of model files: a local file or folder, or one behind a URI (fsspec; s3fs for S3), read by ranges.

Every read a facts reader makes is `read_at(offset, length)`: `os.pread` on this disk, one ranged GET in an object store
(fsspec's `cat_file(path, start, end)`), never a download of the whole file. Each file counts what its readers fetched
(`bytes_read`, reported in facts.files); the sha256 pass streams the file once in DIGEST_CHUNK pieces and is counted apart.
A reader that needs the whole file on disk (the pickle scanners, the weight sketch's memory map) asks `local_copy()`: the
file itself when it is local, else a temporary copy streamed once.
"""
from __future__ import annotations

import contextlib
import io
import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from engine.errors import ModelLakeError, NotFound, UsageError
from engine.files import open_regular, require_regular_file
from engine.storage.locations import Location, as_location, read_block_bytes

DIGEST_CHUNK = 8 * 1024 * 1024  # one ranged GET per 8 MiB while hashing: few requests, little memory
MAX_WHOLE_READ = 64 * 1024 * 1024  # a config file read whole; anything bigger is not a config
HIDDEN = (".", "__pycache__")
MAX_MODEL_FILES = 10_000  # sharded checkpoints hold hundreds; a folder with more is not a model, and is not walked further


class StorageUnavailable(ModelLakeError):
    """The object store did not answer (network, endpoint, credentials): worth retrying, not the input's fault."""

    status = 503
    title = "Object storage unavailable"


@dataclass(eq=False)
class ModelFile:
    """One file of a model: its label (path relative to the model's root), size, and counted ranged reads."""

    tree: ModelTree
    path: str  # the file system's own spelling (a local path, or bucket/key)
    label: str
    size: int
    bytes_read: int = 0
    counted: bool = True  # False when a reader went around read_at (a local pickle's memory map): bytes_read is then unknown
    _head: bytes | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return posixpath.basename(self.label)

    @property
    def location(self) -> Location:
        """What a tensor table points at: the local Path (the lineage sketch maps its bytes), or the URI."""
        return Path(self.path) if self.tree.local else self.tree.uri_of(self.path)

    def __str__(self) -> str:
        return str(self.location)

    def read_at(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes from `offset` (fewer at the end of the file), in one ranged read."""
        end = min(self.size, offset + max(0, length))
        if end <= offset:
            return b""
        data = self.tree.fetch(self.path, offset, end)
        self.bytes_read += len(data)
        return data

    def head(self, count: int = 16) -> bytes:
        """The first `count` (<= 16) bytes, read once: every file's format is recognised by them."""
        if self._head is None:
            self._head = self.read_at(0, 16)
        return self._head[:count]

    def read_bytes(self, limit: int = MAX_WHOLE_READ) -> bytes:
        if self.size > limit:
            raise UsageError(f"{self}: {self.size:,} bytes, above the {limit:,} a file read whole may hold")
        return self.read_at(0, self.size)

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.read_bytes().decode(encoding)

    def open(self) -> io.BufferedReader:
        """A seekable binary file object over ranged reads (what zipfile needs), counted like read_at."""
        return io.BufferedReader(_RangedRaw(self), buffer_size=self.tree.block_bytes)

    def chunks(self, size: int = DIGEST_CHUNK) -> Iterator[bytes]:
        """The whole file in order, `size` bytes at a time (the digest's one pass; not counted in bytes_read)."""
        for offset in range(0, self.size, size):
            yield self.tree.fetch(self.path, offset, min(self.size, offset + size))

    @contextlib.contextmanager
    def local_copy(self) -> Iterator[Path]:
        """The file on this disk: itself, or a temporary copy streamed once (counted: the whole file is read)."""
        if self.tree.local:
            yield Path(self.path)
            return
        folder = Path(tempfile.mkdtemp(prefix="modellake-copy-"))
        try:
            target = folder / self.name
            with target.open("wb") as sink:
                for chunk in self.chunks():
                    sink.write(chunk)
            self.bytes_read += self.size
            yield target
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class _RangedRaw(io.RawIOBase):
    def __init__(self, file: ModelFile):
        self.file, self.position = file, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.file.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        data = self.file.read_at(self.position, len(buffer))
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)


@dataclass(eq=False)
class ModelTree:
    """The files of one model: `files` are the ones to read (the file alone, or every file under the folder); `file(label)`
    finds any other file beside them (the config.json next to a single weights file)."""

    root: str  # the folder (or the single file's folder), in the file system's spelling
    files: list[ModelFile]
    local: bool
    block_bytes: int
    fs: object = None  # the fsspec file system of a URI
    scheme: str = "file"
    single: bool = False  # the location named one file

    def uri_of(self, path: str) -> str:
        return path if "://" in path else f"{self.scheme}://{path}"

    def fetch(self, path: str, start: int, end: int) -> bytes:
        if self.local:  # open_regular: a file swapped for a FIFO after the listing is refused, never waited on
            with open_regular(Path(path), "model file") as handle:
                return os.pread(handle.fileno(), end - start, start)
        try:
            return self.fs.cat_file(path, start=start, end=end)
        except FileNotFoundError:
            raise NotFound(f"{self.uri_of(path)} is gone from the object store") from None
        except OSError as error:
            raise StorageUnavailable(f"{self.uri_of(path)}: {error}"[:500]) from None

    def contains(self, label: str) -> bool:
        """`label` (as a file names another, modules.json a module folder) stays under the root: no '..' past it, not
        absolute, and on this disk no link leading out of it."""
        if not _relative(label):
            return False
        if not self.local:
            return True
        root = os.path.realpath(self.root)
        return Path(os.path.realpath(os.path.join(root, label))).is_relative_to(root)

    def file(self, label: str) -> ModelFile | None:
        """The file at `label` under the root ('..' refused), listed or not; None when there is none (or, on this disk,
        when it is not a regular file: a FIFO or device beside the weights is never opened)."""
        if not _relative(label):
            return None
        label = posixpath.normpath(label)
        known = next((file for file in self.files if file.label == label), None)
        if known is not None:
            return known
        path = os.path.join(self.root, label) if self.local else f"{self.root.rstrip('/')}/{label}"
        size = _size(self, path)
        return None if size is None else ModelFile(self, path, label, size)

    @property
    def location(self) -> Location:
        return Path(self.root) if self.local else self.uri_of(self.root)


def _relative(label: str) -> bool:
    label = posixpath.normpath(label)
    return not (label.startswith("../") or label == ".." or posixpath.isabs(label))


def _size(tree: ModelTree, path: str) -> int | None:
    if tree.local:
        return os.stat(path).st_size if os.path.isfile(path) else None
    try:
        info = tree.fs.info(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageUnavailable(f"{tree.uri_of(path)}: {error}"[:500]) from None
    if info.get("type") != "file":
        return None
    if info.get("size") is None:  # an HTTP server that states no Content-Length: ranges cannot be planned
        raise UsageError(f"{tree.uri_of(path)}: the server does not say how large the file is (no Content-Length), so it cannot be "
                         "read by ranges")
    return int(info["size"])


def open_tree(location: str | Path, block_bytes: int | None = None) -> ModelTree:
    """The model at `location` (a file or a folder; a local path or a URI). NotFound when nothing is there."""
    block = block_bytes or read_block_bytes()
    where = as_location(location)
    if isinstance(where, Path):
        return _local_tree(where, block)
    return _remote_tree(where, block)


def model_files(path: Path) -> list[Path]:
    """The file itself (refused unless regular), or every regular file under the folder (hidden files and folders
    skipped; FIFOs, devices and sockets inside are not model files and are never opened), at most MAX_MODEL_FILES."""
    if not path.is_dir():
        require_regular_file(path, "model file")
        return [path]
    found = []
    for file in path.rglob("*"):
        if file.is_file() and not any(part.startswith(HIDDEN) for part in file.relative_to(path).parts):
            found.append(file)
            if len(found) > MAX_MODEL_FILES:
                raise UsageError(f"{path}: more than {MAX_MODEL_FILES:,} files; a model folder holds weights and configs, not a whole tree")
    return sorted(found)


def _local_tree(path: Path, block: int) -> ModelTree:
    if not path.exists():
        raise NotFound(f"no model file or directory at {path}")
    files = model_files(path)
    if not path.is_dir():
        tree = ModelTree(str(path.parent), [], True, block, single=True)
        tree.files = [ModelFile(tree, str(path), path.name, path.stat().st_size)]
        return tree
    tree = ModelTree(str(path), [], True, block)
    tree.files = [ModelFile(tree, str(file), file.relative_to(path).as_posix(), file.stat().st_size) for file in files]
    return tree


def _remote_tree(uri: str, block: int) -> ModelTree:
    """An http(s) URI names one file (HTTP cannot list a folder); an s3 URI names an object or, ending in '/' or holding
    objects below it, a folder."""
    import fsspec

    scheme = uri.split("://", 1)[0].lower()
    try:
        fs, path = fsspec.core.url_to_fs(uri)
    except (ImportError, ValueError) as error:
        raise UsageError(f"{uri}: no file system for {scheme}:// ({error})") from None
    if scheme in ("http", "https"):
        if uri.endswith("/"):
            raise UsageError(f"{uri}: an http(s) URI names one file (a folder cannot be listed over HTTP)")
        tree = ModelTree(uri.rsplit("/", 1)[0], [], False, block, fs, scheme, single=True)
        size = _size(tree, uri)
        if size is None:
            raise NotFound(f"no model file at {uri}")
        tree.files = [ModelFile(tree, uri, uri.rsplit("/", 1)[1], size)]
        return tree
    path = path.rstrip("/")
    size = None if uri.endswith("/") else _size(ModelTree("", [], False, block, fs, scheme), path)
    if size is not None:
        tree = ModelTree(posixpath.dirname(path), [], False, block, fs, scheme, single=True)
        tree.files = [ModelFile(tree, path, posixpath.basename(path), size)]
        return tree
    tree = ModelTree(path, [], False, block, fs, scheme)
    try:
        found = fs.find(path, detail=True)
    except FileNotFoundError:
        found = {}
    except OSError as error:
        raise StorageUnavailable(f"{uri}: {error}"[:500]) from None
    tree.files = [ModelFile(tree, key, key[len(path) + 1:], int(info["size"])) for key, info in sorted(found.items())
                  if info.get("type") == "file" and key.startswith(path + "/")
                  and not any(part.startswith(HIDDEN) for part in key[len(path) + 1:].split("/"))]
    if not tree.files:
        raise NotFound(f"no model file or folder at {uri}")
    if len(tree.files) > MAX_MODEL_FILES:
        raise UsageError(f"{uri}: more than {MAX_MODEL_FILES:,} objects; a model folder holds weights and configs, not a whole bucket")
    return tree


def one_file(file: ModelFile | str | Path, block_bytes: int | None = None) -> ModelFile:
    """`file` itself, or the one file at a location (readers called with a plain path, as lineage calls them)."""
    if isinstance(file, ModelFile):
        return file
    tree = open_tree(file, block_bytes)
    if not tree.single:
        raise UsageError(f"{file}: a folder, where one file was expected")
    return tree.files[0]
