"""The one place that reads the clock. Everything else takes `as_of` or `now` as an argument."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    """Return today's date in UTC."""
    return utcnow().date()
