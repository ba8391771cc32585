"""Only regular files are read. A FIFO blocks open() until a writer comes (forever, for a hostile input), a device
such as /dev/zero never ends, a socket cannot be opened at all: each is refused by name before anything opens it."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from engine.errors import NotRegularFile

# st_mode file type -> how a message names it
KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


def non_regular_kind(mode: int) -> str | None:
    """None for a regular file, else what the file is."""
    return None if stat.S_ISREG(mode) else KINDS.get(stat.S_IFMT(mode), "not a regular file")


def require_regular_file(path: Path, what: str = "file") -> None:
    """NotRegularFile unless `path` (links followed) is a regular file; OSError when it cannot be looked at."""
    kind = non_regular_kind(os.stat(path).st_mode)
    if kind:
        raise NotRegularFile(f"{path} is {kind}, not a regular file: a {what} is read from a regular file")


def open_regular(path: Path, what: str = "file") -> BinaryIO:
    """Open for reading, refusing anything but a regular file without ever blocking: the type is checked on the open
    descriptor itself (O_NONBLOCK makes opening a FIFO return at once), so a file swapped after a check is still caught."""
    require_regular_file(path, what)  # sockets cannot be opened at all: look before opening
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = non_regular_kind(os.fstat(descriptor).st_mode)
        if kind:
            raise NotRegularFile(f"{path} is {kind}, not a regular file: a {what} is read from a regular file")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(path: Path, limit: int, what: str = "file") -> bytes:
    """At most `limit` + 1 bytes of a regular file (the caller sees it is too big without reading it whole)."""
    with open_regular(path, what) as handle:
        return handle.read(limit + 1)
