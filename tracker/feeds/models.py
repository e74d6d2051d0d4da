"""Tables of registry feeds: one delivery ("leveranse") and the treatment courses it holds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.models_base import JSONType
from tracker.timeutil import utcnow


class FeedDelivery(SQLModel, table=True):
    """One imported extract with its provenance; superseded deliveries stay on record."""

    __tablename__ = "feed_delivery"
    __table_args__ = (
        sa.UniqueConstraint("introduction_id", "data_source_id", "sha256",
                            name="uq_feed_delivery_file"),
    )

    id: int | None = Field(default=None, primary_key=True)
    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    data_source_id: int = Field(foreign_key="data_source.id", index=True, ondelete="RESTRICT")
    data_cut: date
    delivered_at: datetime = Field(default_factory=utcnow)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    row_count: int
    uploader: str = Field(max_length=200)
    synthetic: bool = Field(default=False, description="Generated demo data, not a real extract.")
    warnings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    extra_columns: list[str] = Field(default_factory=list, sa_type=JSONType)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = Field(
        default=None, foreign_key="feed_delivery.id", ondelete="SET NULL"
    )


class FeedRecord(SQLModel, table=True):
    """One patient's treatment course in a delivery, with its endpoints derived at import.

    Durations are whole days from `treatment_start`; each event flag is 1 for an event and 0
    for censoring. `entry_days` is the delayed-entry (left-truncation) time, 0 if none.
    """

    __tablename__ = "feed_record"

    # The primary key leads with delivery_id, so it is also the index every query filters on.
    # No FOREIGN KEY on purpose: PostgreSQL checks one row by row (a trigger per inserted row),
    # which doubled the time of a million-row COPY. The rows are written only by
    # feeds.service.import_extract, in the transaction that creates their delivery, and a
    # database trigger deletes them with their delivery (migration 0002), as a cascade would.
    delivery_id: int = Field(primary_key=True)
    row_no: int = Field(primary_key=True, description="Row in the file (header = row 1).")
    patient_id: str = Field(max_length=64)
    treatment_start: date
    last_followup: date
    health_trust: str | None = Field(default=None, max_length=120)
    region: str | None = Field(default=None, max_length=20)
    birth_year: int | None = None
    sex: str | None = Field(default=None, max_length=1)
    diagnosis: str | None = Field(default=None, max_length=16)
    subgroup: str | None = Field(default=None, max_length=120)
    treatment_line: int | None = None
    treatment_stop: date | None = None
    stop_reason: str | None = Field(default=None, max_length=20)
    progression_date: date | None = None
    death_date: date | None = None
    best_response: str | None = Field(default=None, max_length=2)
    entry_date: date | None = None
    os_days: int
    os_event: int = Field(sa_type=sa.SmallInteger)
    pfs_days: int
    pfs_event: int = Field(sa_type=sa.SmallInteger)
    ttd_days: int
    ttd_event: int = Field(sa_type=sa.SmallInteger)
    entry_days: int = 0


class FeedCount(SQLModel, table=True):
    """A delivery's count table per endpoint (all patients), computed once at import.

    A delivery never changes after import, so the ungrouped counts per time and event that every
    outcomes request starts from are stored with it instead of being aggregated again.
    """

    __tablename__ = "feed_count"

    delivery_id: int = Field(
        foreign_key="feed_delivery.id", primary_key=True, ondelete="CASCADE"
    )
    endpoint: str = Field(max_length=3, primary_key=True)
    time_days: int = Field(primary_key=True)
    events: int
    censored: int
    entered: int
