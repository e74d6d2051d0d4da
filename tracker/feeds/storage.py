"""Bulk insert of a validated extract inside the caller's transaction.

PostgreSQL gets the rows through a binary `COPY ... FROM STDIN` (psycopg 3), SQLite through
the DBAPI's `executemany` with tuples in large chunks. Both use the session's own connection,
so a failure later in the unit of work rolls the rows back with everything else.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import SmallInteger
from sqlmodel import Session

from tracker.feeds.models import FeedRecord

BATCH_ROWS = 100_000
ROWS_PER_STATEMENT = 10
TABLE = FeedRecord.__tablename__


def insert_records(*, session: Session, delivery_id: int, columns: dict[str, pa.Array]) -> None:
    """Store the rows of one delivery with the fastest path the database offers."""
    n = len(columns["row_no"])
    table = pa.table({"delivery_id": pa.array(np.full(n, delivery_id, dtype=np.int32)), **columns})
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        _copy_postgres(driver, table)
    else:
        _executemany(driver, table)


def _required() -> set[str]:
    return {
        column.name for column in FeedRecord.__table__.columns  # type: ignore[attr-defined]
        if not column.nullable
    }


def _copy_postgres(driver: Any, table: pa.Table) -> None:
    small = {
        column.name for column in FeedRecord.__table__.columns  # type: ignore[attr-defined]
        if isinstance(column.type, SmallInteger)
    }
    required = _required()
    # Never-null numbers and dates first: they are encoded together as one block per row.
    fixed = [field.name for field in table.schema if field.name in required
             and (pa.types.is_integer(field.type) or pa.types.is_date32(field.type))]
    order = fixed + [name for name in table.column_names if name not in fixed]
    with driver.cursor() as cursor, cursor.copy(
        f"COPY {TABLE} ({', '.join(order)}) FROM STDIN (FORMAT binary)",
        # Send from a thread: the server stores one batch while Arrow encodes the next.
        writer=QueuedLibpqWriter(cursor),
    ) as copy:
        copy.write(COPY_HEADER)
        for batch in table.select(order).to_batches(max_chunksize=BATCH_ROWS):
            copy.write(_binary_rows(batch, len(fixed), small))
        copy.write(COPY_TRAILER)


# PostgreSQL's binary COPY format: a signature, then per row a field count and per field its
# length (-1 for NULL) and big-endian bytes. numpy and Arrow build every row; no Python per row.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)
_NULL_FIELD = pa.scalar(struct.pack(">i", -1), pa.binary())
_POSTGRES_EPOCH_DAYS = 10957  # 2000-01-01 in days since 1970-01-01


def _numbers(array: pa.Array) -> npt.NDArray[Any]:
    """Return integers as they go on the wire (dates: days since 2000-01-01)."""
    if pa.types.is_date32(array.type):
        days = pc.fill_null(pc.cast(array, pa.int32()), 0).to_numpy(zero_copy_only=False)
        return days - _POSTGRES_EPOCH_DAYS  # type: ignore[no-any-return]
    return pc.fill_null(array, 0).to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]


def _as_binary(rows: npt.NDArray[Any]) -> pa.Array:
    """View a packed numpy record array as one binary value per record."""
    width = rows.dtype.itemsize
    fixed = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(rows), [None, pa.py_buffer(rows)]
    )
    return fixed.cast(pa.binary())


def _row_start(batch: pa.RecordBatch, n_fixed: int, small: set[str]) -> pa.Array:
    """The field count and the never-null fixed-width fields of each row, as one block."""
    names = batch.schema.names[:n_fixed]
    layout: list[tuple[str, str]] = [("count", ">i2")]
    for i, name in enumerate(names):
        layout += [(f"length{i}", ">i4"), (f"value{i}", ">i2" if name in small else ">i4")]
    rows = np.empty(batch.num_rows, dtype=np.dtype(layout))
    rows["count"] = batch.num_columns
    for i, name in enumerate(names):
        rows[f"length{i}"] = 2 if name in small else 4
        rows[f"value{i}"] = _numbers(batch.column(i))
    return _as_binary(rows)


def _field(array: pa.Array, small: bool) -> pa.Array:
    """Encode one column that may hold NULLs as length-prefixed fields."""
    if pa.types.is_integer(array.type) or pa.types.is_date32(array.type):
        dtype = ">i2" if small else ">i4"
        rows = np.empty(len(array), dtype=np.dtype([("length", ">i4"), ("value", dtype)]))
        rows["length"] = np.dtype(dtype).itemsize
        rows["value"] = _numbers(array)
        fields = _as_binary(rows)
    else:
        data = pc.cast(pc.fill_null(array, ""), pa.binary())
        lengths = np.empty(len(array), dtype=np.dtype([("length", ">i4")]))
        lengths["length"] = pc.binary_length(data).to_numpy(zero_copy_only=False)
        fields = pc.binary_join_element_wise(_as_binary(lengths), data, b"")
    if array.null_count:
        fields = pc.if_else(array.is_valid(), fields, _NULL_FIELD)
    return fields


def _binary_rows(batch: pa.RecordBatch, n_fixed: int, small: set[str]) -> memoryview:
    """Encode a batch as the rows of a binary COPY stream."""
    n = batch.num_rows
    parts = [_row_start(batch, n_fixed, small)]
    parts += [_field(batch.column(i), name in small)
              for i, name in enumerate(batch.schema.names) if i >= n_fixed]
    rows = pc.binary_join_element_wise(*parts, b"")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset : rows.offset + n + 1]
    return memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]]


def _python_values(array: pa.Array) -> list[Any]:
    """Return a column as Python values; nulls become '' or -1 (see _executemany)."""
    if pa.types.is_integer(array.type):
        if array.null_count:
            array = pc.fill_null(array, -1)
        return array.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]
    if pa.types.is_date(array.type):
        array = pc.cast(array, pa.string())
    if array.null_count:
        array = pc.fill_null(array, "")
    if len(array) > 0:
        encoded = array.dictionary_encode()
        if len(encoded.dictionary) * 4 < len(array):
            # Few distinct values (regions, dates): build each string once and share it.
            values = np.array(encoded.dictionary.to_pylist(), dtype=object)
            return values[encoded.indices.to_numpy()].tolist()  # type: ignore[no-any-return]
    return array.to_pylist()  # type: ignore[no-any-return]


def _placeholder(array: pa.Array) -> str:
    """`?` for a column without gaps in this batch, else one that turns the stand-in into NULL.

    sqlite3 adapts None through a slow path; binding '' or -1 and turning them back into NULL in
    SQL is several times faster, and costs nothing in a column that has no gaps. Neither
    stand-in can occur as a value: text is trimmed and non-empty, and birth years and treatment
    lines are positive.
    """
    if not array.null_count:
        return "?"
    return "NULLIF(?, -1)" if pa.types.is_integer(array.type) else "NULLIF(?, '')"


def _executemany(driver: Any, table: pa.Table) -> None:
    # Every row of a call belongs to one delivery: its id is written into the statement (an
    # integer, never user text) instead of being bound a million times.
    if table.num_rows == 0:
        return
    delivery_id = int(table.column("delivery_id")[0].as_py())
    table = table.drop_columns(["delivery_id"])
    insert = (f"INSERT INTO {TABLE} (delivery_id, {', '.join(table.column_names)}) VALUES ")
    cursor = driver.cursor()
    try:
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            arrays = [batch.column(i) for i in range(batch.num_columns)]
            one_row = f"({delivery_id}, {', '.join(_placeholder(a) for a in arrays)})"
            # Several rows per statement: the per-statement work in sqlite3 is paid once per group.
            grouped = insert + ", ".join([one_row] * ROWS_PER_STATEMENT)
            columns = [_python_values(array) for array in arrays]
            whole = batch.num_rows - batch.num_rows % ROWS_PER_STATEMENT
            if whole:
                # zip over every k-th value of each column, row by row: one tuple holds k rows.
                strided = [column[j:whole:ROWS_PER_STATEMENT]
                           for j in range(ROWS_PER_STATEMENT) for column in columns]
                cursor.executemany(grouped, zip(*strided, strict=True))
            if whole < batch.num_rows:
                cursor.executemany(insert + one_row, zip(*(column[whole:] for column in columns),
                                                         strict=True))
    finally:
        cursor.close()
