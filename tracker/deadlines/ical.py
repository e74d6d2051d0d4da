"""An iCalendar (RFC 5545) feed of the deadline list, written by hand: no dependency needed.

Every deadline is an all-day VEVENT whose UID is derived from its subject, so a subscribed
calendar updates the event when a date moves (SEQUENCE follows the row version) instead of
adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from tracker import exports
from tracker.deadlines.service import STATUS_LABELS, Deadline, DeadlineStatus

PRODID = "-//Nye metoder tracker//Frister//NO"
UID_DOMAIN = "nye-metoder-tracker"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines; control
    characters, which TEXT may not hold, are dropped as in every export."""
    value = exports.clean_text(value)
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1) without splitting a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            # A continuation line starts with one space, which counts towards its 75 octets.
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _stamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(item: Deadline, *, base_url: str = "") -> list[str]:
    """Return the content lines of one deadline's VEVENT (unfolded)."""
    done = item.status == DeadlineStatus.done
    summary = f"{'[Utført] ' if done else ''}{item.title}"
    description = "\n".join([
        item.description,
        f"Status: {STATUS_LABELS[item.status]}.",
        *([f"Åpne varsler: {', '.join(item.open_flags)}."] if item.open_flags else []),
        f"Lenke: {base_url.rstrip('/')}{item.link}",
    ])
    lines = [
        "BEGIN:VEVENT",
        f"UID:{item.uid}@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(item.updated_at)}",
        f"DTSTART;VALUE=DATE:{_date(item.date)}",
        f"DTEND;VALUE=DATE:{_date(item.date + timedelta(days=1))}",
        f"SEQUENCE:{max(item.sequence, 0)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(item.kind_label)}",
        "TRANSP:TRANSPARENT",
    ]
    if base_url:
        lines.append(f"URL:{base_url.rstrip('/')}{item.link}")
    lines.append("END:VEVENT")
    return lines


def calendar(items: Iterable[Deadline], *, base_url: str = "") -> str:
    """Return the VCALENDAR text (CRLF line ends, folded) of the deadlines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Nye metoder – frister",
        "X-WR-TIMEZONE:Europe/Oslo",
    ]
    for item in items:
        lines += event_lines(item, base_url=base_url)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
