"""Safe YAML loading with limits, keeping the line and column of every value for error messages.

PyYAML's composer gives a node graph (aliases are shared nodes, so composing is never exponential); we turn
that graph into JSON-native Python ourselves, counting every node we expand so an alias bomb stops at a
budget instead of eating memory, and recording where each JSON path starts in the file.

Whatever goes wrong while a node is turned into a value (an impossible date, a tag no card may carry, a merge
of something that is not a mapping, a number Python will not convert) is caught at that node, in one place
(`_Builder.build`), and becomes a Problem at its file:line:column; nothing the input does escapes as another error.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import yaml

from engine.errors import InputInvalid, Problem

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int = 1_000_000
    max_depth: int = 64
    max_nodes: int = 100_000


@dataclass
class LocatedDocument:
    """A parsed YAML document and where each JSON path starts (1-based line, column)."""

    data: object
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: JsonPath) -> tuple[int, int] | None:
        """Position of `path`, or of its nearest ancestor that exists in the file."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]


class _TooBig(Exception):
    def __init__(self, message: str, node: yaml.Node):
        super().__init__(message)
        self.node = node


class _NodeProblem(Exception):
    """What is wrong with one node, worded for the card's author."""


_SCALARS = yaml.constructor.SafeConstructor()
# libyaml's composer is ~17x faster than PyYAML's pure-Python one and gives the same nodes and marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_TAG = "tag:yaml.org,2002:"
_MERGE_TAG, _STR_TAG, _MAP_TAG, _SEQ_TAG = (_YAML_TAG + name for name in ("merge", "str", "map", "seq"))
# The scalar tags a card may hold (what plain YAML resolves to); any other tag is refused, never constructed.
_SCALAR_TAGS = frozenset(_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "binary"))
_MAX_INT_CHARS = 100  # far above any count a card states (the schema's bound is 2^53), far below Python's 4,300-digit limit
# byte-order marks of encodings a card is not in, longest first (UTF-32 LE starts like UTF-16 LE)
_FOREIGN_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"), (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
                 (b"\xfe\xff", "UTF-16 (big-endian)"), (b"\xff\xfe", "UTF-16 (little-endian)"))
_UTF8_BOM = b"\xef\xbb\xbf"
_COUNT_EVENTS_ABOVE = 64 * 1024  # cards are a few kB; only texts this large can hold more nodes than the budget


def decode_text(raw: bytes, source: str, limits: YamlLimits = YamlLimits()) -> str:
    """Bytes -> text, refusing oversized input, other encodings (named), binary and invalid UTF-8 with a located problem."""
    def refuse(message: str, line: int | None = None, column: int | None = None):
        return InputInvalid([Problem(source, line, column, "", message)])

    if len(raw) > limits.max_bytes:
        raise refuse(f"file is {len(raw):,} bytes; the limit is {limits.max_bytes:,} bytes")
    encoding = next((name for bom, name in _FOREIGN_BOMS if raw.startswith(bom)), None) or _bomless_wide_encoding(raw)
    if encoding:
        raise refuse(f"the file is {encoding} text; cards are UTF-8: save it as UTF-8 (for example iconv -f {encoding.split()[0]} -t UTF-8)")
    raw = raw.removeprefix(_UTF8_BOM)  # editors on Windows write one; it carries no content
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        line, column = _line_column(raw, at)
        raise refuse("binary file: NUL byte found; a card is UTF-8 YAML text", line, column)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(raw, error.start)
        raise refuse(f"not valid UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded", line, column) from None


def _bomless_wide_encoding(raw: bytes) -> str | None:
    """UTF-16/32 without a BOM: ASCII-range text leaves every other (or three in four) bytes NUL, in a steady pattern."""
    sample = raw[:4096]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    zeros = [sample[offset::4].count(0) / len(sample[offset::4]) for offset in range(4)]
    patterns = {"UTF-32 (little-endian)": (0, 1, 1, 1), "UTF-32 (big-endian)": (1, 1, 1, 0),
                "UTF-16 (little-endian)": (0, 1, 0, 1), "UTF-16 (big-endian)": (1, 0, 1, 0)}
    for name, pattern in patterns.items():
        if all((share > 0.9) if nul else (share < 0.1) for share, nul in zip(zeros, pattern)):
            return name
    return None


def _line_column(data: bytes | str, index: int) -> tuple[int, int]:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, index) + 1, index - (data.rfind(newline, 0, index) + 1) + 1


def parse_yaml(text: str, source: str, limits: YamlLimits = YamlLimits()) -> LocatedDocument:
    """Parse one YAML document safely; every problem raises InputInvalid with file:line:col."""
    _refuse_too_many_nodes(text, source, limits)
    root = _compose(text, source)
    if root is None:
        raise InputInvalid([Problem(source, 1, 1, "", "empty document")])
    builder = _Builder(limits, source)
    try:
        data = builder.build(root, (), 0)
    except _TooBig as error:
        mark = error.node.start_mark
        raise InputInvalid([Problem(source, mark.line + 1, mark.column + 1, "", str(error))]) from None
    if builder.problems:
        raise InputInvalid(builder.problems)
    return LocatedDocument(data, builder.positions)


def _refuse_too_many_nodes(text: str, source: str, limits: YamlLimits) -> None:
    """Composing costs time in proportion to the nodes written (a 1 MB flow list of 500,000 numbers takes seconds, before
    the node budget can stop it): a large text is first counted in parser events, stopping as soon as it is over."""
    if len(text) <= _COUNT_EVENTS_ABOVE:
        return
    try:
        for count, event in enumerate(yaml.parse(text, Loader=_LOADER)):
            if count > 2 * limits.max_nodes:  # a node is one event (a scalar) or two (a collection's start and end)
                mark = event.start_mark
                raise InputInvalid([Problem(source, mark.line + 1, mark.column + 1, "", f"document holds more than {limits.max_nodes:,} nodes")])
    except yaml.YAMLError:
        return  # composing reports the syntax error, located


