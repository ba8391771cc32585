"""Extraction steps for numbers: a quantity, its comparison words and the field it is said of ("accuracy
above 0.9", "under 100M parameters", "8k context", "released in 2025", "scores above 0.9")."""
from __future__ import annotations

from dataclasses import replace

from engine.chat.numbers import Quantity, read_quantity
from engine.chat.spans import Ambiguity, match, match_ending
from engine.search.dsl import METRIC_NAME, METRIC_PREFIX, VERIFIED_PREFIX

_RANGE_STARTS = ("between", "from")
_RANGE_LINKS = ("and", "to", "-", "through")
_FIELD_FILLERS = ("score", "scores", "is", "of", "value", "a", "an", "with", "at", "has", "have", "are", "was")


class QuantitySteps:
    """Mixed into the extractor: uses its question state (x, texts, lexicon, vocabulary, metrics, add)."""

    def quantities(self) -> None:
        i = 0
        while i < len(self.texts):
            quantity = read_quantity(self.x.tokens, i, self.lexicon) if self.x.free(i, i + 1) else None
            i = self._quantity(quantity) if quantity else i + 1

    def ranges(self) -> None:
        """'between 100M and 500M parameters', 'bleu from 30 to 40': both bounds, inclusive, on one field."""
        for i, word in enumerate(self.texts):
            if not self.x.free(i, i + 1) or i + 1 >= len(self.texts):
                continue
            starts = word in _RANGE_STARTS
            if not starts and (read_quantity(self.x.tokens, i, self.lexicon) is None or i + 1 >= len(self.texts) or self.texts[i + 1] != "to"):
                continue  # "6 to 12 layers" needs no "from"
            low = read_quantity(self.x.tokens, i + starts, self.lexicon)
            if low is None or low.end >= len(self.texts) or self.texts[low.end] not in _RANGE_LINKS:
                continue
            high = read_quantity(self.x.tokens, low.end + 1, self.lexicon)
            if high is None or (low.date is None) != (high.date is None):
                continue
            if low.magnitude is None and high.magnitude is not None:  # "between 100 and 500M": one unit for both
                low = replace(low, magnitude=high.magnitude)
            if not starts and match(self.lexicon.numeric_fields, self.texts, high.end) is None:
                continue
            start, end, field_name = i, high.end, None
            cue_after = match(self.lexicon.numeric_fields, self.texts, end)
            if cue_after and self.x.free(end, end + cue_after[0]):
                field_name, end = cue_after[1], end + cue_after[0]
            else:
                cue_before = self._field_before(start)
                if cue_before:
                    field_name, start = cue_before
            if low.date is not None:
                field_name = "created"
            field_name = field_name or (self.lexicon.default_field_for_magnitude if high.magnitude else None)
            if field_name is None:
                continue
            self.add(start, end, field_name, "gte", low.value_for(field_name, self.lexicon), "range")
            self.add(start, end, field_name, "lte", high.value_for(field_name, self.lexicon), "range")

    def _quantity(self, q: Quantity) -> int:
        """Turn one quantity, its comparison words and its field words into a filter; returns the next index."""
        lex, texts = self.lexicon, self.texts
        if q.year is not None and self._year(q):
            return q.end
        start, end, op = q.start, q.end, None
        after = match(lex.comparisons_after, texts, end)
        if after:
            op, end = after[1], end + after[0]
        elif q.trailing_plus:
            op = "gte"
        before = match_ending(lex.comparisons_before, texts, start)
        if before and self.x.free(start - before[0], start):
            op, start = op or before[1], start - before[0]
        field_name = None
        cue_after = match(lex.numeric_fields, texts, end) or self._metric_at(end)
        if cue_after and self.x.free(end, end + cue_after[0]):
            field_name, end = cue_after[1], end + cue_after[0]
        else:
            cue_before = self._field_before(start)
            if cue_before:
                field_name, start = cue_before
        if field_name and field_name.startswith(METRIC_PREFIX) and start > 0 and texts[start - 1] in lex.verified_words \
                and self.x.free(start - 1, start):
            field_name, start = VERIFIED_PREFIX + field_name[len(METRIC_PREFIX):], start - 1  # "verified accuracy above 0.9"
        if q.date is not None and field_name in (None, "created"):
            field_name = "created"
        elif field_name is None and q.magnitude:
            field_name = lex.default_field_for_magnitude
        elif field_name == "created" and q.date is None:
            field_name = None
        if field_name is None:
            if op and self._unnamed_metric(q, start, end, op):
                return end
            if op and (q.magnitude or q.number != int(q.number) or texts[q.start] not in lex.number_words):
                self.x.unexpressed.append(self.x.words(start, end))
                self.x.take(start, end)
            return q.end
        self.add(start, end, field_name, op or "eq", q.value_for(field_name, lex), "number")
        return end

    def _year(self, q: Quantity) -> bool:
        """'after 2024', 'released in 2025': a year with a date word is a range of `created` dates."""
        hit = match_ending(self.lexicon.years, self.texts, q.start)
        if not hit or not self.x.free(q.start - hit[0], q.start):
            return False
        start, rule, year = q.start - hit[0], hit[1], q.year
        cue = match_ending(self.lexicon.numeric_fields, self.texts, start)
        if cue and cue[1] == "created" and self.x.free(start - cue[0], start):
            start -= cue[0]
        if rule["op"] == "range":
            self.add(start, q.end, "created", "gte", f"{year}-01-01", "number")
            self.add(start, q.end, "created", "lte", f"{year}-12-31", "number")
        else:
            self.add(start, q.end, "created", rule["op"], f"{year}-{rule['day']}", "number")
        return True

    def _unnamed_metric(self, q: Quantity, start: int, end: int, op: str) -> bool:
        """'scores above 0.9': some metric, unnamed; which of the lake's metrics is left to the LLM."""
        metrics = [m.lower() for m in self.vocabulary.get("metric", []) if METRIC_NAME.match(m.lower())]
        word_before = start - 1 if start >= 1 and self.texts[start - 1] in self.lexicon.metric_words else None
        word_after = end if end < len(self.texts) and self.texts[end] in self.lexicon.metric_words else None
        if not metrics or (word_before is None and word_after is None):
            return False
        start, end = (word_before if word_before is not None else start), (end + 1 if word_after is not None else end)
        value = q.value_for("metric:", self.lexicon)
        options = frozenset((METRIC_PREFIX + m, value) for m in metrics)
        self.x.ambiguities.append(Ambiguity(start, end, self.x.words(start, end), options, "metric", op))
        self.x.take(start, end)
        return True

    def _field_before(self, end: int) -> tuple[str, int] | None:
        """A numeric field or metric named just before a comparison ("accuracy above", "context window of")."""
        for skip in (0, 1, 2):
            if skip and (end - skip < 0 or any(w not in _FIELD_FILLERS for w in self.texts[end - skip:end])):
                continue
            stop = end - skip
            for table, to_field in ((self.lexicon.numeric_fields, lambda v: v), (self.metrics, lambda v: METRIC_PREFIX + v)):
                hit = match_ending(table, self.texts, stop) or (self._metric_acronym_ending(stop) if table is self.metrics else None)
                if hit and self.x.free(stop - hit[0], stop):
                    name = to_field(hit[1])
                    if not name.startswith(METRIC_PREFIX) or METRIC_NAME.match(name[len(METRIC_PREFIX):]):
                        return name, stop - hit[0]
        return None

    def _metric_at(self, i: int) -> tuple[int, str] | None:
        """A metric named right after a number ("0.9 accuracy")."""
        hit = match(self.metrics, self.texts, i)
        return (hit[0], METRIC_PREFIX + hit[1]) if hit else None

    def _metric_acronym_ending(self, end: int) -> tuple[int, str] | None:
        """Words whose initials spell a lake metric ("word error rate" -> wer, "mean average precision" -> map)."""
        for length in (4, 3, 2):
            if end - length >= 0:
                initials = "".join(word[0] for word in self.texts[end - length:end])
                if initials in self.metrics.values() and all(len(word) > 2 for word in self.texts[end - length:end]):
                    return length, initials
        return None
