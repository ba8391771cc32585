"""A README as located blocks: markdown-it-py parses it (CommonMark + tables); every block keeps its section
(the headings above it) and every character of its plain text keeps the offset of the raw character it came
from, so a span found in the plain text is reported verbatim, at its README line.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)
_HF_HOST = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?P<kind>datasets/)?(?P<id>[\w.-]+(?:/[\w.-]+)?)")


@dataclass(frozen=True)
class Link:
    start: int  # plain-text offsets of the link text
    end: int
    href: str

    @property
    def hf_id(self) -> tuple[str, str] | None:
        """('model' | 'dataset', repo id) when the link points at a Hugging Face repository."""
        match = _HF_HOST.match(self.href)
        if not match or match["id"].split("/")[0] in ("docs", "spaces", "models", "blog", "papers", "settings"):
            return None
        return ("dataset" if match["kind"] else "model"), match["id"]


@dataclass
class Passage:
    """Plain text of one inline run (a paragraph, list item, heading or table cell) mapped back to the raw README."""

    text: str
    offsets: list[int]  # raw offset of each plain character
    links: list[Link] = field(default_factory=list)
    bold_prefix: int = 0  # plain length of a bold run the text starts with ("**Out-of-scope** Use in ...")

    def raw_range(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) of plain [start, end)."""
        return self.offsets[start], self.offsets[max(start, end - 1)] + 1

    def sub(self, start: int, end: int) -> Passage:
        return Passage(self.text[start:end], self.offsets[start:end],
                       [Link(l.start - start, l.end - start, l.href) for l in self.links if l.start >= start and l.end <= end],
                       self.bold_prefix if start == 0 else 0)


@dataclass
class Block:
    kind: str  # heading | paragraph | item | table | code | html
    section: tuple[str, ...]  # heading texts above, outermost first
    line: int
    passage: Passage | None = None
    level: int = 0  # heading level, or list nesting depth (1 = top-level item)
    rows: list[tuple[int, list[Passage]]] = field(default_factory=list)  # tables: (line, cells); rows[0] is the header
    parent: Block | None = None  # list items: the item or paragraph the list hangs from


@dataclass
class Readme:
    text: str
    front_matter: str | None
    front_end_line: int  # last line of the front matter (0 when there is none)
    blocks: list[Block]
    _line_starts: list[int]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset)

    def raw(self, start: int, end: int) -> str:
        return self.text[start:end]

    @property
    def title(self) -> str | None:
        """The first level-1 heading (or the first heading), as plain text."""
        headings = [b for b in self.blocks if b.kind == "heading"]
        first = next((b for b in headings if b.level == 1), headings[0] if headings else None)
        return first.passage.text.strip() if first else None


def parse_readme(text: str) -> Readme:
    """Split off the front matter and parse the body into located blocks."""
    from markdown_it import MarkdownIt

    match = FRONT_MATTER.match(text)
    front, body_start = (match.group(1), match.end()) if match else (None, 0)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    first_body_line = text.count("\n", 0, body_start)
    tokens = MarkdownIt("commonmark").enable("table").parse(text[body_start:])
    return Readme(text, front, first_body_line if match else 0, _blocks(tokens, text, line_starts, first_body_line), line_starts)


