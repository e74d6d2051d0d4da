"""The interregional assessment committee: roster, meetings, recusal, quorum and decisions.

The rules are the procedure's (002_e9fcae1246b76c56.txt L585–690), enforced, not ticked:
- two medical directors per region decide; a leader, DMP and the secretariat attend without a
  vote (L633–646); substitutes vote when attending (in place of their member, not beside them);
- a member never takes part in a case from their own trust (L629, L681): recusal is computed
  from the roster and the case's trusts;
- at least four members with decision authority, present and not recused (L625–627, L683);
- decisions by consensus (L628, L686), otherwise the case is recorded as "no consensus";
- papers go out at least two working days before the meeting (L674–675), holidays counted;
- meetings every two weeks (L670).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from tracker.auth import Principal
from tracker.crud import apply_values, check_version, get_or_404
from tracker.errors import Conflict, InvalidInput, field_error
from tracker.individual import committee_schemas as cs
from tracker.individual import schemas as s
from tracker.individual import service as cases
from tracker.individual import trusts
from tracker.individual.enums import VOTING_ROLES, CaseState, CommitteeRole, Outcome, Scheme
from tracker.individual.models import (
    AccessCase,
    CommitteeMeeting,
    CommitteeMember,
    MeetingAttendance,
)
from tracker.individual.workdays import working_days_before
from tracker.timeutil import nb_date

QUORUM = 4
PAPERS_WORKING_DAYS = 2
MEETING_INTERVAL = timedelta(days=14)


# --- roster and meetings ---------------------------------------------------------------------


def members(*, session: Session, on: date | None = None) -> list[CommitteeMember]:
    """Return the roster (active on a day, if given), by region and name."""
    statement = select(CommitteeMember)
    if on is not None:
        statement = statement.where(CommitteeMember.active_from <= on).where(
            (col(CommitteeMember.active_to).is_(None)) | (col(CommitteeMember.active_to) >= on))
    return list(session.exec(statement.order_by(col(CommitteeMember.region),
                                                col(CommitteeMember.name))).all())


def create_member(*, session: Session, data: cs.MemberIn) -> CommitteeMember:
    """Add a person to the roster; a voting member belongs to a trust, and so to a region."""
    values = _member_values(session, data)
    member = CommitteeMember(**values)
    session.add(member)
    session.flush()
    return member


def update_member(*, session: Session, member_id: int, data: cs.MemberUpdate) -> CommitteeMember:
    """Change a roster entry (e.g. its end date), as of the version the caller read."""
    member = get_member(session=session, member_id=member_id)
    check_version(member, data.version, label="Committee member")
    merged = cs.MemberIn.model_validate({
        **member.model_dump(include=set(cs.MemberIn.model_fields)),
        **data.model_dump(exclude_unset=True, exclude={"version"}),
    })
    apply_values(member, _member_values(session, merged))
    session.add(member)
    session.flush()
    return member


def _member_values(session: Session, data: cs.MemberIn) -> dict[str, Any]:
    values = data.model_dump()
    problems = []
    if data.health_trust:
        values["health_trust"] = trusts.canonical(data.health_trust, field="health_trust")
        values["region"] = trusts.region_of(values["health_trust"])
    elif data.committee_role in VOTING_ROLES:
        problems.append(field_error("health_trust", "a member with a vote represents a trust"))
    if data.substitute_for_id is not None:
        other = session.get(CommitteeMember, data.substitute_for_id)
        if other is None or data.committee_role != CommitteeRole.substitute:
            problems.append(field_error("substitute_for_id",
                                        "a substitute stands in for a member on the roster"))
    if data.active_to is not None and data.active_to < data.active_from:
        problems.append(field_error("active_to", "the end is before the start"))
    if problems:
        raise InvalidInput("The roster entry is not valid.", problems)
    return values


def roster_problems(roster: list[CommitteeMember]) -> list[str]:
    """Return how a roster falls short of the procedure (two medical directors per region)."""
    from tracker.feeds.columns import REGION_NAMES

    out = []
    for region in REGION_NAMES:
        directors = [m for m in roster if m.region == region and m.medical_director
                     and m.committee_role == CommitteeRole.member]
        if len(directors) < 2:
            out.append(f"{region} has {len(directors)} medical director(s) on the committee; "
                       "each region appoints two (002 L650–651)")
    if sum(m.medical_director and m.committee_role in VOTING_ROLES for m in roster) < QUORUM:
        out.append(f"fewer than {QUORUM} members are medical directors (002 L625–626)")
    return out


def get_member(*, session: Session, member_id: int) -> CommitteeMember:
    """Return one member of the roster."""
    return get_or_404(session, CommitteeMember, member_id, label="Committee member")


def get_meeting(*, session: Session, meeting_id: int) -> CommitteeMeeting:
    """Return one meeting."""
    return get_or_404(session, CommitteeMeeting, meeting_id, label="Committee meeting")


def meetings(*, session: Session, start: date | None = None) -> list[CommitteeMeeting]:
    """Return the meetings (from a day, if given), oldest first."""
    statement = select(CommitteeMeeting)
    if start is not None:
        statement = statement.where(CommitteeMeeting.held_on >= start)
    return list(session.exec(statement.order_by(col(CommitteeMeeting.held_on))).all())


def create_meeting(*, session: Session, held_on: date, extra: bool = False,
                   note: str | None = None) -> CommitteeMeeting:
    """Plan a meeting on a day (one per day)."""
    if session.exec(select(CommitteeMeeting).where(CommitteeMeeting.held_on == held_on)).first():
        raise Conflict(f"There is already a committee meeting on {nb_date(held_on)}.")
    meeting = CommitteeMeeting(held_on=held_on, extra=extra, note=note)
    session.add(meeting)
    session.flush()
    return meeting


def plan_meetings(*, session: Session, first: date, count: int) -> list[CommitteeMeeting]:
    """Plan `count` meetings two weeks apart from `first`, skipping days already planned."""
    planned = []
    for i in range(count):
        day = first + i * MEETING_INTERVAL
        if session.exec(select(CommitteeMeeting).where(CommitteeMeeting.held_on == day)).first():
            continue
        planned.append(create_meeting(session=session, held_on=day))
    return planned


def papers_deadline(meeting: CommitteeMeeting) -> date:
    """Return the last day the papers may go out: two working days before the meeting."""
    return working_days_before(meeting.held_on, PAPERS_WORKING_DAYS)


def send_papers(*, session: Session, meeting_id: int, sent_on: date, version: int,
                today: date) -> CommitteeMeeting:
    """Record that the papers went out (a later day than the deadline is recorded as it was)."""
    meeting = get_meeting(session=session, meeting_id=meeting_id)
    check_version(meeting, version, label="Committee meeting")
    if sent_on > today:
        raise InvalidInput("Papers cannot be sent in the future.",
                           [field_error("sent_on", f"{sent_on} is after today ({today})")])
    if sent_on > meeting.held_on:
        raise InvalidInput("Papers go out before the meeting.", [field_error(
            "sent_on", f"{sent_on} is after the meeting on {meeting.held_on}")])
    apply_values(meeting, {"papers_sent_on": sent_on})
    session.add(meeting)
    session.flush()
    return meeting


def attendees(*, session: Session, meeting_id: int) -> list[CommitteeMember]:
    """Return who attended a meeting."""
    return list(session.exec(
        select(CommitteeMember).join(MeetingAttendance,
                                     col(MeetingAttendance.member_id) == col(CommitteeMember.id))
        .where(MeetingAttendance.meeting_id == meeting_id).order_by(col(CommitteeMember.name))
    ).all())


def set_attendance(*, session: Session, meeting_id: int, member_ids: list[int],
                   version: int) -> CommitteeMeeting:
    """Record who attended: members of the roster on the day of the meeting."""
    meeting = get_meeting(session=session, meeting_id=meeting_id)
    check_version(meeting, version, label="Committee meeting")
    active = {m.id for m in members(session=session, on=meeting.held_on)}
    unknown = [i for i in member_ids if i not in active]
    if unknown:
        raise InvalidInput("Not on the roster that day.", [field_error(
            "member_ids", f"member(s) {unknown} are not on the roster on {meeting.held_on}")])
    for row in session.exec(select(MeetingAttendance)
                            .where(MeetingAttendance.meeting_id == meeting_id)).all():
        session.delete(row)
    session.flush()
    for member_id in sorted(set(member_ids)):
        session.add(MeetingAttendance(meeting_id=meeting_id, member_id=member_id))
    meeting.version += 1  # attendance is part of the meeting: a second editor gets a 409
    session.add(meeting)
    session.flush()
    return meeting


# --- who takes part in a case ----------------------------------------------------------------


@dataclass
class Participation:
    """Who of those present may decide a case, who is recused and why, and whether it can be."""

    deciding: list[CommitteeMember] = field(default_factory=list)
    recused: list[tuple[CommitteeMember, str]] = field(default_factory=list)
    attending: list[CommitteeMember] = field(default_factory=list)  # without a vote
    problems: list[str] = field(default_factory=list)

    @property
    def quorate(self) -> bool:
        return len(self.deciding) >= QUORUM


def case_trusts(case: AccessCase) -> set[str]:
    """Return the trusts a case is from: sending, the patient's catchment trust, the paying one."""
    return {t for t in (case.sending_trust, case.residence_trust, case.paying_trust) if t}


