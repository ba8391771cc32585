"""Which files a card is about: the one rule every door (submit, audit, rerun, lineage) resolves them by.

An explicit weights path wins. Otherwise the card's `artifacts` with a local `path` are read, relative to
the card file's folder. A listed path that does not exist is reported as missing (a review finding names
it), never silently dropped; URIs are left to the object-storage reader.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.errors import UsageError


@dataclass(frozen=True)
class CardFiles:
    """`root` is what facts are read from: the one file, or the folder holding every listed file."""

    root: Path | None
    listed: tuple[str, ...] = ()  # local artifact paths as the card writes them
    missing: tuple[str, ...] = ()  # those of `listed` that do not exist
    explicit: bool = False  # the caller named the weights (--weights), the card's list was not used

    def to_dict(self) -> dict:
        return {"root": str(self.root) if self.root else None, "listed": list(self.listed), "missing": list(self.missing),
                "explicit": self.explicit}


def card_files(card, weights: str | Path | None = None) -> CardFiles:
    """The files of `card` (anything with `.source` and `.data`): `weights` if given, else its local artifacts."""
    if weights is not None:
        return CardFiles(Path(weights), explicit=True)
    base = Path(card.source).parent
    listed = tuple(str(artifact["path"]) for artifact in card.data.get("artifacts") or [] if isinstance(artifact, dict) and artifact.get("path"))
    present = [base / path for path in listed if _exists(base / path)]
    missing = tuple(path for path in listed if not _exists(base / path))
    return CardFiles(_common_root(present), listed, missing)


def _exists(path: Path) -> bool:
    """A path no file system can hold (a name longer than it allows) does not exist; it is not an error of the lake's."""
    try:
        return path.exists()
    except OSError:
        return False


def weights_path_for(card, weights: str | Path | None = None) -> Path | None:
    """The file or folder to read facts from (see card_files)."""
    return card_files(card, weights).root


def _common_root(paths: list[Path]) -> Path | None:
    if not paths:
        return None
    if len(paths) == 1:
        return paths[0]
    resolved = [path.resolve() for path in paths]  # one spelling: commonpath refuses a mix of relative and absolute paths
    common = Path(os.path.commonpath(resolved))
    if common == Path(common.anchor):  # /etc/x and /usr/y: the whole disk would be walked as "the model"
        raise UsageError(f"the card's artifacts share no model directory ({', '.join(map(str, paths[:3]))}); "
                         "give the weights explicitly (--weights, or `weights` over HTTP)")
    return common
