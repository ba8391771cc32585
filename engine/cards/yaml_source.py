"""Safe YAML loading with limits, keeping the line and column of every value for error messages.

PyYAML's composer gives a node graph (aliases are shared nodes, so composing is never exponential); we turn
that graph into JSON-native Python ourselves, counting every node we expand so an alias bomb stops at a
budget instead of eating memory, and recording where each JSON path starts in the file.
"""
from __future__ import annotations

import datetime as dt
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


_SCALARS = yaml.constructor.SafeConstructor()
# libyaml's composer is ~17x faster than PyYAML's pure-Python one and gives the same nodes and marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


def decode_text(raw: bytes, source: str, limits: YamlLimits = YamlLimits()) -> str:
    """Bytes -> text, refusing oversized, binary and non-UTF-8 input with a located problem."""
    if len(raw) > limits.max_bytes:
        raise InputInvalid([Problem(source, None, None, "", f"file is {len(raw):,} bytes; the limit is {limits.max_bytes:,} bytes")])
    if b"\x00" in raw[:8192]:
        raise InputInvalid([Problem(source, None, None, "", "binary file (NUL bytes found), expected YAML text")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputInvalid([Problem(source, line, column, "", f"not valid UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded")]) from None


def parse_yaml(text: str, source: str, limits: YamlLimits = YamlLimits()) -> LocatedDocument:
    """Parse one YAML document safely; every problem raises InputInvalid with file:line:col."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise InputInvalid([Problem(source, mark.line + 1 if mark else None, mark.column + 1 if mark else None, "", f"YAML syntax error: {message}")]) from None
    except yaml.YAMLError as error:
        raise InputInvalid([Problem(source, None, None, "", f"YAML error: {error}")]) from None
    document = LocatedDocument(data=None)
    if root is None:
        raise InputInvalid([Problem(source, 1, 1, "", "empty document")])
    problems: list[Problem] = []
    budget = [limits.max_nodes]
    try:
        document.data = _construct(root, (), 0, limits, budget, document.positions, problems, source)
    except _TooBig as error:
        mark = error.node.start_mark
        raise InputInvalid([Problem(source, mark.line + 1, mark.column + 1, "", str(error))]) from None
    if problems:
        raise InputInvalid(problems)
    return document


def _construct(node, path, depth, limits, budget, positions, problems, source):
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig(f"document expands to more than {limits.max_nodes:,} nodes (alias bomb?)", node)
    if depth > limits.max_depth:
        raise _TooBig(f"nesting deeper than {limits.max_depth} levels", node)
    positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(node, path, depth, limits, budget, positions, problems, source)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (i,), depth + 1, limits, budget, positions, problems, source) for i, item in enumerate(node.value)]
    return _scalar(node, path, problems, source)


def _scalar(node: yaml.ScalarNode, path, problems, source):
    if node.tag == _STR_TAG:  # most scalars: skip the constructor's dispatch
        return node.value
    value = _SCALARS.construct_object(node)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()  # JSON-native: what is validated is what is stored
    if isinstance(value, bytes):
        problems.append(Problem(source, node.start_mark.line + 1, node.start_mark.column + 1, dotted_path(path), "binary (!!binary) values are not allowed"))
        return None
    return value


def _construct_mapping(node, path, depth, limits, budget, positions, problems, source):
    result: dict = {}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:
            merged = _construct(value_node, path, depth + 1, limits, budget, {}, problems, source)
            for source_map in merged if isinstance(merged, list) else [merged]:
                for key, value in (source_map or {}).items():
                    result.setdefault(key, value)
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(source, key_node.start_mark.line + 1, key_node.start_mark.column + 1, dotted_path(path), "mapping keys must be plain scalars"))
            continue
        key = str(_scalar(key_node, path, problems, source))
        line = key_node.start_mark.line + 1
        if key in first_seen:
            problems.append(Problem(source, line, key_node.start_mark.column + 1, dotted_path(path + (key,)), f"duplicate key (first defined on line {first_seen[key]})"))
            continue
        first_seen[key] = line
        result[key] = _construct(value_node, path + (key,), depth + 1, limits, budget, positions, problems, source)
    return result


def dotted_path(path: JsonPath) -> str:
    """('evaluations', 0, 'value') -> 'evaluations[0].value'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


