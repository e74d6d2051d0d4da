"""HTTP endpoints of the assessment committee: roster, meetings, papers and attendance."""

from __future__ import annotations

from typing import Any

from tracker.apispec import ApiBlueprint
from tracker.db import get_session
from tracker.individual import committee
from tracker.individual import committee_schemas as cs
from tracker.individual.models import CommitteeMeeting, CommitteeMember
from tracker.methods import service as methods_service
from tracker.timeutil import today

bp = ApiBlueprint("committee", __name__, tag="assessment committee", resource="committee")


def _member(member: CommitteeMember) -> cs.MemberRead:
    return cs.MemberRead.model_validate(member, from_attributes=True)


def meeting_read(meeting: CommitteeMeeting) -> cs.MeetingRead:
    """Return a meeting with its agenda and, per case, who decides and who is recused."""
    session = get_session()
    assert meeting.id is not None
    present = committee.attendees(session=session, meeting_id=meeting.id)
    agenda = committee.agenda(session=session, meeting_id=meeting.id)
    methods = methods_service.get_many(session=session, method_ids={c.method_id for c in agenda})
    items = []
    for case in agenda:
        part = committee.participation(case, present)
        assert case.id is not None
        items.append(cs.CaseParticipation(
            case_id=case.id, reference=case.reference,
            nye_metoder_id=methods[case.method_id].nye_metoder_id,
            sending_trust=case.sending_trust, state=case.state,
            deciding=[m.name for m in part.deciding],
            recused=[cs.Recusal(name=m.name, reason=r) for m, r in part.recused],
            quorate=part.quorate, problems=part.problems))
    deadline = committee.papers_deadline(meeting)
    return cs.MeetingRead(
        id=meeting.id, held_on=meeting.held_on, extra=meeting.extra, note=meeting.note,
        papers_sent_on=meeting.papers_sent_on, papers_deadline=deadline,
        papers_late=(meeting.papers_sent_on or today()) > deadline,
        attendees=[_member(m) for m in present], cases=items, version=meeting.version)


@bp.operation("/committee/members", "GET", summary="The committee's roster, with its shortfalls",
              response=cs.RosterRead)
def list_committee_members() -> Any:
    roster = committee.members(session=get_session())
    active = committee.members(session=get_session(), on=today())
    return cs.RosterRead(items=[_member(m) for m in roster],
                         problems=committee.roster_problems(active))


@bp.operation("/committee/members", "POST", summary="Add a person to the roster",
              body=cs.MemberIn, response=cs.MemberRead, status=201)
def create_committee_member(body: cs.MemberIn) -> Any:
    return _member(committee.create_member(session=get_session(), data=body))


@bp.operation("/committee/members/<int:member_id>", "PATCH", summary="Change a roster entry",
              body=cs.MemberUpdate, response=cs.MemberRead, errors=[409])
def update_committee_member(member_id: int, body: cs.MemberUpdate) -> Any:
    return _member(committee.update_member(session=get_session(), member_id=member_id,
                                           data=body))


@bp.operation("/committee/meetings", "GET", summary="The committee's meetings and agendas",
              response=cs.MeetingList)
def list_committee_meetings() -> Any:
    return cs.MeetingList(items=[meeting_read(m)
                                 for m in committee.meetings(session=get_session())])


@bp.operation("/committee/meetings", "POST", summary="Plan a meeting (an extra one if urgent)",
              body=cs.MeetingIn, response=cs.MeetingRead, status=201, errors=[409])
def create_committee_meeting(body: cs.MeetingIn) -> Any:
    return meeting_read(committee.create_meeting(session=get_session(), held_on=body.held_on,
                                                 extra=body.extra, note=body.note))


@bp.operation("/committee/meetings/plan", "POST",
              summary="Plan meetings every two weeks", body=cs.MeetingPlanIn,
              response=cs.MeetingList, status=201)
def plan_committee_meetings(body: cs.MeetingPlanIn) -> Any:
    planned = committee.plan_meetings(session=get_session(), first=body.first, count=body.count)
    return cs.MeetingList(items=[meeting_read(m) for m in planned])


@bp.operation("/committee/meetings/<int:meeting_id>", "GET",
              summary="A meeting: agenda, papers, attendance and recusal per case",
              response=cs.MeetingRead)
def get_committee_meeting(meeting_id: int) -> Any:
    return meeting_read(committee.get_meeting(session=get_session(), meeting_id=meeting_id))


@bp.operation("/committee/meetings/<int:meeting_id>/papers", "POST",
              summary="Record that the papers went out", body=cs.PapersIn,
              response=cs.MeetingRead, errors=[409])
def send_committee_papers(meeting_id: int, body: cs.PapersIn) -> Any:
    meeting = committee.send_papers(session=get_session(), meeting_id=meeting_id,
                                    sent_on=body.sent_on or today(), version=body.version,
                                    today=today())
    return meeting_read(meeting)


@bp.operation("/committee/meetings/<int:meeting_id>/attendance", "PUT",
              summary="Record who attended", body=cs.AttendanceIn, response=cs.MeetingRead,
              errors=[409])
def set_committee_attendance(meeting_id: int, body: cs.AttendanceIn) -> Any:
    meeting = committee.set_attendance(session=get_session(), meeting_id=meeting_id,
                                       member_ids=body.member_ids, version=body.version)
    return meeting_read(meeting)

