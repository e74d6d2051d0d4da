"""CSV and Excel exports of the deadline list, for the secretariat's spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

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
_FORMULA_START = ("=", "+", "-", "@")


def _safe(value: Any) -> Any:
    """Keep spreadsheet programs from running CSV text that starts like a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(items: Sequence[Deadline]) -> str:
    """Return the deadlines as CSV (RFC 4180, comma-separated, ISO dates, a header row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([key for key, _, _ in COLUMNS])
    for item in items:
        row = [get(item) for _, _, get in COLUMNS]
        writer.writerow(["" if v is None else _safe(v if isinstance(v, str) else str(v))
                         for v in row])
    return out.getvalue()


def to_xlsx(items: Sequence[Deadline]) -> bytes:
    """Return the deadlines as an Excel workbook with Norwegian headers and real date cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Frister"
    sheet.append([header for _, header, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        row = [get(item) for _, _, get in COLUMNS]
        row[1] = STATUS_LABELS[item.status]
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # stored as text exactly as written, never as a formula
    for cell in sheet["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGHIJ", (12, 10, 15, 12, 36, 48, 60, 30, 12, 32), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
