"""Tables of flags ("varsler"), notifications and notification preferences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.models_base import JSONType, VersionChecked, enum_column
from tracker.timeutil import utcnow

OPEN = sa.text("closed_at IS NULL")


class Flag(VersionChecked, SQLModel, table=True):
    """A deadline or signal that needs attention, raised and closed by the sweep.

    At most one *open* flag exists per (subject_type, subject_id, kind): the partial unique index
    enforces it in the database, so concurrent sweeps cannot raise a flag twice. Closed flags stay
    on record; when the cause returns, a new flag is opened.
    """

    __tablename__ = "flag"
    __table_args__ = (
        sa.Index(
            "uq_flag_open_subject_kind", "subject_type", "subject_id", "kind",
            unique=True, sqlite_where=OPEN, postgresql_where=OPEN,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=enum_column(), index=True)
    subject_type: str = Field(sa_type=enum_column(20))
    subject_id: int
    introduction_id: int | None = Field(
        default=None, foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    link: str = Field(max_length=300, description="API path of the subject.")
    message: str = Field(sa_type=sa.Text)
    message_en: str | None = Field(default=None, sa_type=sa.Text)
    facts: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    due_date: date | None = Field(default=None, index=True)
    opened_on: date = Field(description="The sweep date (as_of) that raised the flag.")
    opened_at: datetime = Field(default_factory=utcnow)
    closed_on: date | None = None
    closed_at: datetime | None = Field(default=None, index=True)
    close_reason: str | None = Field(default=None, sa_type=enum_column(20))
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=200)
    acknowledged_reason: str | None = Field(default=None, sa_type=sa.Text)
    snoozed_until: date | None = None
    snoozed_by: str | None = Field(default=None, max_length=200)
    snoozed_reason: str | None = Field(default=None, sa_type=sa.Text)
    notified_at: datetime | None = None
    # Bumped by acknowledge, snooze and the sweep's refresh and close; the notification stamp
    # (notified_at) is bookkeeping and leaves it.
    version: int = Field(default=1, nullable=False)


class Notification(SQLModel, table=True):
    """One recipient told about one flag, by e-mail at once or in the daily digest."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=320, index=True)
    flag_id: int = Field(foreign_key="flag.id", index=True, ondelete="CASCADE")
    channel: str = Field(sa_type=enum_column(10))
    created_on: date = Field(description="The sweep date (as_of) that queued it.")
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = Field(default=None, index=True)
    read_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)


class NotificationPreference(SQLModel, table=True):
    """How one recipient wants to be told: each new flag at once, or a daily digest."""

    __tablename__ = "notification_preference"

    recipient: str = Field(primary_key=True, max_length=320)
    mode: str = Field(sa_type=enum_column(20))
    last_digest_on: date | None = Field(
        default=None, description="The day of the last digest, so each day gets at most one."
    )
    updated_at: datetime = Field(default_factory=utcnow)
