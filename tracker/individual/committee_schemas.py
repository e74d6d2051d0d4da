"""API shapes of the assessment committee: roster, meetings, attendance and participation."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from tracker.crud import VERSION_HELP, not_null
from tracker.individual.enums import CommitteeRole


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemberIn(_In):
    name: str = Field(min_length=1, max_length=200)
    committee_role: CommitteeRole
    health_trust: str | None = Field(default=None, max_length=120)
    medical_director: bool = False
    substitute_for_id: int | None = Field(default=None, ge=1)
    user_name: str | None = Field(default=None, max_length=120)
    active_from: date
    active_to: date | None = None


class MemberUpdate(_In):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    committee_role: CommitteeRole | None = None
    health_trust: str | None = Field(default=None, max_length=120)
    medical_director: bool | None = None
    substitute_for_id: int | None = Field(default=None, ge=1)
    user_name: str | None = Field(default=None, max_length=120)
    active_from: date | None = None
    active_to: date | None = None
    version: int = Field(ge=1, description=VERSION_HELP)

    _not_null = not_null("name", "committee_role", "medical_director", "active_from")


class MemberRead(BaseModel):
    id: int
    name: str
    committee_role: CommitteeRole
    health_trust: str | None
    region: str | None
    medical_director: bool
    substitute_for_id: int | None
    user_name: str | None
    active_from: date
    active_to: date | None
    version: int


class RosterRead(BaseModel):
    items: list[MemberRead]
    problems: list[str]


class MeetingIn(_In):
    held_on: date
    extra: bool = Field(default=False, description="An extra meeting for an urgent case.")
    note: str | None = Field(default=None, max_length=2000)


class MeetingPlanIn(_In):
    first: date = Field(description="The first meeting; the rest follow every two weeks.")
    count: int = Field(ge=1, le=52)


class PapersIn(_In):
    sent_on: date | None = Field(default=None, description="When the papers went out (today).")
    version: int = Field(ge=1, description=VERSION_HELP)


class AttendanceIn(_In):
    member_ids: list[int] = Field(max_length=40)
    version: int = Field(ge=1, description=VERSION_HELP)


class Recusal(BaseModel):
    name: str
    reason: str


class CaseParticipation(BaseModel):
    case_id: int
    reference: str | None
    nye_metoder_id: str
    sending_trust: str
    state: str
    deciding: list[str]
    recused: list[Recusal]
    quorate: bool
    problems: list[str]


class MeetingRead(BaseModel):
    id: int
    held_on: date
    extra: bool
    note: str | None
    papers_sent_on: date | None
    papers_deadline: date
    papers_late: bool
    attendees: list[MemberRead]
    cases: list[CaseParticipation]
    version: int


class MeetingList(BaseModel):
    items: list[MeetingRead]
