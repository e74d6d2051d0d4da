"""CSV and Excel exports of the deadline list, for the secretariat's spreadsheets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker import exports
from tracker.deadlines.service import STATUS_LABELS, Deadline

# (key in the CSV, header in the Excel sheet, value)
COLUMNS: list[tuple[str, str, Any]] = [
    ("date", "Dato", lambda d: d.date),
    ("status", "Status", lambda d: d.status.value),
    ("kind", "Type frist", lambda d: d.kind.value),
    ("nye_metoder_id", "ID", lambda d: d.nye_metoder_id),
    ("method", "Metode", lambda d: d.method),
    ("title", "Frist", lambda d: d.title),
    ("description", "Beskrivelse", lambda d: d.description),
    ("open_flags", "Åpne varsler", lambda d: ", ".join(d.open_flags)),
    ("introduction_id", "Innføring nr.", lambda d: d.introduction_id),
    ("link", "Lenke", lambda d: d.link),
]
WIDTHS = (12, 10, 15, 12, 36, 48, 60, 30, 12, 32)


def to_csv(items: Sequence[Deadline]) -> str:
    """Return the deadlines as CSV (RFC 4180, comma-separated, ISO dates, a header row)."""
    rows = ([get(item) for _, _, get in COLUMNS] for item in items)
    return exports.to_csv([key for key, _, _ in COLUMNS], rows)


def to_xlsx(items: Sequence[Deadline]) -> bytes:
    """Return the deadlines as an Excel workbook with Norwegian headers and real date cells."""

    def row(item: Deadline) -> list[Any]:
        values = [get(item) for _, _, get in COLUMNS]
        values[1] = STATUS_LABELS[item.status]
        return values

    return exports.to_xlsx([header for _, header, _ in COLUMNS], (row(i) for i in items),
                           sheet="Frister", widths=WIDTHS)