def participation(case: AccessCase, present: list[CommitteeMember]) -> Participation:
    """Work out, from the roster, who may decide this case among those present."""
    out = Participation()
    present_ids = {m.id for m in present}
    own = case_trusts(case)
    for member in present:
        if member.committee_role not in VOTING_ROLES:
            out.attending.append(member)
        elif member.health_trust in own:
            out.recused.append((member, f"fra {member.health_trust}, sakens eget helseforetak"))
        elif (member.committee_role == CommitteeRole.substitute
              and member.substitute_for_id in present_ids):
            out.attending.append(member)  # the member is there; the substitute does not vote
        else:
            out.deciding.append(member)
    if not out.quorate:
        out.problems.append(
            f"only {len(out.deciding)} member(s) with decision authority take part (present and "
            f"not recused); the committee needs at least {QUORUM} (002 L625–627)")
    return out


def agenda(*, session: Session, meeting_id: int) -> list[AccessCase]:
    """Return the cases scheduled for a meeting, oldest received first."""
    return list(session.exec(select(AccessCase).where(AccessCase.meeting_id == meeting_id)
                             .order_by(col(AccessCase.received_on), col(AccessCase.id))).all())


# --- the decision ----------------------------------------------------------------------------


def _refuse(why: list[str]) -> Conflict:
    return Conflict("The committee cannot decide this case: " + "; ".join(why) + ".",
                    {"problems": why})


