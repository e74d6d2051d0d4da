"""Flag rules of individual access, run by the daily sweep (`tracker.flags.rules`).

- papers for a committee meeting with cases on its agenda, due (two working days before,
  002_e9fcae1246b76c56.txt L674–675) and not yet sent;
- a Tilgangsordningen application received and waiting for the coordinator's completeness check
  longer than `access_check_working_days`;
- an application ready for the committee (price checked) with no meeting within 14 days that can
  still take it (meetings every two weeks, 002 L670);
- "consider a subgroup assessment": cases for the same method and diagnosis group recurring
  within a year (000_3134ab22afa02640.txt L962–965; 002 L46–49).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlmodel import Session, col, select

from tracker.flags.enums import FlagKind, SubjectType
from tracker.flags.rules import API, FlagCandidate, method_label, rule
from tracker.flags.say import EN, NB
from tracker.individual.committee import agenda, papers_deadline
from tracker.individual.diagnosis import CHAPTER_TITLES
from tracker.individual.enums import CaseState, Scheme
from tracker.individual.models import AccessCase, AccessCaseStep, CommitteeMeeting
from tracker.individual.workdays import working_days_between
from tracker.methods.models import Method
from tracker.settings import Settings

PAPERS_LEAD_DAYS = 3
NO_MEETING_DAYS = 14


def _case_link(case_id: int | None) -> str:
    return f"{API}/access-cases/{case_id}"


def _case_label(case: AccessCase, lang: str = "nb") -> str:
    if case.reference:
        return case.reference
    return (f"case {case.id} from {case.sending_trust}" if lang == "en"
            else f"sak {case.id} fra {case.sending_trust}")


@rule(FlagKind.committee_papers_due)
def committee_papers(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Meetings not yet held, with cases on the agenda, whose papers are due and not sent."""
    out = []
    upcoming = session.exec(select(CommitteeMeeting).where(
        CommitteeMeeting.held_on >= as_of, col(CommitteeMeeting.papers_sent_on).is_(None))).all()
    for meeting in upcoming:
        deadline = papers_deadline(meeting)
        if deadline - as_of > timedelta(days=PAPERS_LEAD_DAYS):
            continue
        cases = agenda(session=session, meeting_id=meeting.id or 0)
        if not cases:
            continue
        assert meeting.id is not None
        out.append(FlagCandidate(
            kind=FlagKind.committee_papers_due, subject_type=SubjectType.committee_meeting,
            subject_id=meeting.id, introduction_id=None,
            link=f"{API}/committee/meetings/{meeting.id}",
            message=(f"Sakspapirene til vurderingskomitéens møte {NB.date(meeting.held_on)} "
                     f"({NB.count(len(cases), 'sak', 'saker')}) skal sendes senest "
                     f"{NB.date(deadline)}, {NB.when(deadline, as_of)}."),
            message_en=(f"The papers for the committee's meeting of {EN.date(meeting.held_on)} "
                        f"({EN.count(len(cases), 'case', 'cases')}) are to be sent "
                        f"by {EN.date(deadline)}, {EN.when(deadline, as_of)}."),
            facts={"meeting": meeting.held_on.isoformat(), "deadline": deadline.isoformat(),
                   "cases": len(cases)},
            due_date=deadline))
    return out


def _received_since(session: Session, cases: list[AccessCase]) -> dict[int, date]:
    """The day each case last came to `received` (its first receipt, or its resubmission)."""
    ids = [c.id for c in cases if c.id is not None]
    if not ids:
        return {}
    since: dict[int, date] = {}
    steps = session.exec(select(AccessCaseStep).where(
        col(AccessCaseStep.case_id).in_(ids), AccessCaseStep.to_state == CaseState.received)
        .order_by(col(AccessCaseStep.id)))
    for step in steps:
        since[step.case_id] = step.at
    return since


