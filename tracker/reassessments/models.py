"""Tables of reassessment cases ("revurderingssaker"), their steps and phase-out plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.models_base import JSONType, RecordMixin, VersionChecked, enum_column
from tracker.timeutil import utcnow

NOT_DECIDED = sa.text("state <> 'decided'")


class ReassessmentCase(RecordMixin, table=True):
    """The reassessment of one temporary introduction, from planned to decided.

    An introduction has at most one undecided case at a time (enforced by a partial unique index);
    decided cases stay on record. A renegotiation decision opens a follow-up case.
    """

    __tablename__ = "reassessment_case"
    __table_args__ = (
        sa.Index(
            "uq_reassessment_case_undecided", "introduction_id", unique=True,
            sqlite_where=NOT_DECIDED, postgresql_where=NOT_DECIDED,
        ),
    )

    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    state: str = Field(sa_type=enum_column(30), index=True)
    opened_on: date
    opened_by: str = Field(max_length=200)
    follows_case_id: int | None = Field(
        default=None, foreign_key="reassessment_case.id", ondelete="SET NULL"
    )
    due_date: date | None = Field(
        default=None, description="Deadline of a follow-up case (e.g. the renegotiation)."
    )
    outcome: str | None = Field(default=None, sa_type=enum_column(30))
    decision: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    decided_on: date | None = None
    decided_by: str | None = Field(default=None, max_length=200)


class ReassessmentStep(SQLModel, table=True):
    """One move of a case from one state to the next, with date and who (append-only)."""

    __tablename__ = "reassessment_step"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="reassessment_case.id", index=True, ondelete="CASCADE")
    from_state: str | None = Field(default=None, sa_type=enum_column(30))
    to_state: str = Field(sa_type=enum_column(30))
    at: date
    by: str = Field(max_length=200)
    note: str | None = Field(default=None, sa_type=sa.Text)
    recorded_at: datetime = Field(default_factory=utcnow)


class PhaseOutPlan(SQLModel, table=True):
    """The dated plan a phase-out (or a subgroup-only continuation) decision creates."""

    __tablename__ = "phaseout_plan"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="reassessment_case.id", unique=True, ondelete="CASCADE")
    introduction_id: int = Field(
        foreign_key="temporary_introduction.id", index=True, ondelete="CASCADE"
    )
    outcome: str = Field(sa_type=enum_column(30))
    new_patients_stop_date: date
    patients_on_treatment: str = Field(sa_type=sa.Text)
    subgroups: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow)


class PhaseOutStep(VersionChecked, SQLModel, table=True):
    """One dated step of a phase-out plan, followed by the sweep until it is marked done."""

    __tablename__ = "phaseout_step"
    __table_args__ = (sa.UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="phaseout_plan.id", index=True, ondelete="CASCADE")
    key: str = Field(sa_type=enum_column(30))
    description: str = Field(sa_type=sa.Text)
    due_date: date = Field(index=True)
    done_on: date | None = None
    done_by: str | None = Field(default=None, max_length=200)
    done_note: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, nullable=False)
