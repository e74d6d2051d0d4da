"""The one exporter of tables to CSV and Excel, for the API and the dashboards alike.

Whatever text is stored, an export neither fails nor carries a live formula:

* text that a spreadsheet would read as a formula (OWASP, "CSV Injection": a cell starting with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also after leading spaces or line breaks,
  and the full-width forms) gets a leading apostrophe in CSV, and is written to Excel as a text
  cell with the quote prefix set, so that it stays text even when the cell is edited;
* control characters that XML (and so Excel) cannot hold are dropped, and lone surrogates
  become U+FFFD, so no stored text can make the export fail.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_LEADING_BLANKS = " \n\u00a0"
# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Return the text without characters a spreadsheet file cannot hold."""
    value = _CONTROL.sub("", value)
    return _SURROGATE.sub("\ufffd", value)


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    if not value:
        return False
    if value[0] in _FORMULA_START:
        return True
    stripped = value.lstrip(_LEADING_BLANKS)
    return bool(stripped) and stripped[0] in _FORMULA_START


def csv_cell(value: Any) -> str:
    """Return one cell as CSV text: ISO dates, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, str):
        return str(value)
    text = clean_text(value)
    return "'" + text if is_formula_like(text) else text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> str:
    """Return a table as CSV (RFC 4180, comma-separated, CRLF, a header row).

    `bom` starts the text with a byte-order mark, which makes Excel read æ, ø and å as UTF-8.
    """
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str,
    widths: Sequence[int] | None = None,
) -> bytes:
    """Return a table as an Excel workbook: bold frozen header, filter, real date cells, and
    every text a text cell (never a formula)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = clean_text(sheet)[:31]
    ws.append([clean_text(str(h)) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([clean_text(v) if isinstance(v, str) else v for v in row])
        for cell in ws[ws.max_row]:
            value = cell.value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula otherwise
                if is_formula_like(value):
                    cell.quotePrefix = True
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for index, width in enumerate(widths or (), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