@rule(FlagKind.access_check_waiting)
def completeness_waiting(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Applications waiting for the completeness check longer than the set working days."""
    cases = list(session.exec(select(AccessCase).where(
        AccessCase.scheme == Scheme.access_scheme, AccessCase.state == CaseState.received)).all())
    since = _received_since(session, cases)
    limit = settings.access_check_working_days
    out = []
    for case in cases:
        assert case.id is not None
        received = since.get(case.id, case.received_on)
        waited = working_days_between(received, as_of)
        if waited <= limit:
            continue
        out.append(FlagCandidate(
            kind=FlagKind.access_check_waiting, subject_type=SubjectType.access_case,
            subject_id=case.id, introduction_id=None, link=_case_link(case.id),
            message=(f"Søknaden {_case_label(case)} ble mottatt {NB.date(received)} og har "
                     f"ventet {waited} virkedager på kompletthetskontroll (grense {limit})."),
            message_en=(f"The application {_case_label(case, 'en')} was received "
                        f"{EN.date(received)} and has waited {waited} working days for the "
                        f"completeness check (limit {limit})."),
            facts={"received": received.isoformat(), "working_days": waited, "limit": limit},
            due_date=received))
    return out


@rule(FlagKind.access_no_meeting)
def waiting_for_meeting(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Price-checked applications with no meeting in the next 14 days that can still take them."""
    cases = list(session.exec(select(AccessCase).where(
        AccessCase.scheme == Scheme.access_scheme,
        AccessCase.state == CaseState.price_checked)).all())
    if not cases:
        return []
    horizon = as_of + timedelta(days=NO_MEETING_DAYS)
    open_meeting = session.exec(select(CommitteeMeeting).where(
        CommitteeMeeting.held_on >= as_of, CommitteeMeeting.held_on <= horizon,
        col(CommitteeMeeting.papers_sent_on).is_(None))
        .order_by(col(CommitteeMeeting.held_on))).first()
    if open_meeting is not None:
        return []
    return [FlagCandidate(
        kind=FlagKind.access_no_meeting, subject_type=SubjectType.access_case,
        subject_id=case.id or 0, introduction_id=None, link=_case_link(case.id),
        message=(f"Søknaden {_case_label(case)} er klar for vurderingskomitéen, men ingen møte "
                 f"innen {NB.days(NO_MEETING_DAYS)} kan ta den (komitéen møtes hver annen uke). "
                 "Planlegg et møte."),
        message_en=(f"The application {_case_label(case, 'en')} is ready for the committee, but "
                    f"no meeting within {EN.days(NO_MEETING_DAYS)} can take it (the committee "
                    "meets every other week). Plan a meeting."),
        facts={"horizon": horizon.isoformat()}, due_date=horizon) for case in cases]


@rule(FlagKind.subgroup_assessment_suggested)
def recurring_cases(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Methods with several cases for the same diagnosis group in the last year."""
    start = as_of - timedelta(days=365)
    rows = session.exec(select(AccessCase).where(
        AccessCase.received_on >= start, AccessCase.received_on <= as_of,
        col(AccessCase.scheme).in_([str(Scheme.individual_exception), str(Scheme.access_scheme)]),
        col(AccessCase.diagnosis_group).is_not(None))).all()
    groups: dict[tuple[int, str], list[AccessCase]] = defaultdict(list)
    for case in rows:
        groups[(case.method_id, case.diagnosis_group or "")].append(case)
    needed = settings.subgroup_suggestion_cases
    recurring: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for (method_id, chapter), cases in sorted(groups.items()):
        if len(cases) >= needed:
            recurring[method_id].append((chapter, len(cases)))
    out = []
    for method_id, chapters in recurring.items():
        method = session.get(Method, method_id)
        assert method is not None
        where = ", ".join(f"{count} i kapittel {chapter} ({CHAPTER_TITLES.get(chapter, '')})"
                          for chapter, count in chapters)
        # The ICD-10 chapter titles are kept in Norwegian only; the English names the chapter.
        where_en = ", ".join(f"{count} in ICD-10 chapter {chapter}" for chapter, count in chapters)
        out.append(FlagCandidate(
            kind=FlagKind.subgroup_assessment_suggested, subject_type=SubjectType.method,
            subject_id=method_id, introduction_id=None,
            link=f"{API}/access-cases?method_id={method_id}",
            message=(f"Saker om individuell tilgang til {method_label(method)} det siste året: "
                     f"{where}. Like saker kan tyde på at en vurdering på gruppenivå (en "
                     "undergruppevurdering i Nye metoder eller et gruppeunntak) er aktuell."),
            message_en=(f"Individual-access cases for {method_label(method)} in the last year: "
                        f"{where_en}. Similar cases may mean that an assessment at group level "
                        "(a subgroup assessment in Nye metoder or a group exception) is due."),
            facts={"cases": sum(n for _c, n in chapters),
                   "chapters": [c for c, _n in chapters], "since": start.isoformat()},
            due_date=None))
    return out
