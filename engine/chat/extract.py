"""Deterministic extraction: what a question says with certainty, as DSL parts, each with the path that found it.

Recognised here: counts ("how many"), models named with lineage or similarity words ("quantized versions of X",
"like X"), review findings ("failed the parameter check"), dates ("since June", "in the last 90 days"), ranges
and numbers with units and comparison words, sorts and result limits ("top 3 by accuracy"), introduced values
("owned by", "trained on"), every phrase of a lake value, task and modality words through the task taxonomy
(embedding similarity), and negation of what follows a negator ("not", "without", "other than", "non-"). What a
phrase could mean in several fields is left as an Ambiguity for the LLM; what is left over is free text.
"""
from __future__ import annotations

import datetime as dt
import re

from engine.chat._date_steps import DateSteps
from engine.chat._finding_steps import FindingSteps
from engine.chat._quantity_steps import QuantitySteps
from engine.chat._reference_steps import ReferenceSteps, model_index
from engine.chat.lexicon import Lexicon, load_lexicon, tokenize, words
from engine.chat.negation import apply_negation
from engine.chat.spelling import correct
from engine.chat.numbers import read_quantity, strip_digit_grouping
from engine.chat.spans import REFINE, REPLACE, Ambiguity, Extraction, Found, match, match_ending
from engine.chat.vocabulary import Option, PhraseIndex, phrase_index
from engine.search.dsl import METRIC_PREFIX, VERIFIED_PREFIX, normalize_value

_NON_PREFIX = re.compile(r"\bnon-(?=[a-z])", re.IGNORECASE)
_MAX_TASK_SPAN = 5
_SPAN_WORD_BONUS = 0.05
_DIRECTED_BONUS = 0.1  # "accepts images" states what goes in: it outranks "images" alone
_MAX_LIMIT = 100


