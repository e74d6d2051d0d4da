"""Norwegian public holidays and working days, for the committee's paper deadline.

Papers go out "minimum to virkedager før møtet" (002_e9fcae1246b76c56.txt L674–675): working
days are Monday to Friday except the public holidays of the Public Holidays Act (helligdager:
New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday, Ascension Day, Whit Sunday
and Monday, Christmas Day, Boxing Day) and the two public days off (1 and 17 May).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Return the Norwegian public holidays and public days off of a year."""
    sunday = easter(year)
    moving = (-3, -2, 0, 1, 39, 49, 50)  # Maundy Thursday ... Whit Monday, from Easter Sunday
    fixed = (date(year, 1, 1), date(year, 5, 1), date(year, 5, 17), date(year, 12, 25),
             date(year, 12, 26))
    return frozenset({*fixed, *(sunday + timedelta(days=d) for d in moving)})


def is_working_day(day: date) -> bool:
    """Return whether a day is a working day (a weekday that is not a public holiday)."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """Return the working day `count` working days before `day` (the latest day papers may go)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days after `start` up to and including `end`."""
    days = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        days += is_working_day(current)
    return days
