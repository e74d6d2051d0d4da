"""Bulk insert of a validated extract inside the caller's transaction.

PostgreSQL gets the rows through a binary `COPY ... FROM STDIN` (psycopg 3) on the session's
own connection. SQLite gets them from Arrow by ADBC into stage files that the session's
connection copies in (see `_stage_sqlite`). Either way the rows are written in the session's
transaction, so a failure later in the unit of work rolls them back with everything else.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import struct
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import adbc_driver_sqlite.dbapi as adbc_sqlite
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import SmallInteger, event
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
    if connection.dialect.name == "postgresql":
        _copy_postgres(connection.connection.driver_connection, table)
    else:
        _insert_sqlite(connection, table, delivery_id)


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


# SQLite: Python's sqlite3 binds every value of every row one by one, which made storing
# a million rows take longer than everything else in an import. The ADBC driver binds whole
# Arrow columns in C, but on a connection of its own, and SQLite has one writer: it cannot
# write into the session's open transaction. So ADBC writes the rows into throw-away
# database files next to the database ("stages"), and the session's own connection copies
# them into feed_record with INSERT ... SELECT, inside the request's transaction: a failure
# or a kill at any point leaves feed_record as it was. A background thread stages the next
# chunk while the session copies the previous one (both release the GIL). Small imports,
# where the files cost more than they save, and imports after the connection has attached as
# many databases as SQLite allows (10; a stage stays attached until the transaction ends, as
# when seeding imports many extracts in one transaction) go through executemany instead.
MIN_STAGED_ROWS = 20_000
STAGE_ROWS = 125_000
MAX_STAGES = 8
_STAGE_PRAGMAS = (
    # A stage is written once by one connection and read once; if anything fails it is
    # deleted, so it needs neither a journal nor syncing.
    "journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE", "cache_size=-65536",
)
_STAGE_GLOB = "*.feed-stage-*.db"
_STAGES_KEY = "feed_stages"


def stage_slots(connection: Any, rows: int) -> int:
    """How many stage files an insert of `rows` rows on this SQLite connection may use: 0 when
    the rows are too few for the files to pay, or the connection has attached as many
    databases as SQLite allows."""
    driver = connection.connection.driver_connection
    attached = sum(1 for _, name, _ in driver.execute("PRAGMA database_list").fetchall()
                   if name not in ("main", "temp"))
    slots = driver.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) - attached
    return 0 if rows < MIN_STAGED_ROWS or slots < 1 else min(MAX_STAGES, slots)


def _insert_sqlite(connection: Any, table: pa.Table, delivery_id: int) -> None:
    slots = stage_slots(connection, table.num_rows)
    if not slots:
        _executemany(connection.connection.driver_connection, table)
    else:
        stage_insert(connection, TABLE, table.drop_columns(["delivery_id"]),
                     constants={"delivery_id": delivery_id}, max_stages=slots)


def stage_insert(connection: Any, target: str, table: pa.Table, *,
                 constants: dict[str, int] | None = None, max_stages: int = MAX_STAGES) -> None:
    """Insert an Arrow table's rows into `target` in the session's SQLite transaction, through
    stage files written by ADBC (see above); `constants` are columns with one integer value
    for every row, written by the copying statement."""
    driver = connection.connection.driver_connection
    if not event.contains(connection.engine, "checkin", _detach_stages):
        event.listen(connection.engine, "checkin", _detach_stages)
    folder, stem = _stage_folder(driver)
    _remove_abandoned_stages(folder)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    # Dates as the table stores them on SQLite: ISO text, as SQLAlchemy writes and reads them.
    for i, field in enumerate(table.schema):
        if pa.types.is_date32(field.type):
            table = table.set_column(i, field.name, pc.cast(table.column(i), pa.string()))
    size = max(STAGE_ROWS, -(-table.num_rows // max_stages))
    chunks = [table.slice(offset, size) for offset in range(0, table.num_rows, size)]
    paths = [folder / f"{stem}.feed-stage-{token}-{i}.db" for i in range(len(chunks))]
    fixed = constants or {}
    into = ", ".join([*fixed, *table.column_names])
    values = ", ".join([*(str(int(v)) for v in fixed.values()), *table.column_names])
    stages: list[tuple[str, Path]] = connection.connection.info.setdefault(_STAGES_KEY, [])
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-stage")
    try:
        staged = [pool.submit(_write_stage, path, chunk) for path, chunk in zip(paths, chunks,
                                                                                strict=True)]
        for i, (path, future) in enumerate(zip(paths, staged, strict=True)):
            future.result()
            schema = f"feed_stage_{token.replace('-', '_')}_{i}"
            driver.execute(f"ATTACH DATABASE ? AS {schema}", (str(path),))
            stages.append((schema, path))
            # No copy of the rows outlives the transaction: the file is gone from the
            # directory as soon as it is open (on Windows, when it is detached).
            with contextlib.suppress(OSError):
                path.unlink()
            driver.execute(f"INSERT INTO main.{target} ({into}) SELECT {values} "
                           f"FROM {schema}.rows")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for path in paths:
            if path not in {stage for _, stage in stages}:
                path.unlink(missing_ok=True)


def _write_stage(path: Path, chunk: pa.Table) -> None:
    """Write one chunk of rows into a new database file by ADBC (no Python per value)."""
    with adbc_sqlite.connect(str(path), autocommit=True) as stage, stage.cursor() as cursor:
        for pragma in _STAGE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
            cursor.fetchall()
        cursor.execute("BEGIN")
        cursor.adbc_ingest("rows", chunk, mode="create")
        cursor.execute("COMMIT")


def _stage_folder(driver: Any) -> tuple[Path, str]:
    """Stages go next to the database file: the same disk, the same access rights."""
    for _, name, file in driver.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            main = Path(file)
            return main.parent, f".{main.name}"
    return Path(tempfile.gettempdir()), ".tracker"


def _remove_abandoned_stages(folder: Path) -> None:
    """Delete the stages of a process that was killed while it wrote them."""
    for path in folder.glob(_STAGE_GLOB):
        try:
            pid = int(path.name.rsplit(".feed-stage-", 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _detach_stages(dbapi_connection: Any, connection_record: Any) -> None:
    """Detach a finished import's stages when its connection returns to the pool.

    SQLite cannot detach a database inside the transaction that read it; by check-in the
    transaction has been committed or rolled back.
    """
    stages = connection_record.info.pop(_STAGES_KEY, None)
    if not stages or dbapi_connection is None:
        return
    for schema, path in stages:
        with contextlib.suppress(sqlite3.Error):
            dbapi_connection.execute(f"DETACH DATABASE {schema}")
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
