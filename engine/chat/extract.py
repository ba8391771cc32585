"""Deterministic extraction: what a question says with certainty, as DSL filters, each with the path that found it.

Recognised here: lineage phrases ("fine-tuned from X"), introduced values ("owned by", "trained on"), numbers
with units and comparison words, superlatives (sort), and every phrase of a lake value. What a phrase could
mean in several fields is left as an Ambiguity for the grammar-constrained LLM; what is left over is free text.
"""
from __future__ import annotations

from engine.chat._quantity_steps import QuantitySteps
from engine.chat.lexicon import Lexicon, load_lexicon, tokenize, words
from engine.chat.numbers import read_quantity, strip_digit_grouping
from engine.chat.spans import REFINE, REPLACE, Ambiguity, Extraction, Found, match, match_ending
from engine.chat.vocabulary import Option, PhraseIndex, phrase_index
from engine.search.dsl import normalize_value

_LINEAGE_VALUE_FIELDS = ("base_model", "model")


class _Extractor(QuantitySteps):
    def __init__(self, question: str, vocabulary: dict[str, list[str]], lexicon: Lexicon, has_previous: bool):
        self.lexicon = lexicon
        self.vocabulary = vocabulary
        self.index: PhraseIndex = phrase_index(vocabulary)
        tokens = tokenize(question)
        self.x = Extraction(question, tokens, consumed=[False] * len(tokens), protected=[False] * len(tokens))
        self.texts = [t.text for t in tokens]
        self.has_previous = has_previous
        self.metrics = dict(lexicon.metrics) | {words(m.lower()): m.lower() for m in vocabulary.get("metric", [])}

    def add(self, start: int, end: int, field_name: str, op: str, value, path: str) -> None:
        self.x.found.append(Found({"field": field_name, "op": op, "value": value}, self.x.words(start, end), path, start))
        self.x.take(start, end)

    def run(self) -> Extraction:
        for step in (self.follow_up, self.relative_clauses, self.lineage, self.introducers, self.known_owners, self.quantities,
                     self.sorts, self.values, self.typos):
            step()
        return self.x

    def follow_up(self) -> None:
        if not self.has_previous or not self.texts:
            return
        for mode, markers in ((REPLACE, self.lexicon.follow_up_replace), (REFINE, self.lexicon.follow_up_refine)):
            marker = next((m for m in sorted(markers, key=len, reverse=True) if tuple(self.texts[:len(m)]) == m), None)
            if marker:
                self.x.follow_up = mode
                self.x.take(0, len(marker))
                return
        if any(t in self.lexicon.anaphora for t in self.texts):
            self.x.follow_up = REFINE

    def relative_clauses(self) -> None:
        """'models that detect fraud ...': what a model does is free text, not a filter."""
        for i, token in enumerate(self.texts):
            if i == 0 or token not in self.lexicon.relative_pronouns or i + 1 >= len(self.texts):  # at 0 it asks
                continue
            verb = i + 1 + (self.texts[i + 1] in self.lexicon.relative_modals)
            if verb < len(self.texts) and self.texts[verb] not in self.lexicon.relative_fact_verbs \
                    and not self.index.match_at(self.texts, verb) and read_quantity(self.x.tokens, verb, self.lexicon) is None:
                for j in range(verb, len(self.texts)):
                    self.x.protected[j] = True
                return

    def lineage(self) -> None:
        i = 0
        while i < len(self.texts):
            hit = match(self.lexicon.lineage, self.texts, i) if self.x.free(i, i + 1) else None
            if not hit:
                i += 1
                continue
            length, relation = hit
            end = i + length
            if relation:
                self.add(i, end, "relation", "eq", relation, "lineage")
            else:
                self.x.take(i, end)
            end = self._skip_articles(end)
            filler = match({f: True for f in self.lexicon.lineage_fillers}, self.texts, end)
            if filler:
                self.x.take(end, end + filler[0])
                i = end + filler[0]
                continue
            base = self._lineage_value(end)
            if base:
                base_end, value, path = base
                self.add(end, base_end, "base_model", "eq", value, path)
                i = base_end
            else:
                i = end

    def _skip_articles(self, i: int, take: bool = True) -> int:
        while i < len(self.texts) and self.texts[i] in ("the", "a", "an"):
            if take:
                self.x.take(i, i + 1)
            i += 1
        return i

    def _known_value_at(self, field_name: str, start: int) -> int | None:
        """End of the longest value of `field_name` the lake holds, spelt from token `start`."""
        known = {v.lower() for v in self.vocabulary.get(field_name, [])}
        return next((start + n for n in range(min(4, len(self.texts) - start), 0, -1)
                     if self.x.free(start, start + n) and self.x.words(start, start + n).lower() in known), None)

    def known_owners(self) -> None:
        """'models by alice', 'from the credit team': a preposition names an owner only if the lake knows it."""
        for i, word in enumerate(self.texts):
            if word in self.lexicon.known_owner_introducers and self.x.free(i, i + 1):
                start = self._skip_articles(i + 1, take=False)
                end = self._known_value_at("owner", start)
                if end:
                    self.x.take(i, start)
                    self.add(start, end, "owner", "eq", self.x.words(start, end).lower(), "vocabulary")

    def _lineage_value(self, i: int) -> tuple[int, str, str] | None:
        """The base model named at token i: a lake model id (longest), else one identifier-like word."""
        if i >= len(self.texts) or not self.x.free(i, i + 1):
            return None
        names = {n.lower() for f in _LINEAGE_VALUE_FIELDS for n in self.vocabulary.get(f, [])}
        for length in range(min(4, len(self.texts) - i), 0, -1):
            candidate = self.x.words(i, i + length).lower()
            if candidate in names:
                return i + length, candidate, "vocabulary"
        word = self.texts[i]
        if word in self.lexicon.stopwords or word in self.lexicon.number_words:
            return None
        return i + 1, word, "lineage"

    def introducers(self) -> None:
        i = 0
        while i < len(self.texts):
            hit = match(self.lexicon.introducers, self.texts, i) if self.x.free(i, i + 1) else None
            if not hit:
                i += 1
                continue
            length, field_name = hit
            self.x.take(i, i + length)
            start = self._skip_articles(i + length)
            end = self._known_value_at(field_name, start)
            path = "vocabulary"
            if end is None:  # not a value the lake holds yet: the words up to the next stopword, as said
                path, end = "introducer", start
                while end < len(self.texts) and end - start < 3 and self.x.free(end, end + 1) and self.texts[end] not in self.lexicon.stopwords:
                    end += 1
            if end > start:
                self.add(start, end, field_name, "eq", self.x.words(start, end).lower(), path)
            i = max(end, i + length)

    def sorts(self) -> None:
        for i in range(len(self.texts)):
            hit = match(self.lexicon.sorts, self.texts, i) if self.x.free(i, i + 1) else None
            if hit and self.x.sort is None:
                self.x.sort = dict(hit[1])
                self.x.take(i, i + hit[0])

    def values(self) -> None:
        i = 0
        while i < len(self.texts):
            hit = self.index.match_at(self.texts, i) if self.x.free(i, i + 1) else None
            if not hit or not self.x.free(i, i + hit[0]) or self._in_language_pair(i, hit):
                i += 1
                continue
            length, options = hit
            self._resolve(i, i + length, options, "vocabulary")
            i += length

    def _in_language_pair(self, i: int, hit: tuple[int, frozenset[Option]]) -> bool:
        """'from german to english' is the direction of a translation, not the languages a model is tagged with."""
        if {f for f, _ in hit[1]} != {"language"}:
            return False
        pair, names = self.lexicon.language_pair_words, self.lexicon.languages
        before = i >= 1 and self.texts[i - 1] in pair
        after = i + 2 < len(self.texts) and self.texts[i + 1] in pair and self.texts[i + 2] in names
        return before or after

    def _resolve(self, start: int, end: int, options: frozenset[Option], path: str) -> None:
        fields = {f for f, _ in options}
        cue = self._cue(start, end, fields)
        if cue:
            field_name, cue_start, cue_end = cue
            fields = {field_name}
            self.x.take(cue_start, cue_end)
        if len(fields) > 1:
            self.x.ambiguities.append(Ambiguity(start, end, self.x.words(start, end), options, path))
            self.x.take(start, end)
            return
        self.add_value(start, end, fields.pop(), options, path)

    def add_value(self, start: int, end: int, field_name: str, options: frozenset[Option], path: str) -> None:
        values = sorted({normalize_value(field_name, v) for f, v in options if f == field_name})
        self.add(start, end, field_name, "eq" if len(values) == 1 else "in", values[0] if len(values) == 1 else values, path)

    def _cue(self, start: int, end: int, fields: set[str]) -> tuple[str, int, int] | None:
        """A word next to the value that names its field ("mit licensed", "legal domain", "llama architecture")."""
        after = match(self.lexicon.field_cues, self.texts, end)
        if after and after[1] in fields and self.x.free(end, end + after[0]):
            return after[1], end, end + after[0]
        before = match_ending(self.lexicon.field_cues, self.texts, start)
        if before and before[1] in fields and self.x.free(start - before[0], start):
            return before[1], start - before[0], start
        return None

    def typos(self) -> None:
        for i, word in enumerate(self.texts):
            if self.x.free(i, i + 1) and len(word) >= 5 and word not in self.lexicon.stopwords and not self.index.match_at(self.texts, i):
                close = self.index.fuzzy(word)
                if close:
                    self._resolve(i, i + 1, close[1], "fuzzy")


def extract(question: str, vocabulary: dict[str, list[str]], *, has_previous: bool = False, lexicon: Lexicon | None = None) -> Extraction:
    """Read the filters a question states with certainty; leave ambiguities and free text for later steps."""
    return _Extractor(strip_digit_grouping(question), vocabulary, lexicon or load_lexicon(), has_previous).run()
