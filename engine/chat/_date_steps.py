"""Extraction steps for dates of `created`: month names ("since June", "after March 2026", "in May"), relative periods
("in the last 90 days", "over the past 6 months", "this year", "last year"), against the `today` the chat is given.
Bare years ("before 2025", "in 2026") are read with the other numbers (engine/chat/_quantity_steps.py)."""
from __future__ import annotations

import calendar
import datetime as dt

from engine.chat.numbers import read_quantity
from engine.chat.spans import match_ending


class DateSteps:
    """Mixed into the extractor: uses its question state (x, texts, lexicon, today, add)."""

    def dates(self) -> None:
        for i, word in enumerate(self.texts):
            if not self.x.free(i, i + 1):
                continue
            if word in self.lexicon.months and self._month(i):
                continue
            if word in self.lexicon.recent_words:
                self._recent(i)
            elif word in self.lexicon.this_words and i + 1 < len(self.texts) and self.texts[i + 1] in ("year", "month"):
                start = self.today.replace(month=1, day=1) if self.texts[i + 1] == "year" else self.today.replace(day=1)
                self.add(self._created_cue(i), i + 2, "created", "gte", start.isoformat(), "date")

    def _created_cue(self, start: int) -> int:
        """Take in "added"/"registered in" before a date phrase: they only say which date is meant."""
        while start > 0 and self.texts[start - 1] in ("in", "during", "over", "the") and self.x.free(start - 1, start):
            start -= 1
        cue = match_ending(self.lexicon.numeric_fields, self.texts, start)
        return start - cue[0] if cue and cue[1] == "created" and self.x.free(start - cue[0], start) else start

    def _month(self, i: int) -> bool:
        """'<since|after|before|in> June [2026]': a month, in the given year or the latest one not after today."""
        month = self.lexicon.months[self.texts[i]]
        hit = match_ending(self.lexicon.years, self.texts, i)
        if not hit or not self.x.free(i - hit[0], i):
            return False
        end, year = i + 1, None
        if end < len(self.texts):
            quantity = read_quantity(self.x.tokens, end, self.lexicon)
            if quantity is not None and quantity.year is not None:
                year, end = quantity.year, quantity.end
        year = year or (self.today.year if month <= self.today.month else self.today.year - 1)
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        start, rule = i - hit[0], hit[1]
        cue = match_ending(self.lexicon.numeric_fields, self.texts, start)
        if cue and cue[1] == "created" and self.x.free(start - cue[0], start):
            start -= cue[0]
        if rule["op"] == "range":
            self.add(start, end, "created", "gte", first.isoformat(), "date")
            self.add(start, end, "created", "lte", last.isoformat(), "date")
        else:
            day = {"gt": last, "lte": last}.get(rule["op"], first)
            self.add(start, end, "created", rule["op"], day.isoformat(), "date")
        return True

    def _recent(self, i: int) -> None:
        """'in the last 90 days', 'past 6 months', 'within a year', 'last year' (the calendar year before today's)."""
        j, amount = i + 1, 1
        quantity = read_quantity(self.x.tokens, j, self.lexicon) if j < len(self.texts) else None
        if quantity is not None and not quantity.magnitude and quantity.number.is_integer():
            amount, j = int(quantity.number), quantity.end
        elif j < len(self.texts) and self.texts[j] in ("a", "one"):
            j += 1
        if j >= len(self.texts) or self.texts[j] not in self.lexicon.period_days:
            return
        start = self._created_cue(i)
        if self.texts[i] == "last" and (i == 0 or self.texts[i - 1] != "the") and self.texts[j] == "year" and amount == 1:
            previous = self.today.year - 1  # "last year", not "in the last year"
            self.add(start, j + 1, "created", "gte", f"{previous}-01-01", "date")
            self.add(start, j + 1, "created", "lte", f"{previous}-12-31", "date")
            return
        since = self.today - dt.timedelta(days=amount * self.lexicon.period_days[self.texts[j]])
        self.add(start, j + 1, "created", "gte", since.isoformat(), "date")