def decide(
    *, session: Session, case_id: int, body: s.CommitteeDecisionIn, principal: Principal,
    today: date,
) -> AccessCase:
    """Record the committee's decision on a scheduled case, if its own rules allow it (409)."""
    case = cases.get(session=session, case_id=case_id, principal=principal)
    check_version(case, body.version, label=cases.CASE)
    if case.scheme != Scheme.access_scheme:
        raise Conflict("The committee decides Tilgangsordningen cases only.")
    step = cases.workflow.step_to(Scheme.access_scheme, CaseState(case.state), CaseState.decided)
    if step is None or case.meeting_id is None:
        raise Conflict(f"{cases.CASE} {case.id} is {case.state}: schedule it for a meeting "
                       "before the committee decides it.", {"state": case.state})
    cases._require_step(step, case, principal)
    meeting = get_meeting(session=session, meeting_id=case.meeting_id)
    why: list[str] = []
    if meeting.held_on > today:
        why.append(f"its meeting is on {nb_date(meeting.held_on)}, after today")
    deadline = papers_deadline(meeting)
    if meeting.papers_sent_on is None:
        why.append("the papers for the meeting were never sent")
    elif meeting.papers_sent_on > deadline:
        why.append(f"the papers went out on {nb_date(meeting.papers_sent_on)}, later than two "
                   f"working days before the meeting ({nb_date(deadline)}; 002 L674–675); move "
                   "the case to the next meeting")
    part = participation(case, attendees(session=session, meeting_id=meeting.id or 0))
    why += part.problems
    if body.outcome in (Outcome.granted, Outcome.refused) and not body.consensus:
        why.append("decisions are made by consensus (002 L686); without it, record the outcome "
                   "no_consensus")
    if body.outcome == Outcome.no_consensus and body.consensus:
        why.append("an outcome of no_consensus cannot be agreed by consensus")
    if body.outcome == Outcome.withdrawn:
        why.append("a withdrawal is a step (to withdrawn), not a decision")
    if why:
        raise _refuse(why)
    decision: dict[str, Any] = {
        "outcome": str(body.outcome), "consensus": body.consensus,
        "grounds": [str(g) for g in body.grounds], "justification": body.justification,
        "propose_subgroup_assessment": body.propose_subgroup_assessment,
        "meeting_id": meeting.id, "meeting_date": meeting.held_on.isoformat(),
        "deciding": [m.name for m in part.deciding],
        "recused": [{"name": m.name, "reason": reason} for m, reason in part.recused],
        "attending": [m.name for m in part.attending], "recorded_by": principal.name,
    }
    cases._add_step(session, case, case.state, CaseState.decided, meeting.held_on, principal,
                    {"outcome": str(body.outcome), "consensus": body.consensus}, None)
    apply_values(case, {"state": str(CaseState.decided), "outcome": str(body.outcome),
                        "decided_on": meeting.held_on, "outcome_reason": body.justification,
                        "decision": decision})
    session.add(case)
    session.flush()
    return case