class _Builder:
    """Walks markdown-it's token stream, keeping the heading stack and list nesting."""

    def __init__(self, text: str, line_starts: list[int], shift: int):
        self.text, self.line_starts, self.shift = text, line_starts, shift
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []
        self.items: list[Block | None] = []  # open list items, innermost last
        self.last_paragraph: Block | None = None

    def section(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def line_start(self, line: int) -> int:
        return self.line_starts[line] if line < len(self.line_starts) else len(self.text)


def _blocks(tokens, text: str, line_starts: list[int], shift: int) -> list[Block]:
    build = _Builder(text, line_starts, shift)
    index = 0
    pending_item: list[int] = []
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            line = token.map[0] + shift
            passage = _passage(tokens[index + 1], build, line)
            level = int(token.tag[1])
            build.headings = [(lv, t) for lv, t in build.headings if lv < level] + [(level, passage.text.strip())]
            build.blocks.append(Block("heading", build.section()[:-1], line + 1, passage, level))
            index += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            build.items.append(None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            build.items.pop()
        elif kind == "list_item_open":
            pending_item.append(token.map[0] + shift)
        elif kind == "list_item_close":
            build.items[-1] = None
        elif kind == "paragraph_open":
            line = token.map[0] + shift
            passage = _passage(tokens[index + 1], build, line)
            in_item = bool(pending_item) and bool(build.items)
            if in_item:
                depth = len(build.items)
                parent = next((b for b in reversed(build.items[:-1]) if b is not None), None) or (build.last_paragraph if depth == 1 else None)
                block = Block("item", build.section(), line + 1, passage, depth, parent=parent)
                build.items[-1] = block
                pending_item.pop()
            else:
                block = Block("paragraph", build.section(), line + 1, passage)
                build.last_paragraph = block
            build.blocks.append(block)
            index += 3
            continue
        elif kind == "table_open":
            index = _table(tokens, index, build)
            continue
        elif kind in ("fence", "code_block"):
            build.blocks.append(Block("code", build.section(), token.map[0] + shift + 1))
        elif kind == "html_block":
            build.blocks.extend(_html_tables(token, build))
        index += 1
    return build.blocks


def _table(tokens, index: int, build: _Builder) -> int:
    rows: list[tuple[int, list[Passage]]] = []
    line = tokens[index].map[0] + build.shift + 1
    index += 1
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            row_line = token.map[0] + build.shift
            cursor = build.line_start(row_line)
            cells = []
            index += 1
            while tokens[index].type != "tr_close":
                if tokens[index].type == "inline":
                    passage, cursor = _cell_passage(tokens[index], build, cursor, row_line)
                    cells.append(passage)
                index += 1
            rows.append((row_line + 1, cells))
        index += 1
    build.blocks.append(Block("table", build.section(), line, rows=rows))
    return index + 1


def _cell_passage(token, build: _Builder, cursor: int, row_line: int) -> tuple[Passage, int]:
    end_of_line = build.text.find("\n", cursor)
    end_of_line = len(build.text) if end_of_line < 0 else end_of_line
    start = build.text.find(token.content, cursor, end_of_line) if token.content else -1
    if start < 0:
        start = cursor
    return _render(token, build.text, [start + i for i in range(len(token.content))] or [start]), start + len(token.content)


def _passage(token, build: _Builder, first_line: int) -> Passage:
    """Offsets of an inline token's raw content: each content line is found in its README line."""
    offsets: list[int] = []
    for number, content_line in enumerate(token.content.split("\n")):
        line_start = build.line_start(first_line + number)
        line_end = build.text.find("\n", line_start)
        raw_line = build.text[line_start: len(build.text) if line_end < 0 else line_end]
        at = raw_line.find(content_line)
        at = at if at >= 0 else len(raw_line) - len(raw_line.lstrip())
        offsets.extend(line_start + at + i for i in range(len(content_line)))
        offsets.append(line_start + at + len(content_line))  # the newline
    return _render(token, build.text, offsets[:-1] or [0])


def _render(token, text: str, content_offsets: list[int]) -> Passage:
    """Plain text of an inline token (link targets, images, HTML and markup dropped) with raw offsets per character."""
    content = token.content
    plain: list[str] = []
    offsets: list[int] = []
    links: list[Link] = []
    cursor = 0
    open_link: tuple[int, str] | None = None
    bold_prefix = 0
    children = token.children or []

    def emit(value: str) -> None:
        nonlocal cursor
        for char in value:
            found = content.find(char, cursor, cursor + 8)
            if found < 0 and char == " " and content[cursor:cursor + 1] == "\n":
                found = cursor
            at = found if found >= 0 else min(cursor, len(content) - 1)
            plain.append(char)
            offsets.append(content_offsets[min(at, len(content_offsets) - 1)] if content_offsets else 0)
            if found >= 0:
                cursor = found + 1

    def skip_past(marker: str) -> None:
        nonlocal cursor
        found = content.find(marker, cursor)
        cursor = found + len(marker) if found >= 0 else cursor

    for child in children:
        kind = child.type
        leading = [c.type for c in children if not (c.type == "text" and not c.content)]
        if kind == "strong_close" and leading and leading[0] == "strong_open" and not bold_prefix:
            bold_prefix = len(plain)
        if kind == "text":
            emit(child.content)
        elif kind == "code_inline":
            skip_past("`")
            emit(child.content)
            skip_past("`")
        elif kind in ("softbreak", "hardbreak"):
            skip_past("\n")
            plain.append(" ")
            offsets.append(content_offsets[max(0, min(cursor - 1, len(content_offsets) - 1))] if content_offsets else 0)
        elif kind in ("strong_open", "strong_close", "em_open", "em_close"):
            while content[cursor:cursor + 1] in ("*", "_") and cursor < len(content):
                cursor += 1
        elif kind == "link_open":
            found = content.find("[", cursor, cursor + 4)
            cursor = found + 1 if found >= 0 else cursor
            open_link = (len(plain), child.attrs.get("href", ""))
        elif kind == "link_close":
            if open_link:
                links.append(Link(open_link[0], len(plain), str(open_link[1])))
                open_link = None
            if content[cursor:cursor + 2] == "](":
                skip_past(")")
            elif content[cursor:cursor + 2] == "][":
                skip_past("]")
                skip_past("]")
            elif content[cursor:cursor + 1] == "]":
                cursor += 1
        elif kind == "image":
            skip_past(")")
        elif kind == "html_inline":
            skip_past(child.content)
    return Passage("".join(plain), offsets, links, bold_prefix)


class _TableHtml(HTMLParser):
    """<table> rows from an HTML block: cell text with the line each cell starts on."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[int, int, str]]] = []  # (line, column, text)
        self.cell: list[str] | None = None
        self.cell_at = (0, 0)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.cell, self.cell_at = [], self.getpos()

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1].append((*self.cell_at, " ".join("".join(self.cell).split())))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _html_tables(token, build: _Builder) -> list[Block]:
    if "<table" not in token.content.lower():
        return []
    parser = _TableHtml()
    parser.feed(token.content)
    first = token.map[0] + build.shift
    rows = []
    for row in parser.rows:
        cells = []
        for line, _column, value in row:
            raw_line = first + line - 1
            start = build.line_start(raw_line)
            # the text usually sits on the tag's line or the next one
            at = build.text.find(value, start) if value else -1
            at = at if 0 <= at < build.line_start(raw_line + 3) else start
            cells.append(Passage(value, [at + i for i in range(len(value))] or [at]))
        if cells:
            rows.append((build.text.count("\n", 0, cells[0].offsets[0]) + 1, cells))
    return [Block("table", build.section(), first + 1, rows=rows)] if len(rows) > 1 else []
