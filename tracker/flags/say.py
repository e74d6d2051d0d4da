"""Flag messages in both languages of the interface.

A rule writes its message twice, side by side, with these helpers: `NB.date(...)`,
`EN.days(...)`, `NB.when(due, as_of)`. The sweep stores the Norwegian wording as `message` (the
API's and the e-mails' text) and the English as `message_en` (the English pages), and rewrites
both when the words change, so "in 3 days" does not stay "in 97 days" on a flag raised in
the spring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.timeutil import en_date, nb_date


@dataclass(frozen=True)
class Say:
    """How dates, day counts and distances in time are written in one language."""

    lang: str

    def date(self, value: dt.date) -> str:
        """31.12.2026 (Norwegian), 31 Dec 2026 (English)."""
        return en_date(value) if self.lang == "en" else nb_date(value)

    def days(self, count: int) -> str:
        """'1 dag', '2 dager'; '1 day', '2 days'."""
        one = abs(count) == 1
        if self.lang == "en":
            return f"{count} {'day' if one else 'days'}"
        return f"{count} {'dag' if one else 'dager'}"

    def when(self, due: dt.date, as_of: dt.date) -> str:
        """How far a date is from the sweep date: 'om 97 dager', 'i dag', 'for 2 dager siden'."""
        days = (due - as_of).days
        if self.lang == "en":
            return "today" if days == 0 else (f"in {self.days(days)}" if days > 0
                                              else f"{self.days(-days)} ago")
        if days == 0:
            return "i dag"
        return f"om {self.days(days)}" if days > 0 else f"for {self.days(-days)} siden"

    @staticmethod
    def count(n: int, one: str, many: str) -> str:
        """A count with its noun in this language: '1 sak', '3 saker'; '1 case', '3 cases'."""
        return f"{n} {one if n == 1 else many}"


NB = Say("nb")
EN = Say("en")
