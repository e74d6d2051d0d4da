"""Database engine and the per-request session. Services flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, create_engine

from tracker.crud import stale_conflict
from tracker.errors import InvalidInput, field_error
from tracker.privacy import IDENTIFIER_MESSAGE, identifier_paths
from tracker.settings import Settings

# Tables whose texts are written by the tracker itself, never typed by a person: hashes and
# token prefixes, the audit trail (a copy of values already checked), the numeric feed rows.
_MACHINE_TABLES = frozenset(
    {"api_token", "audit_event", "feed_record", "feed_count", "login_throttle", "login_session"}
)
_MACHINE_COLUMNS = ("sha256", "_hash", "prefix")


def driver_rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run `sql` (with `?` for each parameter, whatever the driver's style) on the driver's own
    cursor in the session's transaction, and return the rows as plain tuples.

    For the reads of tens of thousands of rows (feed records, count tables, settlement lines):
    no row objects and no per-row Python, a third of the time of the ORM path.
    """
    connection = session.connection()
    if connection.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def make_engine(settings: Settings) -> Engine:
    """Create the SQLAlchemy engine for the configured database."""
    url = settings.sqlalchemy_url
    kwargs: dict[str, Any] = {"echo": settings.sql_echo}
    if url.startswith("sqlite"):
        if ":memory:" not in url and url.startswith("sqlite:///"):
            settings.instance_path.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the database; it may lose the last commit on power loss.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_TEXT_COLUMNS: dict[Any, list[str]] = {}


def _holds_text(column_type: Any) -> bool:
    """Whether a column stores text or JSON (SQLModel's AutoString decorates sa.String)."""
    impl = getattr(column_type, "impl", column_type)
    return isinstance(column_type, sa.String | sa.JSON) or isinstance(impl, sa.String | sa.JSON)


def _text_columns(mapper: Any) -> list[str]:
    """Return the attribute names of the text and JSON columns a person may have written."""
    cached = _TEXT_COLUMNS.get(mapper)
    if cached is None:
        cached = []
        if mapper.persist_selectable.name not in _MACHINE_TABLES:
            for attr in mapper.column_attrs:
                column = attr.columns[0]
                if not _holds_text(column.type):
                    continue
                if attr.key.endswith(_MACHINE_COLUMNS):
                    continue
                cached.append(attr.key)
        _TEXT_COLUMNS[mapper] = cached
    return cached


def refuse_identifiers_on_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Refuse to write a fødselsnummer or D-number into any text column, whoever writes it.

    The API refuses such a request body with the field's path; this is the backstop for every
    other way in (CLI, seeds, forms, jobs), naming the record's table and column, never the value.
    """
    problems = []
    for obj in [*session.new, *session.dirty]:
        state = inspect(obj)
        for key in _text_columns(state.mapper):
            if obj in session.dirty and not state.attrs[key].history.has_changes():
                continue
            value = getattr(obj, key, None)
            if value is None:
                continue
            table = state.mapper.persist_selectable.name
            for path in identifier_paths(value, key):
                problems.append(field_error(f"{table}.{path}", IDENTIFIER_MESSAGE))
    if problems:
        fields = ", ".join(p["field"] for p in problems)
        raise InvalidInput(
            f"A text holds what looks like a national identity number ({fields}); "
            "nothing was stored.",
            problems,
        )


if not event.contains(OrmSession, "before_flush", refuse_identifiers_on_flush):
    event.listen(OrmSession, "before_flush", refuse_identifiers_on_flush)


def init_app(app: Flask, settings: Settings) -> None:
    """Attach an engine to the app and close the request session on teardown."""
    app.extensions["tracker_engine"] = make_engine(settings)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()


def get_engine() -> Engine:
    """Return the engine of the current app."""
    return current_app.extensions["tracker_engine"]  # type: ignore[no-any-return]


def get_session() -> Session:
    """Return the session of the current request (or app context), creating it on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session  # type: ignore[no-any-return]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Run a unit of work outside a request: commit if it succeeds, roll back if it raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        # A CLI command or job wrote a record someone changed meanwhile: a clear 409-style
        # Conflict (the commands print TrackerErrors), not a traceback.
        raise stale_conflict(session) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
