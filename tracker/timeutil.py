"""The one place that reads the clock. Everything else takes `as_of` or `now` as an argument."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Nye metoder is national: "today" is the date in Norway, whatever the server's own zone. A data
# cut dated today must not be refused between midnight and 01:00/02:00 Oslo time.
OSLO = ZoneInfo("Europe/Oslo")


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def today(now: datetime | None = None) -> date:
    """Return today's date in Norway (Europe/Oslo), now or at the given moment."""
    return local_date(now or utcnow())


def local_date(moment: datetime) -> date:
    """The date in Norway of a stored moment (kept in UTC; SQLite hands it back naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(OSLO).date()


def nb_date(value: date) -> str:
    """A date as Norwegian users write it, in messages and titles: 30.06.2027."""
    return value.strftime("%d.%m.%Y")


def en_date(value: date) -> str:
    """A date as the English pages write it: 30 Jun 2027."""
    return value.strftime("%d %b %Y").lstrip("0")
