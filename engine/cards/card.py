"""The Card: a validated model card, its raw text, digest and the position of every field."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.cards.schema import schema_problems
from engine.cards.yaml_source import JsonPath, LocatedDocument, YamlLimits, decode_text, dotted_path, parse_yaml
from engine.errors import CardInvalid, InputInvalid, NotRegularFile, Problem
from engine.files import read_regular


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
    problems = card_problems(document, source, limits=None)  # parse_yaml bounded nesting and size already
    if problems:
        raise CardInvalid(problems)
    return Card(document.data, source, text, content_digest(document.data), document)


def load_card(path: str | Path, limits: YamlLimits = YamlLimits()) -> Card:
    """Read and validate a card file; an oversized file is refused without being read whole, a FIFO or device unopened."""
    path = Path(path)
    raw = read_card_bytes(path, limits)
    if len(raw) > limits.max_bytes:
        size = path.stat().st_size
        raise CardInvalid([Problem(str(path), None, None, "", f"file is {size:,} bytes; the limit is {limits.max_bytes:,} bytes")])
    return parse_card(raw, str(path), limits)


def read_card_bytes(path: Path, limits: YamlLimits = YamlLimits()) -> bytes:
    """The bytes of a card or README file, at most the size limit (+1, so decode_text can say it is too big); a FIFO,
    device or socket is a problem of the card, refused unopened."""
    try:
        return read_regular(path, limits.max_bytes, "card")
    except NotRegularFile as error:
        raise CardInvalid([Problem(str(path), None, None, "", str(error).removeprefix(f"{path} "))]) from None


def card_from_dict(data: dict, source: str = "<dict>", positions: dict | None = None) -> Card:
    """A Card from an already-parsed dict (tests, benchmarks, imports); validated; line info if given."""
    document = LocatedDocument(data=data, positions=positions or {})
    problems = card_problems(document, source)
    if problems:
        raise CardInvalid(problems)
    return Card(data, source, json.dumps(data, indent=2, sort_keys=True), content_digest(data), document)


def card_problems(document: LocatedDocument, source: str, limits: YamlLimits | None = YamlLimits()) -> list[Problem]:
    """Schema violations, then what a schema cannot say: a base_model naming the card itself."""
    return schema_problems(document, source, limits) or self_reference_problems(document, source)


def self_reference_problems(document: LocatedDocument, source: str) -> list[Problem]:
    """A model is not its own parent: `base_model` naming this model (unversioned, or at this version) is refused.

    An earlier version of the same model (`name@0.9`) is a real parent; the plain name would mean "whichever version
    is latest", which includes this one.
    """
    data = document.data
    declared = data.get("base_model")
    refs = [(("base_model",), declared)] if isinstance(declared, str) else [(("base_model", i), ref) for i, ref in enumerate(declared or [])]
    problems = []
    for path, ref in refs:
        name, _, version = ref.partition("@")
        if name == data["name"] and version in ("", data["version"]):
            line, column = document.locate(path) or (None, None)
            problems.append(Problem(source, line, column, dotted_path(path), f"{ref!r} names this model itself; a base model is another model "
                                                                              f"(or an earlier version, as {name}@VERSION)"))
    return problems


def content_digest(data: dict) -> str:
    """sha256 of the card's canonical JSON: formatting and comments do not change a card's identity."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
