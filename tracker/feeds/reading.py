"""Read an uploaded extract (CSV or Parquet) into an Arrow table, reporting what cannot be read.

Nothing read here is ever put into a message: a cell may hold a direct identifier, so problems
name rows and columns only, and a column whose name may not be shown is named by its position.

The order of the checks bounds the time and memory a hostile file can take: the header alone
decides the number of columns, the bytes are scanned for over-long lines, stray CRs and open
quotes before anything is parsed, and Parquet's metadata is checked before its columns are read.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from tracker.feeds import limits
from tracker.feeds.cells import control_characters, long_cells
from tracker.feeds.identifiers import identifier_mask
from tracker.feeds.problems import MAX_LISTED, Problems, may_show
from tracker.feeds.scan import row_at, scan_lines

BOM = b"\xef\xbb\xbf"
PARQUET_MAGIC = b"PAR1"
IDENTIFIER_NAME = (
    "the column name holds a fødselsnummer or D-number, a direct identifier; rename the column "
    "(the name is not shown)"
)
LINE_PROBLEMS = {
    "too long": f"is longer than {limits.MAX_LINE_BYTES:,} bytes, too long for a row of the "
    "format; check that the file has line breaks and that every quote is closed",
    "lone CR": "holds a carriage return (CR) that does not end a line; save the file with "
    "Windows (CRLF) or Unix (LF) line breaks, without line breaks inside cells",
    "open quote": "cannot be read as CSV: a quote opens in this row and is not closed in it; "
    "close the quote (a value may not span lines)",
}


@dataclass
class RawExtract:
    """The cells of an extract under normalised column names, before any validation."""

    table: pa.Table  # columns named as in the file, lower-cased and stripped
    file_format: str  # "csv" or "parquet"
    delimiter: str | None = None


def read_extract(content: bytes, problems: Problems) -> RawExtract | None:
    """Read CSV (comma or semicolon, UTF-8 with or without BOM) or Parquet; None if unreadable."""
    parquet = content[:4] == PARQUET_MAGIC
    raw = _read_parquet(content, problems) if parquet else _read_csv(content, problems)
    # Parquet is compressed; a CSV file shows at once whether any cell may hold DEL or C1.
    high = parquet or b"\x7f" in content or b"\xc2" in content
    if raw is None or not _cells_are_text(raw.table, problems, high=high):
        return None
    return raw


def column_label(name: str, position: int) -> tuple[str | None, int | None]:
    """Return how a problem names a column: by its name, or by its position if not shown."""
    return (name, None) if may_show(name) else (None, position)


def _too_many_columns(problems: Problems, count: str) -> None:
    problems.file(
        f"the header row has {count} columns; at most {limits.MAX_COLUMNS} are read. Leave out "
        "the columns the format does not need", row=1)


def _normalise_names(names: list[str], problems: Problems) -> list[str] | None:
    if len(names) > limits.MAX_COLUMNS:
        _too_many_columns(problems, f"{len(names):,}")
        return None
    normalised = [name.strip().lower() for name in names]
    as_array = pa.array(normalised, type=pa.string())
    identifiers = identifier_mask(as_array)
    controls = control_characters(as_array)
    seen: dict[str, int] = {}
    for position, name in enumerate(normalised, start=1):
        index = position - 1
        if identifiers[index]:
            problems.file(IDENTIFIER_NAME, position=position)
        elif controls is not None and (controls.line_breaks[index] or controls.other[index]):
            problems.file("the column name holds a control character or a line break; rename "
                          "the column", position=position)
        elif len(name) > limits.MAX_NAME_CHARS:
            problems.file(f"the column name is longer than {limits.MAX_NAME_CHARS} characters; "
                          "rename the column", position=position)
        elif not name:
            problems.file(f"column {position} has no name in the header row", column=None)
        elif name in seen:
            if may_show(name):
                problems.file(f"column {name!r} appears more than once in the header row",
                              column=name)
            else:
                problems.file(f"has the same name as column {seen[name]} (not shown: it holds "
                              "a long run of digits); every column must be named once",
                              position=position)
        seen.setdefault(name, position)
    return None if problems.total else normalised


def _cells_are_text(table: pa.Table, problems: Problems, *, high: bool = True) -> bool:
    """Refuse cells with control characters or line breaks, and Parquet cells too long for CSV."""
    found = False
    for position, name in enumerate(table.column_names, start=1):
        column, at = column_label(name, position)
        controls = control_characters(table[name], high=high)
        if controls is not None:
            found |= bool(problems.rows(controls.line_breaks, column, lambda i: (
                "holds a line break: a quote opened in this row is probably not closed; values "
                "may not span lines"), position=at))
            found |= bool(problems.rows(controls.other, column, lambda i: (
                "holds a control character (such as NUL); remove it"), position=at))
        too_long = long_cells(table[name], limits.MAX_LINE_BYTES)
        if too_long is not None:
            found |= bool(problems.rows(too_long, column, lambda i: (
                f"is longer than {limits.MAX_LINE_BYTES:,} bytes"), position=at))
    return not found


# Parquet ------------------------------------------------------------------------------------

def _supported(type_: pa.DataType) -> bool:
    """Whether a Parquet column holds scalars the checks can read (text, numbers, dates)."""
    if pa.types.is_dictionary(type_):
        return _supported(type_.value_type)
    return bool(
        pa.types.is_string(type_) or pa.types.is_large_string(type_)
        or pa.types.is_integer(type_) or pa.types.is_floating(type_)
        or pa.types.is_decimal(type_) or pa.types.is_boolean(type_)
        or pa.types.is_date(type_) or pa.types.is_timestamp(type_) or pa.types.is_null(type_)
    )


def _read_parquet(content: bytes, problems: Problems) -> RawExtract | None:
    try:
        parquet = pq.ParquetFile(pa.BufferReader(content))
        schema = parquet.schema_arrow
        metadata = parquet.metadata
    except (pa.ArrowException, OSError, ValueError):
        problems.file("the file starts like Parquet but cannot be read as a Parquet file")
        return None
    if len(schema) > limits.MAX_COLUMNS:
        _too_many_columns(problems, f"{len(schema):,}")
        return None
    names = _normalise_names([str(name) for name in schema.names], problems)
    if names is None:
        return None
    for position, field in enumerate(schema, start=1):
        if not _supported(field.type):
            column, at = column_label(names[position - 1], position)
            problems.file(
                f"is a Parquet column of type {field.type}; only text, numbers, dates and "
                "timestamps are read. Flatten the column or leave it out", column=column,
                position=at)
    if metadata.num_rows > limits.MAX_ROWS:
        problems.file(f"the file has {metadata.num_rows:,} rows; at most {limits.MAX_ROWS:,} "
                      "are read in one extract. Split it by data source or period")
    budget = max(limits.MIN_PARQUET_BUDGET_BYTES, limits.PARQUET_EXPANSION * len(content))
    declared = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if max(declared, 8 * metadata.num_rows * len(schema)) > budget:
        problems.file(_expands(budget))
    if problems.total:
        return None
    text = [field.name for field in schema if pa.types.is_string(field.type)
            or pa.types.is_large_string(field.type)]
    try:
        # Text stays dictionary-encoded until its decoded size is known to fit the budget.
        table = pq.ParquetFile(pa.BufferReader(content), read_dictionary=text).read()
    except (pa.ArrowException, OSError, ValueError):
        problems.file("the file starts like Parquet but cannot be read as a Parquet file")
        return None
    if _decoded_bytes(table) > budget:
        problems.file(_expands(budget))
        return None
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).combine_chunks()
                                     .dictionary_decode())
    return RawExtract(table=table.rename_columns(names), file_format="parquet")


def _expands(budget: int) -> str:
    return (f"the Parquet file expands to more than {budget // 2**20:,} MB once read; split it "
            "into smaller extracts")


def _decoded_bytes(table: pa.Table) -> int:
    """The memory the table will take once its dictionary-encoded text is decoded."""
    total = 0
    for column in table.columns:
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type):
                lengths = pc.binary_length(chunk.dictionary).to_numpy(
                    zero_copy_only=False)
                indices = chunk.indices.to_numpy(zero_copy_only=False)
                used = lengths[np.nan_to_num(indices, nan=0).astype(np.int64)] \
                    if len(indices) else lengths[:0]
                total += int(used.sum()) + 8 * len(chunk)
            else:
                total += chunk.nbytes
    return total


# CSV ----------------------------------------------------------------------------------------

def _detect_delimiter(header: bytes) -> str:
    # The header holds column names only, so whichever separator occurs more often is the one.
    return ";" if header.count(b";") > header.count(b",") else ","


def _read_csv(content: bytes, problems: Problems) -> RawExtract | None:
    start = len(BOM) if content.startswith(BOM) else 0
    end = content.find(b"\n", start, start + limits.MAX_LINE_BYTES + 1)
    if end < 0 and len(content) - start > limits.MAX_LINE_BYTES:
        head = content[start : start + limits.MAX_LINE_BYTES]
        separators = head.count(_detect_delimiter(head).encode())
        if separators >= limits.MAX_COLUMNS:
            _too_many_columns(problems, f"more than {separators:,}")
        else:
            problems.file(LINE_PROBLEMS["too long"], row=1)
        return None
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

    lines = scan_lines(content, start)
    if lines.problem is not None:
        problems.file(LINE_PROBLEMS[lines.problem.kind], row=lines.problem.row)
        return None
    if lines.rows - 1 > limits.MAX_ROWS:
        problems.file(f"the file has {lines.rows - 1:,} rows; at most {limits.MAX_ROWS:,} are "
                      "read in one extract. Split it by data source or period")
        return None

    table = _parse_csv(content, start, names, delimiter, problems, use_threads=True)
    if table is None:
        return None
    if table.num_rows != lines.rows - 1 and _cells_are_text(table, problems):
        # A value spanning lines is reported as such above; this is the last guard.
        problems.file(
            f"the file has {lines.rows - 1:,} rows but {table.num_rows:,} were read; check that "
            "every quote is closed and that no cell holds a line break")
    return None if problems.total else RawExtract(table, "csv", delimiter)


def _parse_csv(
    content: bytes, start: int, names: list[str], delimiter: str, problems: Problems,
    *, use_threads: bool,
) -> pa.Table | None:
    """Parse the body; on rows with the wrong number of fields, parse again to locate them.

    Arrow numbers the rows it cannot read only when it reads on one thread, so the fast read
    on every core only counts them, and gives up after the first MAX_LISTED.
    """
    ragged: list[tuple[int | None, int]] = []

    def on_invalid_row(row: pcsv.InvalidRow) -> str:
        ragged.append((row.number, row.actual_columns))
        return "skip" if len(ragged) < MAX_LISTED else "error"

    body = pa.py_buffer(content).slice(start)
    try:
        table = pcsv.read_csv(
            body,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1,
                                          use_threads=use_threads),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            _locate_invalid_utf8(content, start, problems)
        elif use_threads:
            _parse_csv(content, start, names, delimiter, problems, use_threads=False)
        else:
            _report_ragged(ragged, len(names), delimiter, problems)
        if not problems.total:
            problems.file("the file could not be read as CSV; check quoting and the delimiter")
        return None
    if not ragged:
        return table
    if use_threads:
        return _parse_csv(content, start, names, delimiter, problems, use_threads=False)
    _report_ragged(ragged, len(names), delimiter, problems)
    return None


def _report_ragged(
    ragged: list[tuple[int | None, int]], n_columns: int, delimiter: str, problems: Problems
) -> None:
    listed = MAX_LISTED - 1  # and one line to say that reading stopped there
    for number, actual in ragged[:listed]:
        problems.file(
            f"has {actual} fields but the header row has {n_columns} "
            f"(delimiter {delimiter!r})", row=number)
    if len(ragged) > listed:
        problems.file(f"reading stopped after {listed:,} rows with the wrong number of "
                      "fields; check the delimiter and the quotes")


def _locate_invalid_utf8(content: bytes, start: int, problems: Problems) -> None:
    """Name the row of the first byte that is not UTF-8, decoding a megabyte at a time."""
    view = memoryview(content)
    step = 1024 * 1024
    position = start
    while position < len(content):
        chunk_end = min(position + step, len(content))
        try:
            str(view[position:chunk_end], "utf-8")
            position = chunk_end
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and chunk_end < len(content) \
                    and exc.start > 0:
                position += exc.start  # a character cut at the chunk's end: start from it
                continue
            problems.file(
                "the file is not UTF-8 text from this row on; save it as UTF-8 (CSV UTF-8)",
                row=row_at(content, start, position + exc.start))
            return
