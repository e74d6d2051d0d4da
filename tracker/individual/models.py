"""Tables of the individual-access register: cases, their steps, and the committee.

One table holds the cases of all three schemes. The columns are the "fewest possible parameters"
the exception scheme's review asks for (000_3134ab22afa02640.txt L1230–1245): scheme, method,
diagnosis, trusts and region, dates and outcome; the statistics read only these. What the
application form holds beyond them (Part 2 of the Tilgangsordningen form, 002 L432–576, or the
exception's criteria and price basis) is kept in `application`, typed and validated per scheme by
`tracker.individual.schemas`. Part 1 of the form (name, national identity number, signature)
stays in the patient record and has no place here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.models_base import JSONType, RecordMixin, enum_column
from tracker.timeutil import utcnow


class AccessCase(RecordMixin, table=True):
    """A case of individual access: an exception (for one patient or a group) or an application
    under Tilgangsordningen ("sak om individuell tilgang")."""

    __tablename__ = "access_case"

    scheme: str = Field(sa_type=enum_column(30), index=True)
    state: str = Field(sa_type=enum_column(30), index=True)
    method_id: int = Field(foreign_key="method.id", index=True, ondelete="RESTRICT")
    reference: str | None = Field(
        default=None, max_length=120, description="The case's reference number (002 L441)."
    )
    diagnosis_icd10: str | None = Field(default=None, max_length=8)
    diagnosis_group: str | None = Field(default=None, max_length=8, index=True)
    sending_trust: str = Field(max_length=120, index=True)
    region: str = Field(max_length=40, index=True)
    residence_trust: str | None = Field(default=None, max_length=120)
    residence_region: str | None = Field(default=None, max_length=40)
    paying_trust: str | None = Field(default=None, max_length=120)
    received_on: date = Field(index=True)
    decided_on: date | None = Field(default=None, index=True)
    outcome: str | None = Field(default=None, sa_type=enum_column(20), index=True)
    outcome_reason: str | None = Field(default=None, sa_type=sa.Text)
    application: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    decision: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    meeting_id: int | None = Field(
        default=None, foreign_key="committee_meeting.id", index=True, ondelete="SET NULL"
    )
    publication_status: str | None = Field(default=None, sa_type=enum_column(20))
    synthetic: bool = Field(default=False, description="Demo data, not a real case.")


class AccessCaseStep(SQLModel, table=True):
    """One step of a case, with who took it, in which role, and when (append-only)."""

    __tablename__ = "access_case_step"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="access_case.id", index=True, ondelete="CASCADE")
    from_state: str | None = Field(default=None, sa_type=enum_column(30))
    to_state: str = Field(sa_type=enum_column(30))
    at: date
    by: str = Field(max_length=200)
    role: str | None = Field(default=None, sa_type=enum_column(20))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    note: str | None = Field(default=None, sa_type=sa.Text)
    recorded_at: datetime = Field(default_factory=utcnow)


class CommitteeMember(RecordMixin, table=True):
    """A person on the roster of the interregional assessment committee (002 L585–690)."""

    __tablename__ = "committee_member"

    name: str = Field(max_length=200)
    committee_role: str = Field(sa_type=enum_column(20))
    health_trust: str | None = Field(default=None, max_length=120)
    region: str | None = Field(default=None, max_length=40)
    medical_director: bool = Field(default=False, description="Fagdirektør (or appointed so).")
    substitute_for_id: int | None = Field(
        default=None, foreign_key="committee_member.id", ondelete="SET NULL"
    )
    user_name: str | None = Field(default=None, max_length=120, description="Login, if any.")
    active_from: date
    active_to: date | None = None


class CommitteeMeeting(RecordMixin, table=True):
    """A meeting of the assessment committee, every two weeks (002 L670–676)."""

    __tablename__ = "committee_meeting"

    held_on: date = Field(index=True, unique=True)
    papers_sent_on: date | None = None
    extra: bool = Field(default=False, description="An extra meeting for an urgent case.")
    note: str | None = Field(default=None, sa_type=sa.Text)


class MeetingAttendance(SQLModel, table=True):
    """Who attended a meeting (recusal per case is computed from the roster, not recorded)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="committee_meeting.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="committee_member.id", index=True, ondelete="RESTRICT")
