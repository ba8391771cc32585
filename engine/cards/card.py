"""The Card: a validated model card, its raw text, digest and the position of every field."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.cards.schema import schema_problems
from engine.cards.yaml_source import JsonPath, LocatedDocument, YamlLimits, decode_text, parse_yaml
from engine.errors import CardInvalid, InputInvalid, Problem


@dataclass(frozen=True)
class Card:
    """A model card that passed schema validation. `data` is JSON-native and is what the store keeps."""

    data: dict
    source: str
    text: str
    digest: str  # of the canonical content, see content_digest
    _document: LocatedDocument = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def version(self) -> str:
        return self.data["version"]

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def locate(self, path: JsonPath) -> tuple[int, int] | None:
        """1-based (line, column) of a JSON path in the card file, or of its nearest existing parent."""
        return self._document.locate(path)


def parse_card(raw: bytes, source: str, limits: YamlLimits = YamlLimits()) -> Card:
    """Bytes of a card -> Card, or CardInvalid listing every problem found (file:line:col path: message)."""
    try:
        text = decode_text(raw, source, limits)
        document = parse_yaml(text, source, limits)
    except InputInvalid as error:
        raise CardInvalid(error.problems) from None
    problems = schema_problems(document, source)
    if problems:
        raise CardInvalid(problems)
    return Card(document.data, source, text, content_digest(document.data), document)


def load_card(path: str | Path, limits: YamlLimits = YamlLimits()) -> Card:
    """Read and validate a card file; an oversized file is refused without being read whole."""
    path = Path(path)
    with path.open("rb") as handle:
        raw = handle.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        size = path.stat().st_size
        raise CardInvalid([Problem(str(path), None, None, "", f"file is {size:,} bytes; the limit is {limits.max_bytes:,} bytes")])
    return parse_card(raw, str(path), limits)


def card_from_dict(data: dict, source: str = "<dict>", positions: dict | None = None) -> Card:
    """A Card from an already-parsed dict (tests, benchmarks, imports); validated; line info if given."""
    document = LocatedDocument(data=data, positions=positions or {})
    problems = schema_problems(document, source)
    if problems:
        raise CardInvalid(problems)
    return Card(data, source, json.dumps(data, indent=2, sort_keys=True), content_digest(data), document)


def content_digest(data: dict) -> str:
    """sha256 of the card's canonical JSON: formatting and comments do not change a card's identity."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
