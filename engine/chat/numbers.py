"""Numbers and units in questions: "1B", "8k", "100 million", "0.9", "2025-01-01" -> exact DSL values."""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.chat.lexicon import Lexicon, Token, load_lexicon, tokenize
from engine.errors import UsageError

_NUMBER_WITH_SUFFIX = re.compile(r"^(\d+(?:\.\d+)?)([a-z]*)\+?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGIT_GROUPS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def strip_digit_grouping(text: str) -> str:
    """'1,000,000' -> '1000000' (commas would otherwise split the number into tokens)."""
    return _DIGIT_GROUPS.sub("", text)


@dataclass(frozen=True)
class Quantity:
    """A number found at tokens[start:end], before a field decides what "k" means."""

    start: int
    end: int
    number: float
    magnitude: int | None = None  # 1000, 1e6, 1e9 ... from "k", "million", "B"
    date: str | None = None
    trailing_plus: bool = False  # "32k+"
    percent: bool = False  # "90%": a fraction of 1 for metrics

    @property
    def year(self) -> int | None:
        """A bare four-digit year ("after 2024"), which stands for dates, not a count."""
        plain = self.magnitude is None and not self.percent and self.date is None and self.number.is_integer()
        return int(self.number) if plain and 1900 <= self.number <= 2100 else None

    def value_for(self, field: str, lexicon: Lexicon | None = None) -> int | float | str:
        """The DSL value for `field`: "8k" is 8192 tokens of context but 8000 parameters."""
        if self.date is not None:
            return self.date
        lexicon = lexicon or load_lexicon()
        magnitude = self.magnitude or 1
        if magnitude == 1000 and field in lexicon.binary_k_fields:
            magnitude = 1024
        value = round(self.number / 100, 10) if self.percent else self.number * magnitude
        return int(value) if float(value).is_integer() else value


def read_quantity(tokens: list[Token], i: int, lexicon: Lexicon) -> Quantity | None:
    """The quantity starting at token i, if there is one (a magnitude word may follow: "7 billion")."""
    text = tokens[i].text
    if _DATE.match(text):
        return Quantity(i, i + 1, 0, date=text)
    match = _NUMBER_WITH_SUFFIX.match(text)
    if match:
        number, suffix = float(match.group(1)), match.group(2)
        if suffix and suffix not in lexicon.magnitudes:
            return None  # "q4", "l6", "fp16" are names, not numbers
        magnitude = lexicon.magnitudes.get(suffix) if suffix else None
    elif text in lexicon.number_words:
        number, magnitude = float(lexicon.number_words[text]), None
    else:
        return None
    end = i + 1
    if magnitude is None and end < len(tokens) and tokens[end].text in lexicon.magnitudes and len(tokens[end].text) > 1:
        magnitude, end = lexicon.magnitudes[tokens[end].text], end + 1
    percent = end < len(tokens) and tokens[end].text in lexicon.percent_words
    return Quantity(i, end + percent, number, magnitude, trailing_plus=text.endswith("+"), percent=percent)


def parse_quantity(phrase: str, field: str) -> int | float | str:
    """One phrase -> the DSL value for `field` ("8k" -> 8192 for context_length); UsageError if no number."""
    lexicon = load_lexicon()
    tokens = tokenize(strip_digit_grouping(phrase))
    quantity = read_quantity(tokens, 0, lexicon) if tokens else None
    if quantity is None or quantity.end != len(tokens):
        raise UsageError(f"not a number with an optional unit: {phrase!r}")
    return quantity.value_for(field, lexicon)