def _compose(text: str, source: str) -> yaml.Node | None:
    def refuse(line: int | None, column: int | None, message: str):
        return InputInvalid([Problem(source, line, column, "", message)])

    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.reader.ReaderError as error:  # a character YAML text may not hold: located by its index
        line, column = _line_column(text, error.position)
        what = "control character" if error.character < 0x20 or error.character == 0x7F else "character"
        raise refuse(line, column, f"{what} U+{error.character:04X} is not allowed in YAML text") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            message += " (a tab: YAML indents with spaces, never tabs)"
        raise refuse(mark.line + 1 if mark else None, mark.column + 1 if mark else None, f"YAML syntax error: {message}") from None
    except yaml.YAMLError as error:
        raise refuse(None, None, f"YAML error: {error}") from None
    except UnicodeEncodeError as error:  # a lone surrogate in text handed over as str: libyaml cannot even encode it
        line, column = _line_column(text, error.start)
        raise refuse(line, column, f"U+{ord(text[error.start]):04X} (a lone surrogate) is not text") from None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


class _Builder:
    """Turns the node graph into JSON-native values, recording positions and problems."""

    def __init__(self, limits: YamlLimits, source: str):
        self.limits, self.source = limits, source
        self.budget = limits.max_nodes
        self.positions: dict[JsonPath, tuple[int, int]] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: JsonPath, depth: int, *, record: bool = True):
        self.budget -= 1
        if self.budget < 0:
            raise _TooBig(f"document expands to more than {self.limits.max_nodes:,} nodes (alias bomb?)", node)
        if depth > self.limits.max_depth:
            raise _TooBig(f"nesting deeper than {self.limits.max_depth} levels", node)
        if record:
            self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, depth)
            if isinstance(node, yaml.SequenceNode):
                _require_tag(node, _SEQ_TAG)
                return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
            return _scalar(node)
        except _TooBig:
            raise
        except Exception as error:  # noqa: BLE001 - the one boundary: whatever building this node raised is a problem at it
            self.report(node, path, _reason(error, node))
            return None

    def report(self, node: yaml.Node, path: JsonPath, message: str) -> None:
        self.problems.append(Problem(self.source, node.start_mark.line + 1, node.start_mark.column + 1, dotted_path(path), message))

    def _mapping(self, node: yaml.MappingNode, path: JsonPath, depth: int) -> dict:
        _require_tag(node, _MAP_TAG)
        result: dict = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                for key, value in self._merged(key_node, value_node, path, depth).items():
                    result.setdefault(key, value)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, path, "mapping keys must be plain scalars")
                continue
            try:
                key = str(_scalar(key_node))
            except Exception as error:  # noqa: BLE001 - the same boundary as build(), for a key
                self.report(key_node, path, _reason(error, key_node))
                continue
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self.report(key_node, path + (key,), f"duplicate key (first defined on line {first_seen[key]})")
                continue
            first_seen[key] = line
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _merged(self, key_node: yaml.Node, value_node: yaml.Node, path: JsonPath, depth: int) -> dict:
        """`<<: mapping` or `<<: [mappings]` (YAML 1.1 merge); earlier mappings in the list win, as in PyYAML."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        if not all(isinstance(source, yaml.MappingNode) for source in sources):
            kind = value_node.tag.removeprefix(_YAML_TAG) if isinstance(value_node, yaml.ScalarNode) else "a list of non-mappings"
            self.report(key_node, path, f"the merge key << needs a mapping or a list of mappings, not {kind}")
            return {}
        merged: dict = {}
        for source in sources:
            built = self.build(source, path, depth + 1, record=False)
            for key, value in (built or {}).items():
                merged.setdefault(key, value)
        return merged


def _require_tag(node: yaml.Node, plain: str) -> None:
    if node.tag != plain:
        raise _NodeProblem(f"the tag {_shown_tag(node.tag)} is not allowed: a card is plain YAML (no tags); write the value without it")


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _scalar(node: yaml.ScalarNode):
    if node.tag == _STR_TAG:  # most scalars: skip the constructor's dispatch
        return node.value
    if node.tag not in _SCALAR_TAGS:
        _require_tag(node, _STR_TAG)
    if node.tag == _YAML_TAG + "binary":
        raise _NodeProblem("binary (!!binary) values are not allowed")
    if node.tag == _YAML_TAG + "int" and len(node.value) > _MAX_INT_CHARS:
        raise _NodeProblem(f"an integer written with {len(node.value):,} characters is far too large for a card")
    value = _SCALARS.construct_object(node)
    if isinstance(value, float) and not math.isfinite(value):
        raise _NodeProblem(f"{node.value} is not a finite number: JSON and the lake hold no NaN or infinity")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()  # JSON-native: what is validated is what is stored
    return value


def _reason(error: Exception, node: yaml.Node) -> str:
    if isinstance(error, _NodeProblem):
        return str(error)
    kind = node.tag.removeprefix(_YAML_TAG)
    value = node.value if isinstance(node, yaml.ScalarNode) else kind
    what = {"timestamp": "date", "bool": "boolean", "int": "integer", "float": "number"}.get(kind, kind)
    # a ValueError says why (day out of range, year 0); anything else is the constructor tripping over the text
    detail = f": {error}" if isinstance(error, ValueError) else ""
    return f"{str(value)[:80]!r} is not a valid {what}{detail}"


def dotted_path(path: JsonPath) -> str:
    """('evaluations', 0, 'value') -> 'evaluations[0].value'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
