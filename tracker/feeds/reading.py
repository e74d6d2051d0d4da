"""Read an uploaded extract (CSV or Parquet) into an Arrow table, reporting what cannot be read.

Nothing read here is ever put into a message: a cell may hold a direct identifier, so problems
name rows and columns only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from tracker.feeds.problems import Problems

BOM = b"\xef\xbb\xbf"
PARQUET_MAGIC = b"PAR1"


@dataclass
class RawExtract:
    """The cells of an extract under normalised column names, before any validation."""

    table: pa.Table  # columns named as in the file, lower-cased and stripped
    file_format: str  # "csv" or "parquet"
    delimiter: str | None = None


def read_extract(content: bytes, problems: Problems) -> RawExtract | None:
    """Read CSV (comma or semicolon, UTF-8 with or without BOM) or Parquet; None if unreadable."""
    if content[:4] == PARQUET_MAGIC:
        return _read_parquet(content, problems)
    return _read_csv(content, problems)


def _normalise_names(names: list[str], problems: Problems) -> list[str] | None:
    normalised = [name.strip().lower() for name in names]
    seen: set[str] = set()
    for position, name in enumerate(normalised, start=1):
        if not name:
            problems.file(f"column {position} has no name in the header row", column=None)
        elif name in seen:
            problems.file(f"column {name!r} appears more than once in the header row", column=name)
        seen.add(name)
    return None if problems.total else normalised


def _read_parquet(content: bytes, problems: Problems) -> RawExtract | None:
    try:
        table = pq.read_table(pa.BufferReader(content))
    except (pa.ArrowException, OSError, ValueError):
        problems.file("the file starts like Parquet but cannot be read as a Parquet file")
        return None
    names = _normalise_names([str(name) for name in table.column_names], problems)
    if names is None:
        return None
    return RawExtract(table=table.rename_columns(names), file_format="parquet")


def _detect_delimiter(header: bytes) -> str:
    # The header holds column names only, so whichever separator occurs more often is the one.
    return ";" if header.count(b";") > header.count(b",") else ","


def _read_csv(content: bytes, problems: Problems) -> RawExtract | None:
    body = pa.py_buffer(content)
    if content.startswith(BOM):
        body = body.slice(len(BOM))
    start = len(BOM) if content.startswith(BOM) else 0
    end = content.find(b"\n", start)
    header_bytes = content[start : end if end >= 0 else len(content)]
    try:
        header_text = header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        problems.file("the header row is not UTF-8 text; save the file as UTF-8 (CSV UTF-8)",
                      row=1)
        return None
    if not header_text.strip():
        problems.file("the file is empty or its first row is blank; row 1 must name the columns",
                      row=1)
        return None
    delimiter = _detect_delimiter(header_bytes)
    raw_names = next(csv.reader([header_text.rstrip("\r")], delimiter=delimiter))
    names = _normalise_names(raw_names, problems)
    if names is None:
        return None

    ragged: list[int] = []

    def on_invalid_row(row: pcsv.InvalidRow) -> str:
        ragged.append(row.actual_columns)
        return "skip"

    try:
        table = pcsv.read_csv(
            body,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:
        _locate_csv_problems(content, delimiter, len(names), problems)
        if not problems.total:
            problems.file("the file could not be read as CSV; check quoting and the delimiter")
        return None
    if ragged:
        _locate_csv_problems(content, delimiter, len(names), problems)
        return None
    return RawExtract(table=table, file_format="csv", delimiter=delimiter)


def _locate_csv_problems(
    content: bytes, delimiter: str, n_columns: int, problems: Problems
) -> None:
    """Find the rows Arrow could not read (slow path, used only for broken files)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = content.count(b"\n", 0, exc.start) + 1
        problems.file(
            "the file is not UTF-8 text from this row on; save it as UTF-8 (CSV UTF-8)", row=row
        )
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    record = 0  # blank lines are skipped and not counted, as Arrow does
    try:
        for fields in reader:
            if not fields:
                continue
            record += 1
            if len(fields) != n_columns:
                problems.file(
                    f"has {len(fields)} fields but the header row has {n_columns} "
                    f"(delimiter {delimiter!r})",
                    row=record,
                )
    except csv.Error:
        problems.file("cannot be read as CSV from this row on (check quotes)", row=record + 1)
