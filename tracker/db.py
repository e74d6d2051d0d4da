"""Database engine and the per-request session. Services flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from tracker.settings import Settings


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
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
