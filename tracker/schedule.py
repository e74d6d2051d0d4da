"""When each periodic job last ran, so that a run missed while nothing was running is made up
once at the next start, and a run is claimed by one process only ("job_run")."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel

from tracker.timeutil import OSLO


class JobRun(SQLModel, table=True):
    """The last run of one periodic job (by its declared id)."""

    __tablename__ = "job_run"

    job_id: str = Field(primary_key=True, max_length=60)
    last_run_at: datetime | None = None


def due_since(hour: int, now: datetime, zone: tzinfo = OSLO) -> datetime:
    """The latest time at or before `now` when a daily job at `hour` (in `zone`) was due."""
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), time(hour), tzinfo=zone)
    if due > local:
        due = datetime.combine(local.date() - timedelta(days=1), time(hour), tzinfo=zone)
    return due


def claim(*, session: Session, job_id: str, due: datetime, now: datetime) -> bool:
    """Claim the run of a job that was due at `due`: true for exactly one caller.

    One conditional UPDATE decides (the row lock on PostgreSQL, the write lock on SQLite), so
    two processes starting at once, or a start-up catch-up and the scheduled run, never both run.
    """
    table = JobRun.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).values(job_id=job_id, last_run_at=None)
                    .on_conflict_do_nothing(index_elements=[table.c.job_id]))
    result = session.execute(
        update(table)
        .where(table.c.job_id == job_id,
               or_(table.c.last_run_at.is_(None), table.c.last_run_at < due))
        .values(last_run_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
