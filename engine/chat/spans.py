"""What extraction produces: filters found with their words and path, lineage, similarity, count and limit, ambiguities
for the LLM, and the per-token bookkeeping (consumed by a part) the free text is cut from."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.chat.lexicon import Lexicon, Token
from engine.chat.vocabulary import Option

NEW, REFINE, REPLACE = "new", "refine", "replace"


@dataclass(frozen=True)
class Found:
    """One filter and where it came from: the words of the question and the path (table) that read them."""

    filter: dict
    words: str
    path: str
    start: int = 0  # token position: filters are listed in the order the question says them

    def to_dict(self) -> dict:
        return {"filter": self.filter, "words": self.words, "path": self.path}


@dataclass(frozen=True)
class Ambiguity:
    """Words that may name a filter on one of several fields, or be free text: the LLM decides."""

    start: int
    end: int
    words: str
    options: frozenset[Option]
    path: str  # how the options were found: vocabulary (several fields), embedding (similar value), metric
    op: str = "eq"

    @property
    def fields(self) -> list[str]:
        return sorted({f for f, _ in self.options})


@dataclass
class Extraction:
    question: str
    tokens: list[Token]
    found: list[Found] = field(default_factory=list)
    sort: dict | None = None
    lineage: dict | None = None  # {descendant_of|ancestor_of|sibling_of: model, relation?, depth?}
    similar_to: str | None = None
    count: bool = False  # "how many"
    limit: int | None = None  # "top 3", "the 5 largest"
    why: bool = False  # "rejected and why": the answer gives the reasons
    ambiguities: list[Ambiguity] = field(default_factory=list)
    unexpressed: list[str] = field(default_factory=list)
    follow_up: str = NEW  # new | refine | replace
    consumed: list[bool] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)  # typos read as the known word: {typed: read}

    def words(self, start: int, end: int) -> str:
        return self.question[self.tokens[start].start:self.tokens[end - 1].end]

    def take(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.consumed[i] = True

    def free(self, start: int, end: int) -> bool:
        return all(not self.consumed[i] for i in range(start, end))

    def unexplained(self, lexicon: Lexicon) -> list[str]:
        """Content words no step explained (neither consumed nor a stopword)."""
        return [t.text for i, t in enumerate(self.tokens) if not self.consumed[i] and t.text not in lexicon.stopwords
                and any(c.isalnum() for c in t.text)]

    def text(self, lexicon: Lexicon) -> str:
        """What is left once filters took their words: runs of unconsumed tokens, trimmed of stopwords."""
        runs, run = [], []
        for i, token in enumerate(self.tokens):
            if self.consumed[i]:
                runs.append(run)
                run = []
            else:
                run.append(i)
        runs.append(run)
        kept = []
        for run in runs:
            while run and self.tokens[run[0]].text in lexicon.stopwords:
                run = run[1:]
            while run and self.tokens[run[-1]].text in lexicon.stopwords:
                run = run[:-1]
            if run:
                kept.append(self.words(run[0], run[-1] + 1))
        return " ".join(kept)


def match(table: dict[tuple[str, ...], object], texts: list[str], i: int, longest: int = 6) -> tuple[int, object] | None:
    for length in range(min(longest, len(texts) - i), 0, -1):
        key = tuple(texts[i:i + length])
        if key in table:
            return length, table[key]
    return None


def match_ending(table: dict[tuple[str, ...], object], texts: list[str], end: int, longest: int = 4) -> tuple[int, object] | None:
    for length in range(min(longest, end), 0, -1):
        key = tuple(texts[end - length:end])
        if key in table:
            return length, table[key]
    return None
