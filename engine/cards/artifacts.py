"""Which files a card is about: the one rule every door (submit, audit, rerun, lineage) resolves them by.

An explicit weights location wins (a path or a URI, which the caller named and a server has checked). Otherwise the
card's `artifacts` are read: a `path` relative to the card file's folder, a `uri` through engine.storage (file:// as a
path; s3:// and http(s):// when under MODELLAKE_ARTIFACT_URIS, else left unread with the reason). A listed artifact that
does not exist is reported as missing (a review finding names it), never silently dropped.
"""
from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from engine.errors import NotFound, UsageError
from engine.storage import Location, as_location, is_uri, open_tree, unread_reason


@dataclass(frozen=True)
class CardFiles:
    """`root` is what facts are read from: the one file, or the folder holding every listed file (a Path, or a URI)."""

    root: Location | None
    listed: tuple[str, ...] = ()  # artifact paths and URIs as the card writes them
    missing: tuple[str, ...] = ()  # those of `listed` that do not exist
    explicit: bool = False  # the caller named the weights (--weights), the card's list was not used
    unread: tuple[tuple[str, str], ...] = ()  # (uri, why) of listed URIs this process does not read

    def to_dict(self) -> dict:
        return {"root": str(self.root) if self.root else None, "listed": list(self.listed), "missing": list(self.missing),
                "explicit": self.explicit, "unread": [list(pair) for pair in self.unread]}

    @property
    def local_root(self) -> Path | None:
        """The root when it is on this disk (reruns, behaviour signatures and weight comparisons load local files)."""
        return self.root if isinstance(self.root, Path) else None


def listed_artifacts(card) -> tuple[str, ...]:
    """The card's artifact paths and URIs, as written."""
    return tuple(str(artifact.get("path") or artifact.get("uri")) for artifact in card.data.get("artifacts") or []
                 if isinstance(artifact, dict) and (artifact.get("path") or artifact.get("uri")))


def card_files(card, weights: str | Path | None = None) -> CardFiles:
    """The files of `card` (anything with `.source` and `.data`): `weights` if given, else its artifacts."""
    if weights is not None:
        return CardFiles(as_location(weights), explicit=True)
    base = Path(card.source).parent
    listed = listed_artifacts(card)
    present, missing, unread = [], [], []
    for entry in listed:
        where = as_location(entry) if is_uri(entry) else base / entry
        reason = unread_reason(where) if isinstance(where, str) else None
        if reason:
            unread.append((entry, reason))
        elif _exists(where):
            present.append(where)
        else:
            missing.append(entry)
    return CardFiles(_common_root(present), listed, tuple(missing), unread=tuple(unread))


def weights_path_for(card, weights: str | Path | None = None) -> Path | None:
    """The file or folder on this disk to read the model from (see card_files); None for files behind a URI."""
    return card_files(card, weights).local_root


def weights_location_for(card, weights: str | Path | None = None) -> Location | None:
    """The file or folder to read facts from, on this disk or behind a URI (see card_files)."""
    return card_files(card, weights).root


def _exists(where: Location) -> bool:
    """A path no file system can hold (a name longer than it allows) does not exist; it is not an error of the lake's."""
    if isinstance(where, Path):
        try:
            return where.exists()
        except OSError:
            return False
    try:
        open_tree(where)
    except NotFound:
        return False
    return True


def _common_root(locations: list[Location]) -> Location | None:
    if not locations:
        return None
    if len(locations) == 1:
        return locations[0]
    uris = [where for where in locations if isinstance(where, str)]
    if uris and len(uris) != len(locations):
        raise UsageError(f"the card's artifacts are partly on this disk and partly behind URIs ({', '.join(map(str, locations[:3]))}): "
                         "a model's files are read from one place")
    if uris:
        return _common_uri_folder(uris)
    resolved = [path.resolve() for path in locations]  # one spelling: commonpath refuses a mix of relative and absolute paths
    common = Path(os.path.commonpath(resolved))
    if common == Path(common.anchor):  # /etc/x and /usr/y: the whole disk would be walked as "the model"
        raise UsageError(f"the card's artifacts share no model directory ({', '.join(map(str, locations[:3]))}); "
                         "give the weights explicitly (--weights, or `weights` over HTTP)")
    return common


def _common_uri_folder(uris: list[str]) -> str:
    """The deepest folder holding every URI (s3://models/minilm/model.safetensors and .../config.json: s3://models/minilm/)."""
    split = [uri.split("://", 1) for uri in uris]
    schemes = {scheme.lower() for scheme, _ in split}
    folders = [posixpath.dirname(rest) for _, rest in split]
    common = posixpath.commonpath(folders) if len(schemes) == 1 and len({f.split("/")[0] for f in folders}) == 1 else ""
    if not common:  # two buckets or hosts: no one folder is the model
        raise UsageError(f"the card's artifacts share no folder ({', '.join(uris[:3])}): give the weights explicitly")
    return f"{split[0][0]}://{common}/"