class _Extractor(QuantitySteps, ReferenceSteps, FindingSteps, DateSteps):
    def __init__(self, question: str, vocabulary: dict[str, list[str]], lexicon: Lexicon, has_previous: bool, today: dt.date,
                 use_embeddings: bool):
        self.lexicon = lexicon
        self.vocabulary = vocabulary
        self.index: PhraseIndex = phrase_index(vocabulary)
        self.models = model_index(vocabulary)
        tokens, corrections = correct(tokenize(question), vocabulary, lexicon)
        self.x = Extraction(question, tokens, consumed=[False] * len(tokens), corrections=corrections)
        self.texts = [t.text for t in tokens]
        self.has_previous = has_previous
        self.today = today
        self.use_embeddings = use_embeddings
        self.metrics = dict(lexicon.metrics) | {words(m.lower()): m.lower() for m in vocabulary.get("metric", [])}

    def add(self, start: int, end: int, field_name: str, op: str, value, path: str) -> None:
        self.x.found.append(Found({"field": field_name, "op": op, "value": value}, self.x.words(start, end), path, start))
        self.x.take(start, end)

    def add_at(self, anchor: int, start: int, end: int, field_name: str, op: str, value, path: str) -> None:
        """A value introduced by words before it ("owned by X"): the filter starts at its introducer, where a negator looks."""
        self.x.found.append(Found({"field": field_name, "op": op, "value": value}, self.x.words(anchor, end), path, anchor))
        self.x.take(start, end)

    def run(self) -> Extraction:
        for step in (self.follow_up, self.counts, self.references, self.dates, self.ranges, self.introducers, self.known_owners,
                     self.quantities, self.sorts, self.findings, self.values, self.tasks, self.limits):
            step()
        apply_negation(self.x, self.lexicon)
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
        if any(t in self.lexicon.anaphora for t in self.texts) or match(self.lexicon.negators, self.texts, 0):
            self.x.follow_up = REFINE  # "those", or "except the ones in general": narrows the previous answer

    def counts(self) -> None:
        for i in range(len(self.texts)):
            hit = match(self.lexicon.count_words, self.texts, i) if self.x.free(i, i + 1) else None
            if hit:
                self.x.count = True
                self.x.take(i, i + hit[0])

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
        """'models by alice', 'from the credit team': a preposition names an owner only if the lake knows it; an owner's
        name of two words or more ("which models Lea Martin owns") names it anywhere."""
        for i, word in enumerate(self.texts):
            if word in self.lexicon.known_owner_introducers and self.x.free(i, i + 1):
                start = self._skip_articles(i + 1, take=False)
                end = self._known_value_at("owner", start)
                if end:
                    self.x.take(i, start)
                    self.add_at(i, start, end, "owner", "eq", self.x.words(start, end).lower(), "vocabulary")
            elif i + 2 <= len(self.texts) and self.x.free(i, i + 2):
                end = self._known_value_at("owner", i)
                if end and end - i >= 2:
                    self.add(i, end, "owner", "eq", self.x.words(i, end).lower(), "vocabulary")

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
                self.add_at(i, start, end, field_name, "eq", self.x.words(start, end).lower(), path)
            i = max(end, i + length)

    def sorts(self) -> None:
        """'sorted by accuracy', 'highest rouge-l', 'most layers', 'best perplexity' (lower is better), else a superlative."""
        for i in range(len(self.texts)):
            if self.x.sort is not None or not self.x.free(i, i + 1):
                continue
            by = match(self.lexicon.sort_by_words, self.texts, i)
            direction = self.lexicon.sort_direction_words.get(self.texts[i])
            at = i + (by[0] if by else 1 if direction else 0)
            named = self._sort_field_at(at) if (by or direction) else None
            if named:
                field_name, length = named
                metric = field_name.split(":", 1)[-1]
                # "by X" takes its direction from a word before it ("lowest ... by wer"), else it ranks best first
                before = [self.lexicon.sort_direction_words[w] for w in self.texts[max(0, i - 4):i] if w in self.lexicon.sort_direction_words]
                order = direction or (before[-1] if before else "best")
                if order in ("best", "worst"):
                    better = "asc" if metric in self.lexicon.lower_is_better else "desc"
                    order = better if order == "best" else ("desc" if better == "asc" else "asc")
                self.x.sort = {"field": field_name, "order": order}
                self.x.take(i, at + length)
                continue
            hit = match(self.lexicon.sorts, self.texts, i)
            if hit:
                self.x.sort = dict(hit[1])
                self.x.take(i, i + hit[0])

    def _sort_field_at(self, i: int) -> tuple[str, int] | None:
        """A number field or metric named at token i ("accuracy", "hidden size", "verified spearman", "parameter count")."""
        verified = i < len(self.texts) and self.texts[i] in self.lexicon.verified_words
        at = i + verified
        hit = match(self.lexicon.numeric_fields, self.texts, at)
        if hit and not verified:
            return hit[1], hit[0]
        metric = match(self.metrics, self.texts, at) or self._metric_acronym_at(at)
        if metric:
            return (VERIFIED_PREFIX if verified else METRIC_PREFIX) + metric[1], verified + metric[0]
        return None

    def _metric_acronym_at(self, i: int) -> tuple[int, str] | None:
        for length in (4, 3, 2):
            if i + length <= len(self.texts) and self._metric_acronym_ending(i + length) == (length, self._initials(i, i + length)):
                return length, self._initials(i, i + length)
        return None

    def _initials(self, start: int, end: int) -> str:
        return "".join(word[0] for word in self.texts[start:end])

    def limits(self) -> None:
        """'top 3', 'the 5 largest', 'the three summarizers with the highest rouge-l': a small number stated with a ranking."""
        ranked = self.x.sort is not None or self.x.similar_to is not None
        for i, word in enumerate(self.texts):
            if not self.x.free(i, i + 1):
                continue
            quantity = read_quantity(self.x.tokens, i, self.lexicon)
            if quantity is None or quantity.magnitude or quantity.percent or quantity.date or not quantity.number.is_integer() \
                    or not 1 <= quantity.number <= _MAX_LIMIT:
                continue
            after_top = i > 0 and self.texts[i - 1] in self.lexicon.limit_words
            if after_top or ranked:
                self.x.limit = int(quantity.number)
                self.x.take(i - after_top, quantity.end)
                return
        if ranked and self.x.sort and self.x.sort["field"] != "relevance" and "model" in self.texts and "models" not in self.texts:
            self.x.limit = 1  # "the smallest text generation model": one

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

    def tasks(self) -> None:
        """Task and modality words no value phrase knew ("text embeddings", "accepts images"), through the task taxonomy."""
        if not self.use_embeddings:
            return
        from engine.chat.tasks import match_tasks

        runs, run = [], []
        for i in range(len(self.texts) + 1):
            if i < len(self.texts) and self.x.free(i, i + 1) and any(c.isalnum() for c in self.texts[i]):
                run.append(i)
                continue
            while run and self.texts[run[0]] in self.lexicon.stopwords and self.texts[run[0]] not in self.lexicon.modality_input_words:
                run = run[1:]
            while run and self.texts[run[-1]] in self.lexicon.stopwords:
                run = run[:-1]
            if run:
                runs.append(run)
            run = []
        spans = [(run[a], run[b] + 1) for run in runs for a in range(len(run)) for b in range(a, min(len(run), a + _MAX_TASK_SPAN))
                 if self.texts[run[b]] not in self.lexicon.stopwords and (self.texts[run[a]] not in self.lexicon.stopwords
                                                                          or self.texts[run[a]] in self.lexicon.modality_input_words)]
        matches = match_tasks([" ".join(self.texts[a:b]) for a, b in spans], self.lexicon)  # typos already corrected
        # Longer spans first among near-equals: "text embedding" says more than "text" alone.
        best = sorted(((m.similarity + _SPAN_WORD_BONUS * (span[1] - span[0]) + _DIRECTED_BONUS * any(m.direction), span, m)
                       for span, m in zip(spans, matches) if m),
                      key=lambda item: -item[0])
        in_lake, claimed = set(self.vocabulary.get("task", [])), set()
        for _, (start, end), task_match in best:
            if claimed & set(range(start, end)):
                continue  # a better span over these words decided already ("text to image" leaves "image" alone)
            claimed |= set(range(start, end))
            # Only tasks the lake has: a task no model has would answer nothing, where the words as text still rank by meaning.
            values = [task for task in task_match.tasks if task in in_lake]
            if values and self.x.free(start, end) and not any(f.filter["field"] == "task" for f in self.x.found):
                self.add(start, end, "task", "eq" if len(values) == 1 else "in", values[0] if len(values) == 1 else values, "taxonomy")


def extract(question: str, vocabulary: dict[str, list[str]], *, has_previous: bool = False, lexicon: Lexicon | None = None,
            today: dt.date | None = None, use_embeddings: bool = True) -> Extraction:
    """Read what a question states with certainty; leave ambiguities and free text for later steps."""
    question = _NON_PREFIX.sub("non ", strip_digit_grouping(question))
    return _Extractor(question, vocabulary, lexicon or load_lexicon(), has_previous, today or dt.date.today(), use_embeddings).run()
